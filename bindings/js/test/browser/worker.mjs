// A module Web Worker running the same suite as the page.
import * as lib from '/dist/index.js';
import * as internals from '/dist/wasm.js';
import { runAll } from '/test/browser/suite.mjs';

const seed = Number(new URL(self.location.href).searchParams.get('seed') ?? 1);
const violations = [];
self.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
const result = await runAll(lib, internals, seed);
self.postMessage({ ...result, violations });
