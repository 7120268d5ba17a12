#include "stream.hpp"

#include "signals.hpp"

#include <sodium.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <new>
#include <deque>
#include <memory>
#include <mutex>
#include <sys/mman.h>
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
  std::unique_ptr<std::uint8_t, FreeDeleter> data;  // aligned for O_DIRECT; none for mapped input
  std::size_t capacity = 0;
  const std::uint8_t* view = nullptr;  // the bytes: `data`, or inside a mapped window of the input file
  std::size_t size = 0;
  bool eof = false;
  void* map = nullptr;
  std::size_t map_len = 0;

  void unmap() noexcept {
    if (map) munmap(map, map_len);
    map = nullptr;
  }
};

// Buffers handed between one producer and one consumer. After close(), take_free() returns nullptr at once and
// take_filled() returns what is left, then nullptr.
class SlotQueue {
 public:
  // `capacity` 0: slots without buffers (mapped input).
  SlotQueue(std::size_t slots, std::size_t capacity) : slots_(slots) {
    for (Slot& s : slots_) {
      free_.push_back(&s);
      if (capacity == 0) continue;
      // Not zero-filled: pages are touched only when used.
      s.capacity = (capacity + Output::kDirectAlign - 1) / Output::kDirectAlign * Output::kDirectAlign;
      s.data.reset(static_cast<std::uint8_t*>(std::aligned_alloc(Output::kDirectAlign, s.capacity)));
      if (!s.data) throw std::bad_alloc();
      s.view = s.data.get();
    }
  }
  ~SlotQueue() {
    for (Slot& s : slots_) {
      s.unmap();
      if (s.data) sodium_memzero(s.data.get(), s.capacity);  // plaintext passed through here
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

void reader_thread(std::shared_ptr<SlotQueue> q, int fd, std::string name, std::size_t block) {
  signals::block_in_this_thread();
  for (;;) {
    Slot* s = q->take_free();
    if (!s) break;
    Status st = read_full(fd, s->data.get(), block, s->size, name);
    if (!st.ok()) {
      q->close(std::move(st));
      break;
    }
    s->eof = s->size < block;
    q->put_filled(s);
    if (s->eof) break;
  }
  close(fd);
}

// Regular files when encrypting: windows of the file mapped read-only (MAP_POPULATE faults them in here, in parallel
// with the crypto), so that the plaintext is not copied out of the page cache. Not for decryption: a ciphertext that
// changes between the tag check and the decryption would release unauthenticated plaintext. The input ends at the size
// seen at open; a file that shrinks meanwhile raises SIGBUS (signals.cpp: exit code 3, output removed), one that grew
// or shrank is reported at the end.
void map_reader_thread(std::shared_ptr<SlotQueue> q, int fd, std::string name, std::size_t block,
                       std::uint64_t offset, std::uint64_t size) {
  signals::block_in_this_thread();
  const std::uint64_t page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  for (;;) {
    Slot* s = q->take_free();
    if (!s) break;
    s->unmap();
    std::uint64_t len = std::min<std::uint64_t>(block, size - offset);
    s->size = static_cast<std::size_t>(len);
    s->view = nullptr;
    if (len > 0) {
      std::uint64_t start = offset / page * page;
      s->map_len = static_cast<std::size_t>(offset - start + len);
      void* m = mmap(nullptr, s->map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, static_cast<off_t>(start));
      if (m == MAP_FAILED) {
        q->close(io_failure("cannot read " + name, errno));
        break;
      }
      s->map = m;
      s->view = static_cast<const std::uint8_t*>(m) + (offset - start);
    }
    offset += len;
    s->eof = offset >= size;
    if (s->eof) {
      struct stat st {};
      if (fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) != size) {
        q->close(Status::fail(kExitIo, name + " changed size while it was being encrypted; nothing was written. "
                                              "Encrypt it again once it no longer changes"));
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
  const bool map = plan.map_input && in.size().has_value();
  auto rq = std::make_shared<SlotQueue>(kSlots, map ? 0 : plan.block);
  // File output: every write but the last is a multiple of kDirectAlign from an aligned buffer (O_DIRECT); the
  // bytes past the last aligned boundary move to the front of the next buffer (`carry`). An output written in place
  // (standard output, a device, a FIFO) gets every byte at once: decrypted plaintext is streamed chunk by chunk.
  const std::size_t align = out.writes_in_place() ? 1 : Output::kDirectAlign;
  std::vector<std::uint8_t> carry;
  carry.reserve(align);
  auto wq = std::make_shared<SlotQueue>(kSlots, plan.out_capacity + align);
  std::thread reader;
  if (map) {
    off_t at = lseek(in.fd(), 0, SEEK_CUR);
    reader = std::thread(map_reader_thread, rq, in.release(), in.name(), plan.block,
                         static_cast<std::uint64_t>(at < 0 ? 0 : at), *in.size());
  } else {
    reader = std::thread(reader_thread, rq, in.release(), in.name(), plan.block);
  }
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
    result = step({s->view, s->size}, s->eof, {o->data.get() + carry.size(), o->capacity - carry.size()},
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
