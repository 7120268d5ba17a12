// Crash points, for the tests of what a killed command leaves behind (tests/cli). The test build (coffre-test-hooks)
// kills itself with SIGKILL, as a power cut or kill -9 would, saying where on standard error, when
// COFFRE_TEST_CRASH_AT names the point: a number N kills at the N-th point passed, whatever its name; "name" or
// "name:N" kills the first (or N-th) time the point of that name is passed (":N" is the part after the last colon
// when only digits follow it: names may hold colons). The shipped binary has no such code (crash_point.cpp is
// compiled per executable, see cli/CMakeLists.txt). A point sits after each step whose effect outlives the process:
// each store write, each temporary or final file of a multi-step command.
#pragma once

namespace coffre::cli {

void crash_point(const char* name) noexcept;

}  // namespace coffre::cli
