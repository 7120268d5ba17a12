// How many threads the library may use. A library linked into an application starts no thread unless it is asked:
// every call that can run in parallel takes `threads`, where 0 means this process default, which is 1 (the calling
// thread only) until the application sets another. Worker threads start on the first call that asks for more than
// one, and only as many as asked (at most all cores). In WebAssembly everything runs on the calling thread.
#pragma once

#include <coffre/export.h>

namespace coffre {

/// The number of threads a call with `threads = 0` uses from now on (0 is taken as 1). Thread-safe.
COFFRE_API void set_default_threads(unsigned threads) noexcept;
COFFRE_API unsigned default_threads() noexcept;

/// The number of cores (1 in WebAssembly): set_default_threads(all_cores()) lets every call use all of them.
COFFRE_API unsigned all_cores() noexcept;

}  // namespace coffre
