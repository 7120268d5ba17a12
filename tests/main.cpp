#define DOCTEST_CONFIG_IMPLEMENT
#include <coffre/threads.hpp>
#include <doctest/doctest.h>

// The suite runs the parallel paths: `threads = 0` is all cores here (tests/threads_test.cpp checks the default).
int main(int argc, char** argv) {
  coffre::set_default_threads(coffre::all_cores());
  return doctest::Context(argc, argv).run();
}
