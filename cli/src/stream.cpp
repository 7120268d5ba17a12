#include "stream.hpp"

#include "signals.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <new>
#include <memory>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace coffre::cli {

namespace {

constexpr std::size_t kSlots = 2;

struct FreeDeleter {
  void operator()(std::uint8_t* p) const noexcept { std::free(p); }
};

struct Slot {
  std::unique_ptr<std::uint8_t, FreeDeleter> data;  // aligned for O_DIRECT
  std::size_t capacity = 0;
  std::size_t size = 0;
  bool eof = false;
};

// Buffers handed between one producer and one consumer. After close(), take_free() returns nullptr at once and
// take_filled() returns what is left, then nullptr.
class SlotQueue {
 public:
  SlotQueue(std::size_t slots, std::size_t capacity) : slots_(slots) {
    for (Slot& s : slots_) {
      free_.push_back(&s);
      // Not zero-filled: pages are touched only when used.
      s.capacity = (capacity + Output::kDirectAlign - 1) / Output::kDirectAlign * Output::kDirectAlign;
      s.data.reset(static_cast<std::uint8_t*>(std::aligned_alloc(Output::kDirectAlign, s.capacity)));
      if (!s.data) throw std::bad_alloc();
    }
  }
  ~SlotQueue() {
    for (Slot& s : slots_) {
      sodium_memzero(s.data.get(), s.capacity);  // plaintext passed through here
    }
  }

  Slot* take_free() { return take(free_, false); }
  Slot* take_filled() { return take(filled_, true); }
  void put_free(Slot* s) { put(free_, s); }
  void put_filled(Slot* s) { put(filled_, s); }

  void close(Status why = {}) {
    std::lock_guard lock(m_);
    if (status_.ok()) status_ = std::move(why);  // the first error wins
    closed_ = true;
    cv_.notify_all();
  }
  Status status() {
    std::lock_guard lock(m_);
    return status_;
  }

 private:
  Slot* take(std::deque<Slot*>& q, bool drain) {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return closed_ || !q.empty(); });
    if (q.empty() || (closed_ && !drain)) return nullptr;
    Slot* s = q.front();
    q.pop_front();
    return s;
  }
  void put(std::deque<Slot*>& q, Slot* s) {
    std::lock_guard lock(m_);
    q.push_back(s);
    cv_.notify_all();
  }

  std::vector<Slot> slots_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Slot*> free_, filled_;
  bool closed_ = false;
  Status status_;
};

// Reads the input into the free buffers. Plain read() into the same few buffers: mapping the file instead (tried
// before) saves the kernel's copy but costs more CPU than it saves (PERFORMANCE.md "CLI vs age": each newly mapped
// page faults again on first touch, about 0.7 s of CPU per GiB on this project's machine). `size`: a regular input's
// size at open; one that grew or shrank meanwhile is an I/O error, as the bytes read are not that file.
void reader_thread(std::shared_ptr<SlotQueue> q, int fd, std::string name, std::size_t block,
                   std::optional<std::uint64_t> size) {
  signals::block_in_this_thread();
  struct stat at_start {};
  if (fstat(fd, &at_start) != 0 || !S_ISREG(at_start.st_mode)) size.reset();  // a pipe's size is its sender's word
  off_t start = size ? lseek(fd, 0, SEEK_CUR) : 0;
  std::uint64_t total = start > 0 ? static_cast<std::uint64_t>(start) : 0;
  for (;;) {
    Slot* s = q->take_free();
    if (!s) break;
    Status st = read_full(fd, s->data.get(), block, s->size, name);
    if (!st.ok()) {
      q->close(std::move(st));
      break;
    }
    total += s->size;
    s->eof = s->size < block;
    if (s->eof && size) {
      struct stat now {};
      if (total != *size || fstat(fd, &now) != 0 || static_cast<std::uint64_t>(now.st_size) != *size) {
        q->close(Status::fail(kExitIo, name + " changed size while it was being read; nothing was written. "
                                              "Run again once it no longer changes"));
        break;
      }
    }
    q->put_filled(s);
    if (s->eof) break;
  }
  close(fd);
}

void writer_thread(std::shared_ptr<SlotQueue> q, Output* out) {
  signals::block_in_this_thread();
  for (;;) {
    Slot* s = q->take_filled();
    if (!s) break;
    Status st = out->write(s->data.get(), s->size);
    if (!st.ok()) {
      q->close(std::move(st));
      break;
    }
    bool eof = s->eof;
    q->put_free(s);
    if (eof) break;
  }
}

}  // namespace

Status run_stream(Input& in, Output& out, const StreamPlan& plan, Progress& progress, const BlockStep& step) {
  auto rq = std::make_shared<SlotQueue>(kSlots, plan.block);
  // File output: every write but the last is a multiple of kDirectAlign from an aligned buffer (O_DIRECT); the
  // bytes past the last aligned boundary move to the front of the next buffer (`carry`). An output written in place
  // (standard output, a device, a FIFO) gets every byte at once: decrypted plaintext is streamed chunk by chunk.
  const std::size_t align = out.writes_in_place() ? 1 : Output::kDirectAlign;
  std::vector<std::uint8_t> carry;
  carry.reserve(align);
  auto wq = std::make_shared<SlotQueue>(kSlots, plan.out_capacity + align);
  std::thread reader(reader_thread, rq, in.release(), in.name(), plan.block, in.size());
  std::thread writer(writer_thread, wq, &out);

  Status result;
  bool reader_done = false;
  for (;;) {
    Slot* s = rq->take_filled();
    if (!s) {
      result = rq->status();
      if (result.ok()) result = Status::fail(kExitIo, "internal error: input stopped");
      break;
    }
    Slot* o = wq->take_free();
    if (!o) {
      result = wq->status();
      break;
    }
    std::copy(carry.begin(), carry.end(), o->data.get());
    std::size_t produced = 0;
    result = step({s->data.get(), s->size}, s->eof, {o->data.get() + carry.size(), o->capacity - carry.size()},
                  produced);
    o->size = carry.size() + produced;
    o->eof = s->eof || !result.ok();
    std::size_t tail = o->eof ? 0 : o->size % align;
    carry.assign(o->data.get() + o->size - tail, o->data.get() + o->size);
    o->size -= tail;
    wq->put_filled(o);
    progress.advance(s->size);
    bool eof = s->eof;
    rq->put_free(s);
    if (!result.ok()) break;
    if (eof) {
      reader_done = true;
      break;
    }
  }
  progress.clear();
  sodium_memzero(carry.data(), carry.size());

  // The writer writes what it was given (for a file that is about to be discarded, too: it must be done with the
  // descriptor before the caller closes it), then stops.
  wq->close();
  writer.join();
  if (Status w = wq->status(); result.ok() && !w.ok()) result = w;
  // The reader may be blocked on a pipe that never ends: it then keeps its buffers and dies with the process.
  rq->close();
  if (reader_done) {
    reader.join();
  } else {
    reader.detach();
  }
  return result;
}

}  // namespace coffre::cli
