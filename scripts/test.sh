#!/usr/bin/env bash
# Builds and runs every test: native unit, property, vector, C ABI and CLI tests; the same under ASan+UBSan; the
# fuzzers for a bounded time; vector determinism; the JS package under node and in headless Chromium; the API
# reference (no doc warning); the store server.
# Usage: scripts/test.sh            (FUZZ_SECONDS=N to change the fuzzing time per harness, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
step() { printf '\n=== %s\n' "$*"; }

step "native build and tests (Release)"
scripts/build-native.sh build -DCMAKE_BUILD_TYPE=Release
ctest --test-dir build --output-on-failure -j"$jobs"

step "vectors: regenerating gives the committed bytes; the CLI replays them"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/vectors/coffre_vectors_gen "$tmp"
# Every file the generator writes must be the committed one (xwing, recovery and device-log have their own generators).
for f in "$tmp"/*.json; do cmp "$f" "vectors/$(basename "$f")"; done
build/cli/coffre vectors verify vectors

step "X-Wing: byte-compatibility with libsodium 1.0.22 (npm libsodium-wrappers-sumo), both ways"
scripts/test-xwing-crosscheck.sh build

step "sanitizers: ASan + UBSan build of the test suite"
scripts/build-native.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DCOFFRE_SANITIZE=ON -DCOFFRE_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure -j"$jobs"

step "fuzzers (libFuzzer, ${FUZZ_SECONDS:-30} s each)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOFFRE_FUZZ=ON \
  -DCOFFRE_BUILD_TESTS=OFF -DCOFFRE_BUILD_CLI=OFF -DCOFFRE_BUILD_BENCH=OFF >/dev/null
ninja -C build-fuzz fuzz_file_header fuzz_file_stream fuzz_document fuzz_device_log fuzz_sharing
for f in fuzz_file_header fuzz_file_stream fuzz_document fuzz_device_log fuzz_sharing; do
  mkdir -p "build-fuzz/corpus/$f"
  if ! "build-fuzz/tests/fuzz/$f" -max_total_time="${FUZZ_SECONDS:-30}" -rss_limit_mb=1024 \
      "build-fuzz/corpus/$f" >"build-fuzz/$f.log" 2>&1; then
    tail -n 40 "build-fuzz/$f.log"
    exit 1
  fi
  grep -E '^Done' "build-fuzz/$f.log"
done

step "JS package: WebAssembly build, node and headless Chromium"
scripts/test-js.sh

step "API reference: Doxygen (C ABI, C++ API) and TypeDoc (JS) into build/docs; any warning fails"
scripts/build-docs.sh build/docs

step "store server: PostgreSQL, signed requests, policy, concurrency, faults"
scripts/test-server.sh

step "all tests passed"
