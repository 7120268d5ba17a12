// ASCII armor (docs/SPEC.md section 20): vectors/armor.json, and the streaming contract: however the input is cut
// into update() calls, the encoder writes the same text and the decoder the same bytes and the same verdict.
#include "hex.hpp"
#include "replay.hpp"

#include <doctest/doctest.h>

#include <coffre/armor.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

using namespace coffre;
using Bytes = std::vector<std::uint8_t>;

namespace {

struct Decoded {
  Bytes data;
  Error error = Error::ok;
  ArmorProblem problem = ArmorProblem::none;
  std::uint64_t line = 0;
  bool operator==(const Decoded&) const = default;
};

// Feeds `in` in pieces that end at each of `cuts` (ascending), then finishes.
Decoded decode_in_pieces(const Bytes& in, const std::vector<std::size_t>& cuts) {
  ArmorDecoder d;
  Decoded r;
  std::size_t from = 0;
  auto feed = [&](std::size_t to) {
    Bytes out(ArmorDecoder::max_update_output(to - from));
    std::size_t n = 0;
    r.error = d.update({in.data() + from, to - from}, out, n);
    r.data.insert(r.data.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
    from = to;
  };
  for (std::size_t c : cuts) {
    feed(c);
    if (r.error != Error::ok) break;
  }
  if (r.error == Error::ok) feed(in.size());
  if (r.error == Error::ok) r.error = d.finish();
  r.problem = d.problem();
  r.line = d.line();
  return r;
}

Bytes encode_in_pieces(const Bytes& data, const std::vector<std::size_t>& cuts) {
  ArmorEncoder e;
  Bytes text;
  std::size_t from = 0;
  auto feed = [&](std::size_t to) {
    Bytes out(ArmorEncoder::max_update_output(to - from));
    std::size_t n = 0;
    REQUIRE(e.update({data.data() + from, to - from}, out, n) == Error::ok);
    text.insert(text.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
    from = to;
  };
  for (std::size_t c : cuts) feed(c);
  feed(data.size());
  Bytes out(ArmorEncoder::kMaxFinishOutput);
  std::size_t n = 0;
  REQUIRE(e.finish(out, n) == Error::ok);
  text.insert(text.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
  return text;
}

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes data_of(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 151 + 7);
  return b;
}

// Every input of vectors/armor.json (valid and refused).
std::vector<Bytes> vector_inputs() {
  std::ifstream f(std::string(COFFRE_VECTORS_DIR) + "/armor.json");
  auto doc = nlohmann::json::parse(f);
  std::vector<Bytes> out;
  for (const auto& v : doc.at("vectors")) out.push_back(vectors::hex_field(v, "armored"));
  return out;
}

}  // namespace

TEST_CASE("armor: every vector of vectors/armor.json replays, valid and refused ones") {
  auto outcomes = vectors::replay_vector_file(std::string(COFFRE_VECTORS_DIR) + "/armor.json");
  CHECK(outcomes.size() >= 40);
  std::size_t refused = 0;
  for (const auto& o : outcomes) {
    CAPTURE(o.name);
    CAPTURE(o.detail);
    CHECK(o.pass);
    if (o.name.rfind("armor_invalid/", 0) == 0) ++refused;
  }
  CHECK(refused >= 30);
  CHECK(refused < outcomes.size());
}

TEST_CASE("armor: the decoder's result does not depend on where the input is cut") {
  for (const Bytes& in : vector_inputs()) {
    CAPTURE(std::string(in.begin(), in.end()));
    const Decoded whole = decode_in_pieces(in, {});
    for (std::size_t i = 0; i <= in.size(); ++i) {
      CAPTURE(i);
      CHECK(decode_in_pieces(in, {i}) == whole);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < in.size(); ++i) every.push_back(i);
    CHECK(decode_in_pieces(in, every) == whole);  // one byte per call
  }
}

TEST_CASE("armor: the encoder's text does not depend on where the input is cut, and decodes back") {
  for (std::size_t n : {0, 1, 2, 3, 47, 48, 49, 95, 96, 97, 150}) {
    CAPTURE(n);
    const Bytes data = data_of(n);
    const Bytes whole = encode_in_pieces(data, {});
    for (std::size_t i = 0; i <= n; ++i) CHECK(encode_in_pieces(data, {i}) == whole);
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < n; ++i) every.push_back(i);
    CHECK(encode_in_pieces(data, every) == whole);
    const Decoded back = decode_in_pieces(whole, {});
    CHECK(back.error == Error::ok);
    CHECK(back.data == data);
    // Canonical form: 64 columns per line but the last, LF line ends, nothing after the END line's LF.
    std::string text(whole.begin(), whole.end());
    CHECK(text.rfind(std::string(kArmorBegin) + "\n", 0) == 0);
    CHECK(text.size() >= kArmorEnd.size() + 1);
    CHECK(text.substr(text.size() - kArmorEnd.size() - 1) == std::string(kArmorEnd) + "\n");
    CHECK(text.find('\r') == std::string::npos);
  }
}

TEST_CASE("armor: a failed or finished decoder refuses more input; short output buffers are refused") {
  ArmorDecoder d;
  Bytes out(ArmorDecoder::max_update_output(6));
  std::size_t n = 0;
  CHECK(d.update(bytes_of("hello"), out, n) == Error::ok);  // a line is judged once its LF arrives
  CHECK(d.update(bytes_of("\n"), out, n) == Error::armor_invalid);
  CHECK(d.problem() == ArmorProblem::begin_line);
  CHECK(d.update(bytes_of("-"), out, n) == Error::bad_state);
  CHECK(d.finish() == Error::bad_state);

  ArmorDecoder ok;
  const Bytes text = encode_in_pieces(data_of(10), {});
  Bytes big(ArmorDecoder::max_update_output(text.size()));
  CHECK(ok.update(text, std::span(big).first(big.size() - 1), n) == Error::invalid_argument);
  CHECK(ok.update(text, big, n) == Error::ok);
  CHECK(n == 10);
  CHECK(ok.finish() == Error::ok);
  CHECK(ok.finish() == Error::bad_state);

  ArmorEncoder e;
  Bytes small(ArmorEncoder::max_update_output(100) - 1);
  CHECK(e.update(data_of(100), small, n) == Error::invalid_argument);
  Bytes fin(ArmorEncoder::kMaxFinishOutput);
  CHECK(e.finish(fin, n) == Error::ok);
  CHECK(e.finish(fin, n) == Error::bad_state);
  CHECK(armor_problem_code(ArmorProblem::non_canonical) == "non_canonical");
  CHECK(error_code(Error::armor_invalid) == "armor_invalid");
}
