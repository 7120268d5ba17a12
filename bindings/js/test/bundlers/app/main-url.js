// Page entry for bundlers that do not follow new URL(…, import.meta.url) (esbuild): the wasm's URL comes from the
// package's `exports` (`@coffre/core/wasm/coffre.wasm`, with esbuild's `--loader:.wasm=file`) and is passed on.
import wasmUrl from '@coffre/core/wasm/coffre.wasm';

import { pageMain } from './app.js';

pageMain({ wasmUrl }, () => new Worker(new URL('./worker-url.js', import.meta.url), { type: 'module' }));
