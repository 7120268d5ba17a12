// ASCII armor (docs/SPEC.md section 20). The decoder works line by line: a line is checked and decoded once its LF
// arrived, so its output never depends on how the input was split.
#include <coffre/armor.hpp>

#include <algorithm>
#include <cstring>

namespace coffre {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of each base64 character, -1 for any other byte ('=' included).
constexpr std::array<std::int8_t, 256> make_values() {
  std::array<std::int8_t, 256> v{};
  for (auto& x : v) x = -1;
  for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return v;
}
constexpr std::array<std::int8_t, 256> kValues = make_values();

bool equals(std::span<const std::uint8_t> line, std::string_view text) {
  return line.size() == text.size() && std::memcmp(line.data(), text.data(), text.size()) == 0;
}

std::size_t put(std::span<std::uint8_t> out, std::size_t at, std::string_view text) {
  std::memcpy(out.data() + at, text.data(), text.size());
  out[at + text.size()] = '\n';
  return at + text.size() + 1;
}

// One line: standard base64 with padding of up to 48 bytes, then LF.
std::size_t put_line(std::span<const std::uint8_t> in, std::span<std::uint8_t> out, std::size_t at) {
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    for (int s = 18; s >= 0; s -= 6) out[at++] = static_cast<std::uint8_t>(kAlphabet[(v >> s) & 63]);
  }
  if (const std::size_t rest = in.size() - i; rest > 0) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (rest == 2 ? std::uint32_t{in[i + 1]} << 8 : 0);
    out[at++] = static_cast<std::uint8_t>(kAlphabet[(v >> 18) & 63]);
    out[at++] = static_cast<std::uint8_t>(kAlphabet[(v >> 12) & 63]);
    out[at++] = rest == 2 ? static_cast<std::uint8_t>(kAlphabet[(v >> 6) & 63]) : '=';
    out[at++] = '=';
  }
  out[at++] = '\n';
  return at;
}

bool is_space(std::uint8_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

struct ProblemText {
  std::string_view code;
  std::string_view message;
};

// Indexed by ArmorProblem.
constexpr std::array<ProblemText, 10> kProblems = {{
    {"none", "No problem."},
    {"begin_line", "The input does not start with the line -----BEGIN COFFRE ENCRYPTED FILE-----."},
    {"line_ending", "A line ends otherwise than the BEGIN line (LF or CR LF), or holds a CR not followed by LF."},
    {"line_length", "A base64 line is empty, longer than 64 columns, or shorter than 64 columns but not the last."},
    {"base64_character", "A base64 line holds a byte outside the standard base64 alphabet (a space, a TAB...)."},
    {"padding", "The last base64 line is not padded with '=' to a multiple of 4, or '=' appears before its end."},
    {"non_canonical", "The base64 is not canonical: unused bits before the padding are not zero."},
    {"end_line", "A line starting with '-' is not -----END COFFRE ENCRYPTED FILE-----."},
    {"missing_end", "The input ends before the line -----END COFFRE ENCRYPTED FILE----- (cut)."},
    {"trailing_data", "Something other than whitespace follows the END line."},
}};

}  // namespace

std::string_view armor_problem_code(ArmorProblem p) noexcept {
  auto i = static_cast<std::size_t>(p);
  return i < kProblems.size() ? kProblems[i].code : "unknown";
}

std::string_view armor_problem_message(ArmorProblem p) noexcept {
  auto i = static_cast<std::size_t>(p);
  return i < kProblems.size() ? kProblems[i].message : "Unknown armor problem.";
}

// ---------------------------------------------------------------------------------------------------------------

Error ArmorEncoder::update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                           std::size_t& written) noexcept {
  written = 0;
  if (finished_) return Error::bad_state;
  if (out.size() < max_update_output(in.size())) return Error::invalid_argument;
  std::size_t at = 0;
  if (!begun_) {
    at = put(out, at, kArmorBegin);
    begun_ = true;
  }
  while (!in.empty()) {
    if (pending_size_ == 0 && in.size() >= kArmorLineBytes) {  // a whole line straight from the input
      at = put_line(in.first(kArmorLineBytes), out, at);
      in = in.subspan(kArmorLineBytes);
      continue;
    }
    const std::size_t n = std::min(in.size(), kArmorLineBytes - pending_size_);
    std::copy_n(in.data(), n, pending_.data() + pending_size_);
    pending_size_ += n;
    in = in.subspan(n);
    if (pending_size_ == kArmorLineBytes) {
      at = put_line(pending_, out, at);
      pending_size_ = 0;
    }
  }
  written = at;
  return Error::ok;
}

Error ArmorEncoder::finish(std::span<std::uint8_t> out, std::size_t& written) noexcept {
  written = 0;
  if (finished_) return Error::bad_state;
  if (out.size() < kMaxFinishOutput) return Error::invalid_argument;
  std::size_t at = 0;
  if (!begun_) at = put(out, at, kArmorBegin);
  if (pending_size_ > 0) at = put_line({pending_.data(), pending_size_}, out, at);
  at = put(out, at, kArmorEnd);
  pending_.fill(0);
  pending_size_ = 0;
  finished_ = true;
  written = at;
  return Error::ok;
}

// ---------------------------------------------------------------------------------------------------------------

Error ArmorDecoder::fail(ArmorProblem p) noexcept {
  problem_ = p;
  phase_ = Phase::failed;
  return Error::armor_invalid;
}

// A line that grew past the longest valid one without its LF.
ArmorProblem ArmorDecoder::overlong_line(std::uint8_t first) const noexcept {
  if (phase_ == Phase::begin) return ArmorProblem::begin_line;
  return first == '-' ? ArmorProblem::end_line : ArmorProblem::line_length;
}

