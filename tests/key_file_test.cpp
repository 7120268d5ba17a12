// Symmetric key files (docs/SPEC.md section 19): vectors/keyfile.json through the parser, and the writer's line.
#include "replay.hpp"
#include "support.hpp"

#include <coffre/key_file.hpp>

#include <string>

using namespace coffre;
using test::Bytes;

TEST_CASE("key files: every vector of vectors/keyfile.json replays, valid and refused ones") {
  auto outcomes = vectors::replay_vector_file(std::string(COFFRE_VECTORS_DIR) + "/keyfile.json");
  CHECK(outcomes.size() >= 30);
  std::size_t refused = 0;
  for (const auto& o : outcomes) {
    CAPTURE(o.name);
    CAPTURE(o.detail);
    CHECK(o.pass);
    if (o.name.rfind("invalid_argument/", 0) == 0) ++refused;
  }
  CHECK(refused >= 20);
  CHECK(refused < outcomes.size());
}

TEST_CASE("key files: the written key line parses back to its key, alone or after comments") {
  for (std::uint8_t n : {1, 2, 3}) {
    const ContentKey key = test::key(n);
    auto line = key_file_line(key);
    REQUIRE(line.ok());
    auto l = line.value().reveal();
    REQUIRE(l.size() == kKeyFileLinePrefix.size() + 44 + 1);
    CHECK(l.back() == '\n');
    CHECK(l[l.size() - 2] == '=');
    auto alone = parse_key_file(l);
    REQUIRE(alone.ok());
    CHECK(alone.value().secret().equals(key.secret()));

    Bytes file = {'#', ' ', 'k', '\r', '\n'};
    file.insert(file.end(), l.begin(), l.end() - 1);  // and no final LF
    auto commented = parse_key_file(file);
    REQUIRE(commented.ok());
    CHECK(commented.value().secret().equals(key.secret()));
    file.push_back('\n');
    file.insert(file.end(), l.begin(), l.end());  // a second key line
    CHECK(parse_key_file(file).error() == Error::invalid_argument);
  }
}
