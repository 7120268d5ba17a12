// Runs independent tasks on several cores: a process-wide pool of worker threads, started on the first call that asks
// for more than one thread and grown only to what calls ask (coffre/threads.hpp), the caller taking part.
// In WebAssembly (no threads) tasks run inline.
#pragma once

#include <cstddef>
#include <functional>

namespace coffre::detail {

// Calls task(i) for i in [0, count) using up to `threads` threads (0: the process default); returns when all are
// done.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& task);

unsigned hardware_threads() noexcept;

}  // namespace coffre::detail
