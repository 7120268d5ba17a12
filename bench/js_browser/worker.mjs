// A module Web Worker running the same benchmark as the page.
import * as lib from '/dist/index.js';
import * as internals from '/dist/wasm.js';
import { runBench } from '/bench/core.mjs';

const params = new URL(self.location.href).searchParams;
try {
  self.postMessage(await runBench(lib, internals, { sizeMib: Number(params.get('size')),
    rounds: Number(params.get('rounds')), warmup: Number(params.get('warmup')) }));
} catch (e) {
  self.postMessage({ error: String(e?.stack ?? e) });
}
