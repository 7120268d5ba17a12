// Small signed GETs per second against one server: N requests for TARGET, each signed (own nonce) by the CLI
// device before the clock starts, sent over CONC keep-alive connections. Every answer must be 200.
// Usage: node rps.mjs ROOT HOME URL TARGET N CONC      prints {"bench":"store_rps",...} on one line
import http from 'node:http';
import { loadCore, loadDevice, signedHeaders } from './device.mjs';

const [root, home, url, target, n, conc] = process.argv.slice(2);
const count = Number(n);
const core = await loadCore(root);
const device = loadDevice(core, home);
const base = new URL(url);
const path = base.pathname.replace(/\/+$/, '') + target;
const signed = Array.from({ length: count }, () => signedHeaders(core, device, 'GET', path));

const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conc) });
const get = (headers) => new Promise((resolve, reject) => {
  const req = http.request({ host: base.hostname, port: base.port, path, method: 'GET', headers, agent }, (res) => {
    res.resume();
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
  });
  req.on('error', reject);
  req.end();
});

let next = 0;
const worker = async () => {
  while (next < count) await get(signed[next++]);
};
// a few requests first (connections, caches), then the measured run
for (let i = 0; i < 20; i++) await get(signedHeaders(core, device, 'GET', path));
const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: Number(conc) }, worker));
const s = Number(process.hrtime.bigint() - t0) / 1e9;
agent.destroy();
console.log(JSON.stringify({ bench: 'store_rps', requests: count, conc: Number(conc), seconds: +s.toFixed(3),
  per_s: Math.round(count / s) }));
