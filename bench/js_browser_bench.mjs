// coffre's JS file path in headless Chromium, side by side in one run: the raw C ABI of the same wasm module (the
// floor), the package's one-shot, streaming and Web Streams APIs, and WebCrypto AES-256-GCM on 64 KiB chunks, on the
// same bytes, in interleaved rounds, in a page and again in a module Web Worker (bench/js_browser/core.mjs says
// exactly what each variant does). Prints MB/s, the ratios to the C ABI and to WebCrypto (medians of per-round
// ratios), the machine's load during the run, then one JSON line {"bench":"coffre_js_browser",...}.
//
//   scripts/build-wasm.sh && (cd bindings/js && npm ci && npm run build)    # once
//   node bench/js_browser_bench.mjs [--size-mib 256] [--rounds 5] [--warmup 1] [--scopes page,worker] [--pkg DIR]
//
// --pkg: another build of the package (a folder with dist/), e.g. an older commit's: variants its API lacks are skipped.
//
// Uses bindings/js's playwright-core and the system's Chromium (COFFRE_CHROMIUM, default /usr/bin/chromium), served
// from 127.0.0.1 under the browser tests' strict CSP. Not a test: the machine is shared; read ratios, not absolutes.
import { readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { sendFile, urlPath, withChromium, withServer } from '../bindings/js/test/shared/chromium.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = { sizeMib: 256, rounds: 5, warmup: 1, scopes: 'page,worker', pkg: join(here, '..', 'bindings', 'js') };
for (let i = 2; i < process.argv.length; i += 2) {
  const [flag, v] = [process.argv[i], process.argv[i + 1]];
  if (flag === '--size-mib') args.sizeMib = Number(v);
  else if (flag === '--rounds') args.rounds = Number(v);
  else if (flag === '--warmup') args.warmup = Number(v);
  else if (flag === '--scopes') args.scopes = v;
  else if (flag === '--pkg') args.pkg = v;
  else throw new Error(`unknown option ${flag}`);
}

function serve(req, res) {
  const path = urlPath(req);
  if (path.startsWith('/bench/')) {
    const rel = path === '/bench/' ? 'index.html' : path.slice('/bench/'.length);
    sendFile(res, join(here, 'js_browser'), rel, [join(here, 'js_browser')]);
  } else {
    sendFile(res, args.pkg, path.slice(1), [join(args.pkg, 'dist')]);
  }
}

// The whole machine's load while the benchmark runs: 1-minute load average and busy share of all cores, sampled.
function cpuTimes() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = f[3] + f[4];
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}
const samples = [];
let last = cpuTimes();
const sampler = setInterval(() => {
  const now = cpuTimes();
  samples.push({ load1: loadavg()[0], busy: 1 - (now.idle - last.idle) / (now.total - last.total) });
  last = now;
}, 2000);

const started = new Date();
const result = await withServer(serve, (origin) => withChromium(async (context) => {
  const page = context.pages()[0] ?? await context.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.stack ?? e}`));
  await page.goto(`${origin}/bench/?size=${args.sizeMib}&rounds=${args.rounds}&warmup=${args.warmup}` +
    `&scopes=${args.scopes}`);
  await page.waitForFunction(() => window.__bench !== undefined, null, { timeout: 0, polling: 1000 });
  return { ...(await page.evaluate(() => window.__bench)), logs };
}, ['--js-flags=--expose-gc']));
clearInterval(sampler);

const q = (v, p) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(p * v.length))];
const load = {
  cores: cpus().length,
  load1: { min: q(samples.map((s) => s.load1), 0), median: q(samples.map((s) => s.load1), 0.5),
    max: q(samples.map((s) => s.load1), 1) },
  busy: { median: q(samples.map((s) => s.busy), 0.5), max: q(samples.map((s) => s.busy), 1) },
};

const LABELS = {
  a_abi: 'a  C ABI (floor)', b_into: 'b  one shot, updateInto', b_alloc: 'b\' one shot, update',
  c_into: 'c  streaming, updateInto', c_alloc: 'c\' streaming, update', d_byob: 'd  Web Streams, BYOB reader',
  d_transform: 'd\' TransformStream, default reader', e_webcrypto: 'e  WebCrypto AES-256-GCM',
};
console.log(`${result.userAgent}\n${started.toISOString()}, ${args.sizeMib} MiB, ${args.rounds} rounds after ` +
  `${args.warmup} warm-up; load (1 min) ${load.load1.min.toFixed(2)}-${load.load1.max.toFixed(2)} ` +
  `(median ${load.load1.median.toFixed(2)}) on ${load.cores} cores, busy ${(100 * load.busy.median).toFixed(0)}% ` +
  `(max ${(100 * load.busy.max).toFixed(0)}%)`);
for (const scope of args.scopes.split(',')) {
  const r = result[scope];
  if (!r || r.error) {
    console.log(`\n${scope}: FAILED ${r?.error}\n${result.logs.join('\n')}`);
    process.exitCode = 1;
    continue;
  }
  for (const op of ['enc', 'dec']) {
    const o = r.ops[op];
    console.log(`\n${scope}, ${op === 'enc' ? 'encrypt' : 'decrypt'}  | MB/s | / a | / e |`);
    for (const [name, label] of Object.entries(LABELS).filter(([n]) => o.mbps[n] !== undefined)) {
      console.log(`  ${label.padEnd(36)} | ${o.mbps[name].toFixed(0).padStart(4)} | ${o.vsAbi[name].toFixed(2)} | ` +
        `${o.vsWebCrypto[name].toFixed(2)} |`);
    }
  }
}
console.log(JSON.stringify({ bench: 'coffre_js_browser', started: started.toISOString(), args, load,
  userAgent: result.userAgent, page: result.page, worker: result.worker }));
