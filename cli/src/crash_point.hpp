// Crash points, for the tests of what a killed command leaves behind (tests/cli). The test build (coffre-test-hooks)
// counts the points it passes and kills itself with SIGKILL at the N-th when COFFRE_TEST_CRASH_AT=N, saying where on
// standard error; the shipped binary has no such code (crash_point.cpp is compiled per executable, see
// cli/CMakeLists.txt). A point sits after each step whose effect outlives the process: each store write, each
// temporary or final file of a multi-step command.
#pragma once

namespace coffre::cli {

void crash_point(const char* after) noexcept;

}  // namespace coffre::cli
