// Types of the Emscripten glue wasm/coffre.mjs (built by scripts/build-wasm.sh, copied to dist/wasm/ by
// scripts/copy-wasm.mjs): an ES module whose default export creates the module. The exports it resolves to are
// described by `Exports` in ../wasm.ts; the options are the -sINCOMING_MODULE_JS_API of wasm/CMakeLists.txt.
declare function createCoffreModule(moduleArg: {
  getRandomValue?: () => number;
  instantiateWasm?: (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance) => void) => object;
  locateFile?: (path: string, scriptDirectory: string) => string;
  onAbort?: (what: unknown) => void;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}): Promise<import('../wasm.js').Exports>;
export default createCoffreModule;