// Removes the line's CR (its LF is already gone): the BEGIN line sets the line ending, every other line repeats it.
Error ArmorDecoder::strip_line_ending(std::span<const std::uint8_t>& line) noexcept {
  const bool cr = !line.empty() && line.back() == '\r';
  if (phase_ == Phase::begin) {
    crlf_ = cr;
  } else if (cr != crlf_) {
    return fail(ArmorProblem::line_ending);
  }
  if (cr) line = line.first(line.size() - 1);
  if (std::find(line.begin(), line.end(), '\r') != line.end()) return fail(ArmorProblem::line_ending);
  return Error::ok;
}

Error ArmorDecoder::take_line(std::span<const std::uint8_t> line, std::span<std::uint8_t> out,
                              std::size_t& written) noexcept {
  COFFRE_TRY(strip_line_ending(line));
  if (phase_ == Phase::begin) {
    if (!equals(line, kArmorBegin)) return fail(ArmorProblem::begin_line);
    phase_ = Phase::body;
  } else if (!line.empty() && line[0] == '-') {
    if (!equals(line, kArmorEnd)) return fail(ArmorProblem::end_line);
    phase_ = Phase::after;
  } else if (last_seen_ && !line.empty()) {
    --line_;  // the short line before this one was not the last
    return fail(ArmorProblem::line_length);
  } else {
    COFFRE_TRY(body_line(line, out, written));
  }
  ++line_;
  return Error::ok;
}

// Checks, in this order: length, alphabet, padding, canonical unused bits (section 20).
Error ArmorDecoder::body_line(std::span<const std::uint8_t> text, std::span<std::uint8_t> out,
                              std::size_t& written) noexcept {
  const std::size_t n = text.size();
  if (n == 0 || n > kArmorColumns) return fail(ArmorProblem::line_length);
  for (std::uint8_t c : text) {
    if (c != '=' && kValues[c] < 0) return fail(ArmorProblem::base64_character);
  }
  // The '=' at the end of the line, and the characters before them, which must hold none.
  const auto pad = static_cast<std::size_t>(
      std::find_if(text.rbegin(), text.rend(), [](std::uint8_t c) { return c != '='; }) - text.rbegin());
  const auto data = text.first(n - pad);
  if (n % 4 != 0 || pad > 2 || std::find(data.begin(), data.end(), '=') != data.end()) {
    return fail(ArmorProblem::padding);
  }
  const std::size_t last = n - 4;  // the last group, checked for canonical bits
  std::uint32_t v = 0;
  for (std::size_t g = 0; g < n; g += 4) {
    v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const std::uint8_t c = text[g + k];
      v = (v << 6) | (c == '=' ? 0u : static_cast<std::uint32_t>(kValues[c]));
    }
    const std::size_t bytes = g == last ? 3 - pad : 3;
    if (g == last && ((pad == 2 && (v & 0xFFFF) != 0) || (pad == 1 && (v & 0xFF) != 0))) {
      return fail(ArmorProblem::non_canonical);
    }
    for (std::size_t k = 0; k < bytes; ++k) out[written + k] = static_cast<std::uint8_t>(v >> (16 - 8 * k));
    written += bytes;
  }
  last_seen_ = n < kArmorColumns || pad > 0;
  return Error::ok;
}

Error ArmorDecoder::update(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                           std::size_t& written) noexcept {
  written = 0;
  if (phase_ == Phase::failed || phase_ == Phase::finished) return Error::bad_state;
  if (out.size() < max_update_output(in.size())) return Error::invalid_argument;
  while (!in.empty()) {
    if (phase_ == Phase::after) {
      for (std::uint8_t c : in) {
        if (!is_space(c)) return fail(ArmorProblem::trailing_data);
        if (c == '\n') ++line_;
      }
      return Error::ok;
    }
    const auto* lf = static_cast<const std::uint8_t*>(std::memchr(in.data(), '\n', in.size()));
    const std::size_t take = lf ? static_cast<std::size_t>(lf - in.data()) : in.size();
    if (buf_size_ + take > buf_.size()) return fail(overlong_line(buf_size_ > 0 ? buf_[0] : in[0]));
    std::copy_n(in.data(), take, buf_.data() + buf_size_);
    buf_size_ += take;
    in = in.subspan(lf ? take + 1 : take);
    if (!lf) break;
    const std::size_t size = buf_size_;
    buf_size_ = 0;
    COFFRE_TRY(take_line({buf_.data(), size}, out, written));
  }
  return Error::ok;
}

Error ArmorDecoder::finish() noexcept {
  if (phase_ == Phase::failed || phase_ == Phase::finished) return Error::bad_state;
  if (phase_ != Phase::after) {
    // Only the END line may lack its line ending.
    std::span<const std::uint8_t> line{buf_.data(), buf_size_};
    if (phase_ == Phase::begin) {
      const bool begin = equals(line, kArmorBegin) || (line.size() == kArmorBegin.size() + 1 && line.back() == '\r' &&
                                                      equals(line.first(kArmorBegin.size()), kArmorBegin));
      return fail(begin ? ArmorProblem::missing_end : ArmorProblem::begin_line);
    }
    if (line.empty() || line[0] != '-') return fail(ArmorProblem::missing_end);
    if (line.back() == '\r') return fail(ArmorProblem::line_ending);
    if (line.size() < kArmorEnd.size() && equals(line, kArmorEnd.substr(0, line.size()))) {
      return fail(ArmorProblem::missing_end);  // cut inside the END line
    }
    if (!equals(line, kArmorEnd)) return fail(ArmorProblem::end_line);
  }
  phase_ = Phase::finished;
  return Error::ok;
}

}  // namespace coffre
