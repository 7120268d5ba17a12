#include "support.hpp"

#include <set>

using namespace coffre;

TEST_CASE("SecretBytes is move-only, compares in constant time and reports its size") {
  auto a = SecretBytes::copy_of(test::random_bytes(32)).take();
  auto b = SecretBytes::copy_of(test::random_bytes(32)).take();
  CHECK(a.equals(b));
  b.reveal_mut()[31] ^= 1;
  CHECK_FALSE(a.equals(b));
  SecretBytes moved = std::move(a);
  CHECK(moved.size() == 32);
  CHECK_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from buffer is empty by contract
  static_assert(!std::is_copy_constructible_v<SecretBytes>);
}

TEST_CASE("ContentKey accepts exactly 32 bytes") {
  CHECK(ContentKey::from_bytes(test::random_bytes(31)).error() == Error::invalid_argument);
  CHECK(ContentKey::from_bytes(test::random_bytes(33)).error() == Error::invalid_argument);
  CHECK(ContentKey::from_bytes(test::random_bytes(32)).ok());
}

TEST_CASE("DeterministicRng reproduces its stream; the system RNG does not repeat") {
  DeterministicRng r1(test::seed(9)), r2(test::seed(9)), r3(test::seed(10));
  test::Bytes a(100), b(100), c(100);
  r1.fill(a);
  r2.fill(b);
  r3.fill(c);
  CHECK(a == b);
  CHECK(a != c);
  r1.fill(a);
  CHECK(a != b);  // successive calls differ
  test::Bytes s1(32), s2(32);
  system_rng().fill(s1);
  system_rng().fill(s2);
  CHECK(s1 != s2);
}

TEST_CASE("every error has a distinct code and a message") {
  std::set<std::string_view> codes;
  for (int i = 0; i < kErrorCount; ++i) {
    auto e = static_cast<Error>(i);
    CHECK_FALSE(error_message(e).empty());
    CHECK(error_code(e) != "unknown");
    codes.insert(error_code(e));
  }
  CHECK(codes.size() == static_cast<std::size_t>(kErrorCount));
  CHECK(error_code(Error::device_revoked) == "device_revoked");
  CHECK(error_code(Error::kdf_cost_exceeded) == "kdf_cost_exceeded");
  CHECK(error_code(static_cast<Error>(99)) == "unknown");
}
