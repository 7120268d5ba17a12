// X-Wing (docs/SPEC.md section 8): the draft's vectors, round trips, determinism, key and ciphertext checks.
// The byte-for-byte comparison with libsodium 1.0.22 is tests/xwing-crosscheck (scripts/test-xwing-crosscheck.sh).
#include "hex.hpp"
#include "support.hpp"

#include <coffre/xwing.hpp>

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <vector>

using namespace coffre;
using test::Bytes;

namespace {

Bytes hex(std::string_view h) {
  auto b = vectors::from_hex(h);
  REQUIRE(b.has_value());
  return *b;
}

Bytes to_bytes(std::span<const std::uint8_t> s) { return Bytes(s.begin(), s.end()); }

XWingSecretKey secret_key(std::uint8_t n) {
  DeterministicRng rng(test::seed(n));
  return xwing_generate(rng).take();
}

XWingPublicKey public_key(const XWingSecretKey& sk) { return xwing_public_key(sk).take(); }

Bytes with_x25519_part(const XWingPublicKey& pk, const Bytes& x) {
  Bytes b = to_bytes(pk.bytes());
  std::copy(x.begin(), x.end(), b.begin() + 1184);
  return b;
}

// X25519 u-coordinates of points of small order (on the curve or its twist), and encodings that reduce to them
// (mod p = 2^255 - 19; X25519 ignores the top bit).
const char* const kSmallOrder[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",  // 0
    "0100000000000000000000000000000000000000000000000000000000000000",  // 1
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // order 8
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p - 1
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p (= 0)
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p + 1 (= 1)
    "0000000000000000000000000000000000000000000000000000000000000080",  // 0 with the top bit set
};

}  // namespace

TEST_CASE("X-Wing sizes are the draft's and libsodium's") {
  CHECK(XWingPublicKey::kSize == 1216);
  CHECK(XWingSecretKey::kSize == 32);
  CHECK(XWingCiphertext::kSize == 1120);
  CHECK(kXWingSharedSecretSize == 32);
  CHECK(kXWingEncapsulationSeedSize == 64);
  CHECK(error_code(Error::public_key_invalid) == "public_key_invalid");
  CHECK(error_code(Error::kem_ciphertext_invalid) == "kem_ciphertext_invalid");
  CHECK(error_code(Error(kErrorCount)) == "unknown");
}

TEST_CASE("X-Wing reproduces the draft's test vectors (vectors/xwing.json)") {
  auto path = std::filesystem::path(COFFRE_VECTORS_DIR) / "xwing.json";
  std::ifstream in(path);
  REQUIRE(in.good());
  auto doc = nlohmann::json::parse(in);
  REQUIRE(doc.at("format") == "coffre-kem-vectors");
  REQUIRE(doc.at("kem") == "X-Wing");
  REQUIRE(doc.at("vectors").size() == 3);
  for (const auto& v : doc.at("vectors")) {
    CAPTURE(v.at("name").get<std::string>());
    auto sk = XWingSecretKey::from_bytes(hex(v.at("seed").get<std::string>()));
    REQUIRE(sk.ok());
    auto pk = xwing_public_key(sk.value());
    REQUIRE(pk.ok());
    CHECK(vectors::to_hex(pk.value().bytes()) == v.at("public_key").get<std::string>());

    // The published key parses (and passes the key checks) to the same value.
    auto parsed = XWingPublicKey::from_bytes(hex(v.at("public_key").get<std::string>()));
    REQUIRE(parsed.ok());
    CHECK(parsed.value() == pk.value());

    auto enc = xwing_encapsulate_deterministic(parsed.value(), hex(v.at("eseed").get<std::string>()));
    REQUIRE(enc.ok());
    CHECK(vectors::to_hex(enc.value().ciphertext.bytes()) == v.at("ciphertext").get<std::string>());
    CHECK(vectors::to_hex(enc.value().shared_secret.reveal()) == v.at("shared_secret").get<std::string>());

    auto ct = XWingCiphertext::from_bytes(hex(v.at("ciphertext").get<std::string>()));
    REQUIRE(ct.ok());
    auto ss = xwing_decapsulate(sk.value(), ct.value());
    REQUIRE(ss.ok());
    CHECK(vectors::to_hex(ss.value().reveal()) == v.at("shared_secret").get<std::string>());
  }
}

TEST_CASE("X-Wing round trip: decapsulation gives the encapsulated secret") {
  for (std::uint8_t i = 0; i < 8; ++i) {
    CAPTURE(int(i));
    auto sk = i % 2 ? secret_key(i) : xwing_generate(system_rng()).take();
    auto pk = public_key(sk);
    auto enc = xwing_encapsulate(pk, system_rng());
    REQUIRE(enc.ok());
    CHECK(enc.value().shared_secret.size() == 32);
    auto ss = xwing_decapsulate(sk, enc.value().ciphertext);
    REQUIRE(ss.ok());
    CHECK(ss.value().equals(enc.value().shared_secret));
    // The variant that also returns the public key agrees with both functions it replaces.
    auto both = xwing_decapsulate_with_public_key(sk, enc.value().ciphertext);
    REQUIRE(both.ok());
    CHECK(both.value().shared_secret.equals(enc.value().shared_secret));
    CHECK(both.value().public_key == pk);
  }
}

