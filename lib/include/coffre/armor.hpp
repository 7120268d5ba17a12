// ASCII armor (docs/SPEC.md section 20): an envelope (or any bytes) as PEM-like text, standard padded base64 in lines
// of 64 columns between a BEGIN and an END line. A streaming encoder and a strict streaming decoder over caller
// buffers: pure, no I/O, constant memory. The armor protects nothing: the envelope inside authenticates itself.
#pragma once

#include <coffre/error.hpp>
#include <coffre/export.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace coffre {

inline constexpr std::string_view kArmorBegin = "-----BEGIN COFFRE ENCRYPTED FILE-----";
inline constexpr std::string_view kArmorEnd = "-----END COFFRE ENCRYPTED FILE-----";
inline constexpr std::size_t kArmorColumns = 64;     // base64 characters per body line (all but the last)
inline constexpr std::size_t kArmorLineBytes = 48;   // the bytes a full line encodes

// Whether input that starts with `start` is armored (section 20: its first byte is '-'; an envelope starts with
// "COFFRE", a shared file with its own magic). Decoding then checks the whole BEGIN line.
constexpr bool is_armored(std::span<const std::uint8_t> start) noexcept { return !start.empty() && start[0] == '-'; }

class COFFRE_API ArmorEncoder {
 public:
  // The most bytes update() writes for `in_size` bytes of input; finish() writes at most kMaxFinishOutput.
  static constexpr std::size_t max_update_output(std::size_t in_size) noexcept {
    return kArmorBegin.size() + 1 + (in_size / kArmorLineBytes + 1) * (kArmorColumns + 1);
  }
  static constexpr std::size_t kMaxFinishOutput = kArmorBegin.size() + 1 + kArmorColumns + 1 + kArmorEnd.size() + 1;

  // Writes the BEGIN line (first call) and every full line; keeps up to 47 bytes for the next call.
  // invalid_argument: `out` is smaller than max_update_output(in.size()). bad_state: after finish().
  Error update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out, std::size_t& written) noexcept;
  // The last (short) line and the END line, each ending in LF. invalid_argument: `out` is too small.
  Error finish(std::span<std::uint8_t> out, std::size_t& written) noexcept;

 private:
  std::array<std::uint8_t, kArmorLineBytes> pending_{};
  std::size_t pending_size_ = 0;
  bool begun_ = false;
  bool finished_ = false;
};

// Why armored input was refused (armor_invalid); docs/SPEC.md section 20 defines each.
enum class ArmorProblem : int {
  none = 0,
  begin_line,        // the input does not start with the BEGIN line
  line_ending,       // a CR not followed by LF, or a line ending other than the BEGIN line's
  line_length,       // a body line empty, longer than 64 columns, or shorter than 64 and not the last
  base64_character,  // a byte outside the standard base64 alphabet (spaces and TABs included)
  padding,           // a last line whose length is not a multiple of 4, or '=' anywhere but at its end
  non_canonical,     // nonzero unused bits before the padding
  end_line,          // a line starting with '-' that is not exactly the END line
  missing_end,       // the input ends before the END line
  trailing_data,     // anything but whitespace after the END line
};

// Stable snake_case name of a problem (the vectors' "problem"), and one sentence for a human.
COFFRE_API std::string_view armor_problem_code(ArmorProblem p) noexcept;
COFFRE_API std::string_view armor_problem_message(ArmorProblem p) noexcept;

class COFFRE_API ArmorDecoder {
 public:
  // The most bytes update() writes for `in_size` bytes of input (it decodes whole lines only, one of which may have
  // begun in an earlier call).
  static constexpr std::size_t max_update_output(std::size_t in_size) noexcept {
    return (in_size + kArmorColumns + 2) / 4 * 3 + 3;
  }

  // Checks `in` and writes the bytes of each body line once that line is complete and valid. armor_invalid: see
  // problem() and line(); `written` then counts the bytes of the valid lines before it. invalid_argument: `out` is
  // smaller than max_update_output(in.size()). bad_state: after a failure or finish().
  Error update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out, std::size_t& written) noexcept;
  // The end of input: ok only if the END line was seen (and only whitespace after it). armor_invalid: missing_end.
  Error finish() noexcept;

  ArmorProblem problem() const noexcept { return problem_; }
  // The 1-based line of the problem (the line the input ended in, for missing_end).
  std::uint64_t line() const noexcept { return line_; }

 private:
  enum class Phase { begin, body, end, after, failed, finished };

  Error fail(ArmorProblem p) noexcept;
  Error take_line(std::span<const std::uint8_t> line, std::span<std::uint8_t> out, std::size_t& written) noexcept;
  Error body_line(std::span<const std::uint8_t> text, std::span<std::uint8_t> out, std::size_t& written) noexcept;
  Error strip_line_ending(std::span<const std::uint8_t>& line) noexcept;
  ArmorProblem overlong_line(std::uint8_t first) const noexcept;

  Phase phase_ = Phase::begin;
  ArmorProblem problem_ = ArmorProblem::none;
  std::uint64_t line_ = 1;
  bool crlf_ = false;       // the BEGIN line ended in CR LF
  bool last_seen_ = false;  // a short or padded body line was read: only the END line may follow
  // The current line's bytes so far (the longest valid one: 64 columns and CR LF).
  std::array<std::uint8_t, kArmorColumns + 2> buf_{};
  std::size_t buf_size_ = 0;
};

}  // namespace coffre
