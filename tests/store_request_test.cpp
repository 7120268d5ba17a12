#include "support.hpp"

#include <coffre/store_request.hpp>

#include <sodium.h>

#include <functional>
#include <string>

using namespace coffre;

namespace {

StoreRequest sample_request(DeterministicRng& rng) {
  StoreRequest r;
  r.method = "PUT";
  r.target = "/v1/o/accounts/00112233445566778899aabbccddeeff/log/3.entry?x=1";
  r.content_sha256 = content_sha256(test::random_bytes(100));
  r.time = 1767225600;
  r.nonce = draw_store_nonce(rng);
  r.user = UserId::generate(rng);
  return r;
}

std::string hex_of(std::span<const std::uint8_t> b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

}  // namespace

TEST_CASE("content_sha256 is SHA-256, and the incremental hasher gives the same digest") {
  // FIPS 180-2 test vectors.
  CHECK(hex_of(content_sha256({})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string abc = "abc";
  const auto abc_bytes = std::span(reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size());
  CHECK(hex_of(content_sha256(abc_bytes)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  const test::Bytes body = test::random_bytes(10000);
  Sha256Hasher h;
  for (std::size_t off = 0; off < body.size(); off += 777) {
    h.update(std::span(body).subspan(off, std::min<std::size_t>(777, body.size() - off)));
  }
  CHECK(h.finish() == content_sha256(body));
  CHECK(h.finish() == content_sha256({}));  // finish() starts a new hash
}

TEST_CASE("store_request_message is the bytes of STORE.md section 2") {
  StoreRequest r;
  r.method = "GET";
  r.target = "/v1/x?a=b";
  r.content_sha256.fill(0xaa);
  r.time = 0x0102030405060708;
  r.nonce.fill(0xbb);
  auto m = store_request_message(r);
  REQUIRE(m.ok());
  test::Bytes expected;
  auto frame = [&](std::string_view s) {
    const auto n = static_cast<std::uint32_t>(s.size());
    expected.insert(expected.end(),
                    {std::uint8_t(n >> 24), std::uint8_t(n >> 16), std::uint8_t(n >> 8), std::uint8_t(n)});
    expected.insert(expected.end(), s.begin(), s.end());
  };
  frame("coffre/v1/store/request");
  frame("GET");
  frame("/v1/x?a=b");
  expected.insert(expected.end(), 32, 0xaa);
  expected.insert(expected.end(), {1, 2, 3, 4, 5, 6, 7, 8});
  expected.insert(expected.end(), 16, 0xbb);
  frame("");  // no user
  CHECK(m.value() == expected);

  r.user = UserId{};
  r.user->bytes.fill(0xcc);
  expected.resize(expected.size() - 4);
  frame(std::string(16, '\xcc'));
  CHECK(store_request_message(r).value() == expected);
}

TEST_CASE("a signed store request verifies, with a device key and with the recovery signing key") {
  DeterministicRng rng(test::seed(40));
  const StoreRequest r = sample_request(rng);
  auto device = DeviceKeys::generate(rng).take();
  auto sig = sign_store_request(device.sign_key, r);
  REQUIRE(sig.ok());
  CHECK(verify_store_request(device.sign_key.verify_key(), r, sig.value()) == Error::ok);

  auto phrase = RecoveryPhrase::generate(rng).take();
  auto recovery = RecoveryKey::from_phrase(phrase).take();
  auto rsig = sign_store_request(recovery.signing_key(), r);
  REQUIRE(rsig.ok());
  CHECK(verify_store_request(recovery.signing_key().verify_key(), r, rsig.value()) == Error::ok);
  CHECK(verify_store_request(device.sign_key.verify_key(), r, rsig.value()) == Error::signature_invalid);

  // Ed25519 over m itself: the signature any Ed25519 implementation (the server's) checks.
  auto m = store_request_message(r).take();
  auto pk = device.sign_key.verify_key().bytes();
  CHECK(crypto_sign_verify_detached(sig.value().data(), m.data(), m.size(), pk.data()) == 0);
}

TEST_CASE("every altered field of a signed store request is refused") {
  DeterministicRng rng(test::seed(41));
  const StoreRequest r = sample_request(rng);
  auto key = SigningKey::generate(rng).take();
  const auto sig = sign_store_request(key, r).take();

  const std::vector<std::pair<const char*, std::function<void(StoreRequest&)>>> alterations = {
      {"method", [](StoreRequest& x) { x.method = "GET"; }},
      {"target path", [](StoreRequest& x) { x.target[5] = 'p'; }},
      {"target query", [](StoreRequest& x) { x.target += "&y=2"; }},
      {"content hash", [](StoreRequest& x) { x.content_sha256[31] ^= 1; }},
      {"body", [](StoreRequest& x) { x.content_sha256 = content_sha256({}); }},
      {"time", [](StoreRequest& x) { x.time += 1; }},
      {"nonce", [](StoreRequest& x) { x.nonce[0] ^= 0x80; }},
      {"user", [](StoreRequest& x) { x.user->bytes[15] ^= 1; }},
      {"user removed", [](StoreRequest& x) { x.user.reset(); }},
  };
  for (const auto& [what, alter] : alterations) {
    CAPTURE(what);
    StoreRequest altered = r;
    alter(altered);
    CHECK(verify_store_request(key.verify_key(), altered, sig) == Error::signature_invalid);
  }
  StoreRequest no_user = r;
  no_user.user.reset();
  const auto no_user_sig = sign_store_request(key, no_user).take();
  CHECK(verify_store_request(key.verify_key(), no_user, no_user_sig) == Error::ok);
  StoreRequest user_added = no_user;
  user_added.user = r.user;
  CHECK(verify_store_request(key.verify_key(), user_added, no_user_sig) == Error::signature_invalid);

  auto other = SigningKey::generate(rng).take();
  CHECK(verify_store_request(other.verify_key(), r, sig) == Error::signature_invalid);
  auto bad_sig = sig;
  bad_sig[0] ^= 1;
  CHECK(verify_store_request(key.verify_key(), r, bad_sig) == Error::signature_invalid);
  CHECK(verify_store_request(key.verify_key(), r, std::span(sig).first(63)) == Error::signature_invalid);
}

TEST_CASE("a method or target that is not as sent on an HTTP request line is refused") {
  DeterministicRng rng(test::seed(42));
  auto key = SigningKey::generate(rng).take();
  const StoreRequest good = sample_request(rng);
  const auto sig = sign_store_request(key, good).take();
  for (const char* method : {"", "get", "P UT", "PUT\n"}) {
    StoreRequest r = good;
    r.method = method;
    CAPTURE(method);
    CHECK(store_request_message(r).error() == Error::invalid_argument);
    CHECK(sign_store_request(key, r).error() == Error::invalid_argument);
    CHECK(verify_store_request(key.verify_key(), r, sig) == Error::invalid_argument);
  }
  const std::vector<std::string> targets = {"",         "v1/o/x",         "*", "/v1/o/a b", "/v1/\x7f",
                                             "/v1/\xc3\xa9", std::string("/v1/\0x", 6)};
  for (const std::string& target : targets) {
    StoreRequest r = good;
    r.target = target;
    CAPTURE(target);
    CHECK(store_request_message(r).error() == Error::invalid_argument);
    CHECK(sign_store_request(key, r).error() == Error::invalid_argument);
  }
}

TEST_CASE("store_request_headers are the Coffre-* headers of STORE.md section 2") {
  DeterministicRng rng(test::seed(43));
  StoreRequest r = sample_request(rng);
  r.time = 18446744073709551615u;
  auto key = SigningKey::generate(rng).take();
  const auto sig = sign_store_request(key, r).take();
  const StoreRequestHeaders expected = {
      {"Coffre-Key", hex_of(key.verify_key().bytes())},    {"Coffre-User", hex_of(r.user->bytes)},
      {"Coffre-Time", "18446744073709551615"},               {"Coffre-Nonce", hex_of(r.nonce)},
      {"Coffre-Content-SHA256", hex_of(r.content_sha256)}, {"Coffre-Signature", hex_of(sig)}};
  CHECK(store_request_headers(key.verify_key(), r, sig) == expected);
  r.user.reset();
  const auto without_user = store_request_headers(key.verify_key(), r, sig);
  REQUIRE(without_user.size() == 5);
  CHECK(without_user[1].first == "Coffre-Time");
}