TEST_CASE("X-Wing is deterministic in its seeds, and only in them") {
  auto sk = secret_key(1);
  auto again = XWingSecretKey::from_bytes(sk.secret().reveal()).take();
  CHECK(public_key(sk) == public_key(again));
  CHECK_FALSE(public_key(sk) == public_key(secret_key(2)));

  auto pk = public_key(sk);
  Bytes eseed = test::random_bytes(64, 3);
  auto e1 = xwing_encapsulate_deterministic(pk, eseed).take();
  auto e2 = xwing_encapsulate_deterministic(pk, eseed).take();
  CHECK(e1.ciphertext == e2.ciphertext);
  CHECK(e1.shared_secret.equals(e2.shared_secret));

  // Each half of the eseed matters: m changes the ML-KEM part only, the X25519 ephemeral the last 32 bytes only.
  Bytes m_changed = eseed;
  m_changed[0] ^= 1;
  auto e3 = xwing_encapsulate_deterministic(pk, m_changed).take();
  CHECK(to_bytes(e3.ciphertext.bytes().first(1088)) != to_bytes(e1.ciphertext.bytes().first(1088)));
  CHECK(to_bytes(e3.ciphertext.bytes().last(32)) == to_bytes(e1.ciphertext.bytes().last(32)));
  CHECK_FALSE(e3.shared_secret.equals(e1.shared_secret));
  Bytes x_changed = eseed;
  x_changed[32] ^= 0x80;  // bit 7 of byte 0 of the scalar: not cleared by clamping
  auto e4 = xwing_encapsulate_deterministic(pk, x_changed).take();
  CHECK(to_bytes(e4.ciphertext.bytes().first(1088)) == to_bytes(e1.ciphertext.bytes().first(1088)));
  CHECK(to_bytes(e4.ciphertext.bytes().last(32)) != to_bytes(e1.ciphertext.bytes().last(32)));
  CHECK_FALSE(e4.shared_secret.equals(e1.shared_secret));

  // Fresh randomness: fresh ciphertexts and secrets.
  std::vector<Bytes> seen;
  for (int i = 0; i < 4; ++i) seen.push_back(to_bytes(xwing_encapsulate(pk, system_rng()).take().ciphertext.bytes()));
  for (std::size_t i = 0; i < seen.size(); ++i) {
    for (std::size_t j = i + 1; j < seen.size(); ++j) CHECK(seen[i] != seen[j]);
  }
}

TEST_CASE("X-Wing decapsulation of a wrong or modified ciphertext gives an unrelated secret, not an error") {
  auto sk = secret_key(4);
  auto pk = public_key(sk);
  auto enc = xwing_encapsulate(pk, system_rng()).take();

  auto other = xwing_decapsulate(secret_key(5), enc.ciphertext);
  REQUIRE(other.ok());  // implicit rejection
  CHECK_FALSE(other.value().equals(enc.shared_secret));

  for (std::size_t pos : {std::size_t{0}, std::size_t{500}, std::size_t{1087}, std::size_t{1088}, std::size_t{1119}}) {
    CAPTURE(pos);
    Bytes b = to_bytes(enc.ciphertext.bytes());
    b[pos] ^= 0x01;
    auto ss = xwing_decapsulate(sk, XWingCiphertext::from_bytes(b).take());
    REQUIRE(ss.ok());  // pos 1088 and 1119 change the X25519 u-coordinate: still of large order (overwhelmingly)
    CHECK_FALSE(ss.value().equals(enc.shared_secret));
  }
}

TEST_CASE("X-Wing public keys with a small-order X25519 part are rejected") {
  auto pk = public_key(secret_key(6));
  for (const char* x : kSmallOrder) {
    CAPTURE(x);
    CHECK(XWingPublicKey::from_bytes(with_x25519_part(pk, hex(x))).error() == Error::public_key_invalid);
  }
  // The same bytes as an ordinary point are fine (9, the base point).
  Bytes nine(32, 0);
  nine[0] = 9;
  CHECK(XWingPublicKey::from_bytes(with_x25519_part(pk, nine)).ok());
}

