// The published vectors replay in the C++ library (the C ABI, the JS package and the CLI replay them too).
#include "replay.hpp"
#include "support.hpp"

TEST_CASE("every published vector replays") {
  auto outcomes = coffre::vectors::replay_vector_dir(COFFRE_VECTORS_DIR);
  CHECK(outcomes.size() >= 70);
  for (const auto& o : outcomes) {
    CAPTURE(o.name);
    CAPTURE(o.detail);
    CHECK(o.pass);
  }
}
