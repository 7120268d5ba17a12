// Copies the WebAssembly module (wasm/coffre.mjs + wasm/coffre.wasm, put there by ../../scripts/build-wasm.sh) into
// dist/wasm/, next to the compiled package that loads it.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const files = ['coffre.mjs', 'coffre.wasm'];
const missing = files.filter((f) => !existsSync(`${root}wasm/${f}`));
if (missing.length > 0) {
  console.error(`missing wasm/${missing.join(', wasm/')}: run scripts/build-wasm.sh from the repository root first`);
  process.exit(1);
}
mkdirSync(`${root}dist/wasm`, { recursive: true });
for (const f of files) copyFileSync(`${root}wasm/${f}`, `${root}dist/wasm/${f}`);
