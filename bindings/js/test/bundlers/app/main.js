// Page entry: the package's defaults (the wasm located by the package itself).
import { pageMain } from './app.js';

pageMain({}, () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }));
