#include "armor_io.hpp"

#include "signals.hpp"

#include <cerrno>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

namespace coffre::cli {

namespace {

constexpr std::size_t kArmorBlock = 1 << 16;

}  // namespace

ArmorWriter::ArmorWriter(Output& dst) : dst_(dst), buf_(ArmorEncoder::max_update_output(kArmorBlock)) {
  sink_.open_sink(dst.name(), [this](const std::uint8_t* data, std::size_t size) { return encode(data, size); });
}

Status ArmorWriter::encode(const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const std::size_t n = std::min(size, kArmorBlock);
    std::size_t written = 0;
    if (Error e = encoder_.update({data, n}, buf_, written); e != Error::ok) {
      return Status::fail(kExitIo, "internal error: armor encoder: " + std::string(error_code(e)));
    }
    if (Status s = dst_.write(buf_.data(), written); !s.ok()) return s;
    data += n;
    size -= n;
  }
  return Status::success();
}

Status ArmorWriter::finish() {
  std::size_t written = 0;
  if (Error e = encoder_.finish(buf_, written); e != Error::ok) {
    return Status::fail(kExitIo, "internal error: armor encoder: " + std::string(error_code(e)));
  }
  return dst_.write(buf_.data(), written);
}

// ---------------------------------------------------------------------------------------------------------------

struct ArmorReader::State {
  std::mutex m;
  bool done = false;
  Status status;
};

namespace {

// Writes to the pipe; false once its reader is gone (it stopped on an error of its own).
bool to_pipe(int fd, const std::uint8_t* data, std::size_t size) {
  return write_all(fd, data, size, "the decoded armor").ok();
}

Status armor_failure(const ArmorDecoder& d, const std::string& name) {
  return Status::fail(kExitAuth, name + " is not valid ASCII armor, line " + std::to_string(d.line()) + ": " +
                                     std::string(armor_problem_message(d.problem())) + " (armor_invalid: " +
                                     std::string(armor_problem_code(d.problem())) + ")");
}

// The decoding thread: `first` (already read), then the rest of `in_fd`, into `pipe_fd`.
Status decode_to_pipe(int in_fd, const std::string& name, int pipe_fd, const std::vector<std::uint8_t>& first) {
  ArmorDecoder d;
  std::vector<std::uint8_t> in(kArmorBlock), out(ArmorDecoder::max_update_output(kArmorBlock));
  std::uint8_t held = 0;
  bool holding = false;
  bool reader_gone = false;
  // Writes the byte held back and all of `n` decoded bytes but the last, which it holds back.
  auto pass = [&](std::size_t n) {
    if (n == 0 || reader_gone) return;
    if (holding && !to_pipe(pipe_fd, &held, 1)) reader_gone = true;
    if (!reader_gone && n > 1 && !to_pipe(pipe_fd, out.data(), n - 1)) reader_gone = true;
    held = out[n - 1];
    holding = true;
  };
  auto feed = [&](std::span<const std::uint8_t> bytes) -> Status {
    std::size_t n = 0;
    Error e = d.update(bytes, out, n);
    pass(n);
    return e == Error::ok ? Status::success() : armor_failure(d, name);
  };
  if (Status s = feed(first); !s.ok()) return s;
  for (;;) {
    std::size_t got = 0;
    if (Status s = read_full(in_fd, in.data(), in.size(), got, name); !s.ok()) return s;
    if (Status s = feed({in.data(), got}); !s.ok()) return s;
    if (reader_gone) return Status::success();  // the reader's own error is the outcome
    if (got < in.size()) break;
  }
  if (d.finish() != Error::ok) return armor_failure(d, name);
  if (holding) to_pipe(pipe_fd, &held, 1);
  return Status::success();
}

void decode_thread(std::shared_ptr<ArmorReader::State> state, int in_fd, std::string name, int pipe_fd,
                   std::vector<std::uint8_t> first) {
  signals::block_in_this_thread();
  Status s = decode_to_pipe(in_fd, name, pipe_fd, first);
  {
    std::lock_guard lock(state->m);
    state->status = std::move(s);
    state->done = true;
  }
  // Closed after `done` is set: a reader that sees the end of the pipe sees the armor's outcome.
  close(pipe_fd);
  close(in_fd);
}

}  // namespace

ArmorReader::~ArmorReader() {
  if (thread_.joinable()) thread_.detach();  // blocked on a reader that stopped: it dies with the process
}

Status ArmorReader::start(Input& in, std::span<const std::uint8_t> already_read) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return io_failure("cannot create a pipe", errno);
  state_ = std::make_shared<State>();
  std::string name = in.name();
  thread_ = std::thread(decode_thread, state_, in.release(), name, fds[1],
                        std::vector<std::uint8_t>(already_read.begin(), already_read.end()));
  in.adopt(fds[0], name, std::nullopt);
  return Status::success();
}

Status ArmorReader::conclude(Status s) {
  if (!state_) return s;
  Status armor;
  {
    std::lock_guard lock(state_->m);
    if (!state_->done) return s;  // the reader stopped first, on its own error
    armor = state_->status;
  }
  if (thread_.joinable()) thread_.join();
  if (armor.ok()) return s;
  if (!s.ok()) armor.message += "; " + s.message;
  return armor;
}

Status read_start(Input& in, ArmorReader& armor, std::span<std::uint8_t> buf, std::size_t& got) {
  got = 0;
  if (Status s = read_full(in.fd(), buf.data(), buf.size(), got, in.name()); !s.ok()) return s;
  if (!is_armored(buf.first(got))) return Status::success();
  if (Status s = armor.start(in, buf.first(got)); !s.ok()) return s;
  return read_full(in.fd(), buf.data(), buf.size(), got, in.name());
}

}  // namespace coffre::cli
