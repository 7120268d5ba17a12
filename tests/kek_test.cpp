// Data-key wraps under a key-encryption key (docs/SPEC.md section 21): vectors/kek_wrap.json, round trips, every byte
// altered, and the refusals the vectors cannot show (randomness, sizes).
#include "support.hpp"

#include <replay.hpp>

#include <set>

using namespace coffre;
using test::Bytes;

namespace {

KeyEncryptionKey kek(std::uint8_t n) {
  DeterministicRng rng(test::seed(static_cast<std::uint8_t>(n + 50)));
  return KeyEncryptionKey::generate(rng).take();
}

const DataKeyContext kContext{"invoices/2026", "kms-key-1"};

Bytes wrap(const KeyEncryptionKey& k, const ContentKey& data_key, const DataKeyContext& c = kContext,
           std::uint8_t seed = 3) {
  DeterministicRng rng(test::seed(seed));
  auto w = wrap_data_key(k, data_key, c, rng);
  REQUIRE(w.ok());
  return {w.value().begin(), w.value().end()};
}

}  // namespace

TEST_CASE("kek wraps: every vector of vectors/kek_wrap.json replays, valid and refused ones") {
  auto outcomes = vectors::replay_vector_file(std::string(COFFRE_VECTORS_DIR) + "/kek_wrap.json");
  REQUIRE(outcomes.size() >= 20);
  std::set<std::string> classes;
  for (const auto& o : outcomes) {
    INFO(o.name << ": " << o.detail);
    CHECK(o.pass);
    classes.insert(o.name.substr(0, o.name.find('/')));
  }
  // Every refusal of section 21 is covered.
  for (const char* c : {"success", "invalid_argument", "bad_magic", "unsupported_version", "truncated",
                        "trailing_data", "wrong_key", "wrong_context", "wrap_invalid"}) {
    CHECK(classes.count(c) == 1);
  }
}

TEST_CASE("kek wraps: round trip with the system RNG; two wraps of one key differ") {
  auto k = kek(1);
  auto data_key = test::key(1);
  auto a = wrap_data_key(k, data_key, kContext);
  auto b = wrap_data_key(k, data_key, kContext);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a.value() != b.value());
  CHECK(a.value().size() == kDataKeyWrapSize);
  auto opened = unwrap_data_key(k, a.value(), kContext);
  REQUIRE(opened.ok());
  CHECK(opened.value().secret().equals(data_key.secret()));
}

TEST_CASE("kek wraps: every byte altered is refused with the error of its field") {
  auto k = kek(1);
  const Bytes good = wrap(k, test::key(2));
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x80;
    const Error want = i < 4     ? Error::bad_magic
                       : i == 4  ? Error::unsupported_version
                       : i < 61  ? Error::wrong_key       // nonce and key commitment
                       : i < 77  ? Error::wrong_context   // context commitment
                                 : Error::wrap_invalid;   // sealed key and tag
    INFO("byte " << i);
    CHECK(unwrap_data_key(k, bad, kContext).error() == want);
  }
  for (std::size_t n = 5; n < good.size(); ++n) {
    CHECK(unwrap_data_key(k, std::span(good).first(n), kContext).error() == Error::truncated);
  }
}

TEST_CASE("kek wraps: the context's bounds, and a KEK of another size") {
  auto k = kek(1);
  auto data_key = test::key(1);
  const std::string max(DataKeyContext::kMaxSize, 'x'), over(DataKeyContext::kMaxSize + 1, 'x');
  CHECK(wrap_data_key(k, data_key, {max, max}).ok());
  CHECK(wrap_data_key(k, data_key, {"", "id"}).error() == Error::invalid_argument);
  CHECK(wrap_data_key(k, data_key, {over, ""}).error() == Error::invalid_argument);
  CHECK(wrap_data_key(k, data_key, {"l", over}).error() == Error::invalid_argument);
  const Bytes good = wrap(k, data_key);
  CHECK(unwrap_data_key(k, good, {"", "kms-key-1"}).error() == Error::invalid_argument);
  CHECK(unwrap_data_key(k, good, {"invoices/2026", over}).error() == Error::invalid_argument);
  CHECK(KeyEncryptionKey::from_bytes(Bytes(31)).error() == Error::invalid_argument);
  CHECK(KeyEncryptionKey::from_bytes(Bytes(33)).error() == Error::invalid_argument);
  auto imported = KeyEncryptionKey::from_bytes(k.secret().reveal());
  REQUIRE(imported.ok());
  CHECK(unwrap_data_key(imported.value(), good, kContext).ok());
}
