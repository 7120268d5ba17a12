// ASCII armor in the CLI (docs/SPEC.md section 20). encrypt -a writes through an encoder; decrypt and inspect read
// armored input through a thread that decodes it into a pipe, so that every reader of a binary file (shared files
// included) reads it unchanged, streaming, in constant memory.
#pragma once

#include "io.hpp"
#include "status.hpp"

#include <coffre/armor.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

namespace coffre::cli {

// Armors every byte written to output() into `dst`. Call finish() after the last write, before dst.commit().
class ArmorWriter {
 public:
  explicit ArmorWriter(Output& dst);
  Output& output() noexcept { return sink_; }
  Status finish();  // the last line and the END line

 private:
  Status encode(const std::uint8_t* data, std::size_t size);

  Output& dst_;
  Output sink_;
  ArmorEncoder encoder_;
  std::vector<std::uint8_t> buf_;
};

// Decodes armored input. start() swaps `in` for a pipe fed by a thread; the thread holds back the last decoded byte
// until the whole armor checked out (END line, only whitespace after it), so a reader of the pipe never gets a whole
// binary file (hence a decryptor never authenticates the final chunk) from an armor that is invalid.
class ArmorReader {
 public:
  ArmorReader() = default;
  ArmorReader(const ArmorReader&) = delete;
  ArmorReader& operator=(const ArmorReader&) = delete;
  ~ArmorReader();

  // `in` has been read up to here: `already_read` are its first bytes (is_armored() of them is true).
  Status start(Input& in, std::span<const std::uint8_t> already_read);
  bool active() const noexcept { return state_ != nullptr; }
  // The outcome of reading `in` that ended with `s`: if the armor was refused, that failure (it explains a cut
  // file), followed by `s`'s message; else `s`. Call it once reading stopped.
  Status conclude(Status s);

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::thread thread_;
};

// Reads the first bytes of `in` into `buf` (up to buf.size(), `got` of them); if they start an armored file,
// starts `armor` on `in` and reads them again from the decoded stream.
Status read_start(Input& in, ArmorReader& armor, std::span<std::uint8_t> buf, std::size_t& got);

}  // namespace coffre::cli
