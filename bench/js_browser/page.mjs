// The page: runs the benchmark here, then (after dropping its buffers) in a module Web Worker; publishes both on
// window.__bench.
import * as lib from '/dist/index.js';
import * as internals from '/dist/wasm.js';
import { runBench } from '/bench/core.mjs';

const params = new URL(location.href).searchParams;
const options = { sizeMib: Number(params.get('size')), rounds: Number(params.get('rounds')),
  warmup: Number(params.get('warmup')) };
const scopes = params.get('scopes').split(',');

async function inWorker() {
  return new Promise((resolve) => {
    const worker = new Worker(`/bench/worker.mjs?${params}`, { type: 'module' });
    worker.onmessage = (e) => {
      resolve(e.data);
      worker.terminate();
    };
    worker.onerror = (e) => resolve({ error: `worker error: ${e.message}` });
  });
}

async function guarded(run) {
  try {
    return await run();
  } catch (e) {
    return { error: String(e?.stack ?? e) };
  }
}

const out = { userAgent: navigator.userAgent };
if (scopes.includes('page')) out.page = await guarded(() => runBench(lib, internals, options));
if (scopes.includes('worker')) out.worker = await inWorker();
window.__bench = out;
