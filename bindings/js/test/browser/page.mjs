// The page: runs the suite here, then in a module Web Worker; publishes both results on window.__coffre.
import * as lib from '/dist/index.js';
import * as internals from '/dist/wasm.js';
import { runAll } from '/test/browser/suite.mjs';

const seed = Number(new URL(location.href).searchParams.get('seed') ?? 1);
const violations = [];
addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));

function inWorker() {
  return new Promise((resolve) => {
    const worker = new Worker(`/test/browser/worker.mjs?seed=${seed}`, { type: 'module' });
    worker.onmessage = (e) => {
      resolve(e.data);
      worker.terminate();
    };
    worker.onerror = (e) => resolve({ checks: [], vectors: [], fatal: `worker error: ${e.message}` });
  });
}

const page = await runAll(lib, internals, seed);
const worker = await inWorker();
window.__coffre = { page, worker, violations, userAgent: navigator.userAgent };