TEST_CASE("X-Wing public keys whose ML-KEM part is not reduced mod q are rejected (FIPS 203 section 7.2)") {
  Bytes good = to_bytes(public_key(secret_key(7)).bytes());
  REQUIRE(XWingPublicKey::from_bytes(good).ok());
  // Coefficient 0 = bytes 0 and the low nibble of 1; coefficient 1 = the high nibble of 1 and byte 2.
  auto set_coefficients = [&](std::size_t triple, std::uint16_t a, std::uint16_t b) {
    Bytes k = good;
    k[3 * triple] = static_cast<std::uint8_t>(a & 0xff);
    k[3 * triple + 1] = static_cast<std::uint8_t>((a >> 8) | ((b & 0x0f) << 4));
    k[3 * triple + 2] = static_cast<std::uint8_t>(b >> 4);
    return k;
  };
  CHECK(XWingPublicKey::from_bytes(set_coefficients(0, 3328, 3328)).ok());
  CHECK(XWingPublicKey::from_bytes(set_coefficients(0, 3329, 0)).error() == Error::public_key_invalid);
  CHECK(XWingPublicKey::from_bytes(set_coefficients(0, 0, 3329)).error() == Error::public_key_invalid);
  CHECK(XWingPublicKey::from_bytes(set_coefficients(383, 0xfff, 0)).error() == Error::public_key_invalid);
  CHECK(XWingPublicKey::from_bytes(set_coefficients(383, 0, 0xfff)).error() == Error::public_key_invalid);
  // The last 32 bytes of the ML-KEM part are the matrix seed rho: any value is valid.
  Bytes rho = good;
  for (std::size_t i = 1152; i < 1184; ++i) rho[i] = 0xff;
  CHECK(XWingPublicKey::from_bytes(rho).ok());
}

TEST_CASE("X-Wing ciphertexts with a small-order X25519 part are rejected (kem_ciphertext_invalid)") {
  auto sk = secret_key(8);
  auto enc = xwing_encapsulate(public_key(sk), system_rng()).take();
  for (const char* x : kSmallOrder) {
    CAPTURE(x);
    Bytes b = to_bytes(enc.ciphertext.bytes());
    Bytes p = hex(x);
    std::copy(p.begin(), p.end(), b.begin() + 1088);
    CHECK(xwing_decapsulate(sk, XWingCiphertext::from_bytes(b).take()).error() == Error::kem_ciphertext_invalid);
  }
}

TEST_CASE("X-Wing inputs of the wrong length are invalid_argument") {
  for (std::size_t n : {0, 1215, 1217}) CHECK(XWingPublicKey::from_bytes(Bytes(n, 1)).error() == Error::invalid_argument);
  for (std::size_t n : {0, 31, 33, 64}) CHECK(XWingSecretKey::from_bytes(Bytes(n, 1)).error() == Error::invalid_argument);
  for (std::size_t n : {0, 1119, 1121}) CHECK(XWingCiphertext::from_bytes(Bytes(n, 1)).error() == Error::invalid_argument);
  auto sk = secret_key(9);
  auto pk = public_key(sk);
  for (std::size_t n : {0, 32, 63, 65}) {
    CHECK(xwing_encapsulate_deterministic(pk, Bytes(n, 1)).error() == Error::invalid_argument);
  }
  // A moved-from secret key holds no seed.
  auto moved = std::move(sk);
  CHECK(xwing_public_key(sk).error() == Error::invalid_argument);  // NOLINT(bugprone-use-after-move): on purpose
  CHECK(xwing_decapsulate(sk, xwing_encapsulate(pk, system_rng()).take().ciphertext).error() ==
        Error::invalid_argument);
  CHECK(xwing_public_key(moved).ok());
}

TEST_CASE("X-Wing public keys: the small-order table agrees with libsodium's X25519 on every input tried") {
  // The table lookup must refuse exactly what crypto_scalarmult_curve25519 refuses (an all-zero product).
  auto base = public_key(secret_key(7));
  DeterministicRng rng(test::seed(77));
  std::vector<std::array<std::uint8_t, 32>> points;
  for (int i = 0; i < 1000; ++i) {
    std::array<std::uint8_t, 32> p{};
    rng.fill(p);
    points.push_back(p);
  }
  // Every value b, b + 256*0 ... and 2^255 - 256 + b: covers 0, 1, p - 1, p, p + 1 and their neighbours.
  for (int b = 0; b < 256; ++b) {
    std::array<std::uint8_t, 32> low{}, high{};
    high.fill(0xff);
    low[0] = high[0] = static_cast<std::uint8_t>(b);
    points.push_back(low);
    points.push_back(high);
  }
  int refused = 0;
  for (auto p : points) {
    for (std::uint8_t top : {0x00, 0x80}) {
      p[31] = static_cast<std::uint8_t>((p[31] & 0x7f) | top);
      std::uint8_t scalar[32] = {1}, out[32];
      bool libsodium_refuses = crypto_scalarmult_curve25519(out, scalar, p.data()) != 0;
      test::Bytes bytes(base.bytes().begin(), base.bytes().end());
      std::copy(p.begin(), p.end(), bytes.end() - 32);
      bool coffre_refuses = XWingPublicKey::from_bytes(bytes).error() == Error::public_key_invalid;
      CAPTURE(coffre::vectors::to_hex(p));
      CHECK(coffre_refuses == libsodium_refuses);
      refused += coffre_refuses;
    }
  }
  CHECK(refused == 2 * 5);  // 0, 1, p - 1, p, p + 1, each with and without the ignored top bit
}
