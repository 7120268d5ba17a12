#include "base/parallel.hpp"

#include <coffre/threads.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace coffre {
namespace {
std::atomic<unsigned> g_default_threads{1};  // a library starts no thread unless asked
}  // namespace

void set_default_threads(unsigned threads) noexcept { g_default_threads.store(std::max(1u, threads)); }
unsigned default_threads() noexcept { return g_default_threads.load(); }
unsigned all_cores() noexcept { return detail::hardware_threads(); }

}  // namespace coffre

namespace coffre::detail {

unsigned hardware_threads() noexcept {
#ifdef __EMSCRIPTEN__
  return 1;
#else
  return std::max(1u, std::thread::hardware_concurrency());
#endif
}

#ifdef __EMSCRIPTEN__
void parallel_for(std::size_t count, unsigned, const std::function<void(std::size_t)>& task) {
  for (std::size_t i = 0; i < count; ++i) task(i);
}
#else
namespace {

// One job at a time (callers serialize on job_mutex); workers sleep between jobs. Starts with no worker: each job
// first adds the workers it needs, up to `max_workers`.
class Pool {
 public:
  explicit Pool(unsigned max_workers) : max_workers_(max_workers) {}
  ~Pool() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void run(std::size_t count, unsigned helpers, const std::function<void(std::size_t)>& task) {
    std::lock_guard job(job_mutex_);
    add_workers(std::min(helpers, max_workers_));
    {
      std::lock_guard lock(m_);
      task_ = &task;
      count_ = count;
      next_.store(0);
      active_ = std::min<unsigned>(helpers, static_cast<unsigned>(threads_.size()));
      wanted_ = active_;
      ++generation_;
    }
    cv_.notify_all();
    drain();
    std::unique_lock lock(m_);
    done_cv_.wait(lock, [this] { return active_ == 0; });
    task_ = nullptr;
  }

 private:
  // Between jobs no worker holds wanted_ > 0, so a new worker waits for the next generation like the others. A
  // thread that cannot start leaves fewer helpers: the caller drains every task anyway.
  void add_workers(unsigned wanted) noexcept {
    try {
      while (threads_.size() < wanted) threads_.emplace_back([this] { work(); });
    } catch (...) {
    }
  }
  void drain() {
    for (std::size_t i; (i = next_.fetch_add(1)) < count_;) (*task_)(i);
  }
  void work() {
    std::uint64_t seen = 0;
    std::unique_lock lock(m_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || (generation_ != seen && wanted_ > 0); });
      if (stop_) return;
      seen = generation_;
      --wanted_;
      lock.unlock();
      drain();
      lock.lock();
      if (--active_ == 0) done_cv_.notify_one();
    }
  }

  const unsigned max_workers_;
  std::vector<std::thread> threads_;
  std::mutex job_mutex_, m_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(std::size_t)>* task_ = nullptr;
  std::size_t count_ = 0;
  std::atomic<std::size_t> next_{0};
  unsigned active_ = 0, wanted_ = 0;
  std::uint64_t generation_ = 0;
  bool stop_ = false;
};

}  // namespace

void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& task) {
  unsigned want = threads == 0 ? default_threads() : threads;
  if (count < 2 || want < 2) {
    for (std::size_t i = 0; i < count; ++i) task(i);
    return;
  }
  static Pool pool(hardware_threads() - 1);
  pool.run(count, std::min<unsigned>(want - 1, static_cast<unsigned>(count - 1)), task);
}
#endif

}  // namespace coffre::detail
