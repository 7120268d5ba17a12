// Puts next to the compiled package what tsc does not emit: the WebAssembly module (wasm/coffre.mjs, its glue, and
// wasm/coffre.wasm, put there by ../../scripts/build-wasm.sh) and the glue's types into dist/wasm/, and the project's
// LICENSE (repository root) into the package root, where npm pack takes it.
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
copyFileSync(`${root}src/wasm/coffre.d.mts`, `${root}dist/wasm/coffre.d.mts`);
copyFileSync(`${root}../../LICENSE`, `${root}LICENSE`);
