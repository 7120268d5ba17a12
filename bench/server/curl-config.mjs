// Writes a curl config (one curl process, one connection, requests in order, `next` between them) that moves the same
// bytes as the CLI did, signed with the CLI device's key:
//   upload   --parts DIR --blob PATH  POST /v1/uploads, one PUT per part file DIR/<k> (k = 0, 1, ...), then the
//            commit. The upload id comes from the server, so this writes two configs: CONFIG.start (the POST,
//            answer to CONFIG.start.json) and, with --id ID, CONFIG (parts and commit).
//   download --blob PATH [--step BYTES --size BYTES]: one GET of the whole blob, or ranged GETs of STEP bytes from
//            offset 0 (what `coffre drive get` sends); the bytes go to curl's standard output.
// Usage: node curl-config.mjs ROOT HOME URL CONFIG upload|download [options]
// Everything is signed before curl starts (outside the timing); signatures are good for 300 s (STORE.md section 2).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCore, loadDevice, signedHeaders } from './device.mjs';

const [root, home, url, config, mode, ...rest] = process.argv.slice(2);
const opt = (name) => {
  const i = rest.indexOf(`--${name}`);
  return i < 0 ? undefined : rest[i + 1];
};
const core = await loadCore(root);
const device = loadDevice(core, home);
const prefix = new URL(url).pathname.replace(/\/+$/, '');
const q = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** One request of the config: method, target under the base URL, headers, body file or inline body, output. */
function request(method, target, { bodyFile, body, output, extra = [] } = {}) {
  const bytes = bodyFile !== undefined ? readFileSync(bodyFile) : body !== undefined ? Buffer.from(body) : undefined;
  const h = signedHeaders(core, device, method, prefix + target, bytes);
  const lines = [`url = ${q(url.replace(/\/+$/, '') + target)}`, `request = ${q(method)}`];
  for (const [k, v] of Object.entries(h)) lines.push(`header = ${q(`${k}: ${v}`)}`);
  for (const e of extra) lines.push(`header = ${q(e)}`);
  if (bodyFile !== undefined) lines.push(`upload-file = ${q(bodyFile)}`, `header = "Expect:"`);
  else if (body !== undefined) lines.push(`data-binary = ${q(body)}`, `header = "Content-Type: application/json"`);
  if (output !== undefined) lines.push(`output = ${q(output)}`);
  lines.push('fail', 'silent', 'show-error');
  return lines.join('\n');
}

const blob = opt('blob');
if (mode === 'upload') {
  const id = opt('id');
  if (id === undefined) {
    writeFileSync(`${config}.start`, request('POST', '/v1/uploads', { body: JSON.stringify({ path: blob }),
      output: `${config}.start.json` }) + '\n');
  } else {
    const dir = opt('parts');
    const parts = readdirSync(dir).map(Number).sort((a, b) => a - b);
    const size = parts.reduce((s, k) => s + statSync(join(dir, String(k))).size, 0);
    const reqs = parts.map((k) => request('PUT', `/v1/uploads/${id}/${k}`, { bodyFile: join(dir, String(k)),
      output: '/dev/null' }));
    reqs.push(request('POST', `/v1/uploads/${id}/commit`, { body: JSON.stringify({ parts: parts.length, size }),
      output: '/dev/null' }));
    writeFileSync(config, reqs.join('\nnext\n') + '\n');
  }
} else if (mode === 'download') {
  const step = opt('step');
  if (step === undefined) {
    writeFileSync(config, request('GET', `/v1/o/${blob}`) + '\n');
  } else {
    const size = Number(opt('size'));
    const reqs = [];
    for (let a = 0; a < size; a += Number(step)) {
      const b = Math.min(size, a + Number(step)) - 1;
      reqs.push(request('GET', `/v1/o/${blob}`, { extra: [`Range: bytes=${a}-${b}`] }));
    }
    writeFileSync(config, reqs.join('\nnext\n') + '\n');
    writeFileSync(`${config}.count`, String(reqs.length));
  }
} else {
  throw new Error('mode: upload or download');
}
