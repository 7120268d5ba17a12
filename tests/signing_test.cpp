#include "support.hpp"

#include <coffre/signing.hpp>

using namespace coffre;

TEST_CASE("Ed25519 signatures are bound to their label and message") {
  DeterministicRng rng(test::seed(11));
  auto key = SigningKey::generate(rng).take();
  test::Bytes msg = test::random_bytes(40);
  auto sig = key.sign("coffre/v1/test/a", msg);
  const VerifyKey& vk = key.verify_key();
  CHECK(vk.verify("coffre/v1/test/a", msg, sig) == Error::ok);
  CHECK(vk.verify("coffre/v1/test/b", msg, sig) == Error::signature_invalid);
  msg[0] ^= 1;
  CHECK(vk.verify("coffre/v1/test/a", msg, sig) == Error::signature_invalid);
  CHECK(vk.verify("coffre/v1/test/a", msg, std::span(sig).first(63)) == Error::signature_invalid);

  auto again = SigningKey::from_seed(key.seed().reveal()).take();
  CHECK(again.verify_key() == vk);
  CHECK(SigningKey::from_seed(test::random_bytes(31)).error() == Error::invalid_argument);
  CHECK(VerifyKey::from_bytes(test::random_bytes(33)).error() == Error::invalid_argument);
}
