#include "support.hpp"

using namespace coffre;
using test::Bytes;

namespace {
Bytes seal(const Bytes& plain, const Context& c = test::ctx()) {
  DeterministicRng rng(test::seed(2));
  return seal_document(test::key(1), c, plain, rng).take();
}
Error open_error(const Bytes& env, const Context& c = test::ctx(), int key = 1) {
  return open_document(test::key(static_cast<std::uint8_t>(key)), c, env).error();
}
}  // namespace

TEST_CASE("document envelope round-trips, including empty plaintext") {
  for (std::size_t n : {0, 1, 100, 4096}) {
    Bytes plain = test::random_bytes(n);
    Bytes env = seal(plain);
    CHECK(env.size() == n + kDocumentOverhead);
    auto opened = open_document(test::key(1), test::ctx(), env);
    REQUIRE(opened.ok());
    CHECK(opened.value() == plain);
  }
}

TEST_CASE("document envelope: wrong key and every part of the context are rejected") {
  Bytes env = seal(test::random_bytes(50));
  CHECK(open_error(env, test::ctx(), 2) == Error::wrong_key);
  CHECK(open_error(env, test::ctx("doc-2")) == Error::wrong_context);
  CHECK(open_error(env, test::ctx("doc-1", 4)) == Error::wrong_context);
  CHECK(open_error(env, test::ctx("doc-1", 3, 2)) == Error::wrong_context);
}

TEST_CASE("document envelope: every byte flipped fails, with the error the spec gives for that field") {
  Bytes env = seal(test::random_bytes(20));
  for (std::size_t i = 0; i < env.size(); ++i) {
    Bytes bad = env;
    bad[i] ^= 0x01;
    Error e = open_error(bad);
    CAPTURE(i);
    if (i < 6) CHECK(e == Error::bad_magic);
    else if (i == 6) CHECK(e == Error::bad_magic);  // 'D' ^ 1 is neither 'D' nor 'F'
    else if (i == 7) CHECK(e == Error::unsupported_version);
    else if (i == 8) CHECK(e == Error::unsupported_suite);
    else if (i == 9) CHECK(e == Error::malformed_header);
    else if (i < 14) CHECK(e == Error::wrong_context);  // key_version
    else if (i < 70) CHECK(e == Error::wrong_key);      // nonce, key_commit
    else if (i < 86) CHECK(e == Error::wrong_context);  // ctx_commit
    else CHECK(e == Error::payload_invalid);
  }
}

TEST_CASE("document envelope: short inputs and the other envelope type") {
  Bytes env = seal(test::random_bytes(20));
  CHECK(open_error(Bytes(env.begin(), env.begin() + 50)) == Error::truncated);
  CHECK(open_error(Bytes(env.begin(), env.end() - 1)) == Error::payload_invalid);
  CHECK(open_error(Bytes{'C', 'O'}) == Error::truncated);
  CHECK(open_error(Bytes{'X'}) == Error::bad_magic);
  Bytes file = test::encrypt(test::key(1), test::ctx(), test::random_bytes(10));
  CHECK(open_error(file) == Error::wrong_envelope_type);
}

TEST_CASE("object ids longer than 1024 bytes are refused by the call that takes the context, before any input") {
  const Context at_limit = test::ctx(std::string(Context::kMaxObjectId, 'x'));
  const Context over = test::ctx(std::string(Context::kMaxObjectId + 1, 'x'));
  const Bytes not_an_envelope = {'X'};  // bad_magic if it were looked at
  DeterministicRng rng(test::seed(2));
  CHECK(seal_document(test::key(1), over, Bytes{}, rng).error() == Error::invalid_argument);
  CHECK(open_document(test::key(1), over, not_an_envelope).error() == Error::invalid_argument);
  CHECK(FileEncryptor::create(test::key(1), over, {}, rng).error() == Error::invalid_argument);
  CHECK(FileEncryptor::create(Passphrase{not_an_envelope}, over, {}, {}, rng).error() == Error::invalid_argument);
  CHECK(FileDecryptor::create(test::key(1), over).error() == Error::invalid_argument);  // before any ciphertext
  CHECK(FileDecryptor::create(Passphrase{not_an_envelope}, over).error() == Error::invalid_argument);
  CHECK(FileRangeReader::open(not_an_envelope, 1, {}, test::key(1), over).error() == Error::invalid_argument);
  CHECK(FileRangeReader::open(not_an_envelope, 1, {}, test::key(1), at_limit).error() == Error::bad_magic);

  const Bytes doc = seal_document(test::key(1), at_limit, test::random_bytes(5), rng).take();
  CHECK(open_document(test::key(1), at_limit, doc).ok());
  const Bytes file = test::encrypt(test::key(1), at_limit, test::random_bytes(100));
  CHECK(test::decrypt(test::key(1), at_limit, file).error == Error::ok);
}
