import wasmUrl from '@coffre/core/wasm/coffre.wasm';

import { workerMain } from './app.js';

workerMain({ wasmUrl });
