/* The WebAssembly module's only translation unit of its own: everything it exports is the C ABI of coffre.h
 * (bindings/c, linked whole). Compiling the header here as C also checks that it stays valid C. */
#include <coffre.h>

_Static_assert(COFFRE_E_OUT_OF_MEMORY == 20, "coffre.h status codes follow docs/SPEC.md section 7");
_Static_assert(sizeof(size_t) == 4, "the JS package assumes wasm32 (size_t and pointers are 32-bit numbers)");
