// Runs independent tasks on all cores: a process-wide pool of worker threads, the caller taking part.
// In WebAssembly (no threads) tasks run inline.
#pragma once

#include <cstddef>
#include <functional>

namespace coffre::detail {

// Calls task(i) for i in [0, count) using up to `threads` threads (0: all cores); returns when all are done.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& task);

unsigned hardware_threads() noexcept;

}  // namespace coffre::detail
