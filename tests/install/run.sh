#!/usr/bin/env bash
# Installs the library of a configured and built tree into a temporary prefix and uses it the ways a user would,
# each with a C program (coffre.h) and a C++ one (coffre/coffre.hpp) that print coffre_version() and do real round
# trips (consumer.c, consumer.cpp):
#   1. the installed files: libcoffre.so -> .so.0 -> .so.0.1.0 (soname libcoffre.so.0), headers, CMake package, .pc;
#      with the CLI, bin/coffre, its man page and bash, zsh and fish completions;
#      the exported symbols: every function of coffre.h, and nothing but coffre's public API (no internals, no
#      libsodium, no PQClean);
#   2. find_package(coffre) (CMakeLists.txt here);
#   3. pkg-config: `cc prog.c $(pkg-config --cflags --libs coffre)` (-lcoffre alone), and the same in C++;
#   4. add_subdirectory(coffre): the static library built with the program; its install (COFFRE_INSTALL=ON) then
#      serves find_package with COFFRE_USE_STATIC_LIBS=ON and `pkg-config --static`.
# Usage: tests/install/run.sh BUILD_DIR [WORK_DIR]   (ctest -L install runs it; WORK_DIR default BUILD_DIR/install-test)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR [WORK_DIR]}" && pwd)
work=${2:-$build/install-test}
rm -rf "$work"
mkdir -p "$work"

fail() { echo "install test: $*" >&2; exit 1; }
step() { echo "--- $*"; }
cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }

# The consumers are built with the build tree's compilers (and compiler launcher, e.g. ccache).
consumer_args=(-G Ninja)
for v in CMAKE_C_COMPILER CMAKE_CXX_COMPILER CMAKE_C_COMPILER_LAUNCHER CMAKE_CXX_COMPILER_LAUNCHER; do
  value=$(cache "$v")
  if [ -n "$value" ]; then consumer_args+=("-D$v=$value"); fi
done
cc=$(cache CMAKE_C_COMPILER)
cxx=$(cache CMAKE_CXX_COMPILER)

run_consumers() {  # DIR: runs both consumers built there, which must print the library's version
  local dir=$1 out
  for prog in c_consumer cpp_consumer; do
    out=$("$dir/$prog") || fail "$dir/$prog failed"
    echo "$out"
    grep -q "coffre $version: document and file round trips ok" <<<"$out" || fail "$dir/$prog: unexpected output"
  done
}

step "install into $work/prefix"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
version=$(sed -n 's/^#define COFFRE_VERSION_STRING "\(.*\)"$/\1/p' "$prefix/include/coffre/version.h")
major=${version%%.*}
[ -n "$version" ] || fail "include/coffre/version.h has no COFFRE_VERSION_STRING"
pc=$(find "$prefix" -name coffre.pc)
[ -n "$pc" ] || fail "no coffre.pc installed"
libdir=$(dirname "$(dirname "$pc")")
for f in "$libdir/libcoffre.so" "$libdir/libcoffre.so.$major" "$libdir/libcoffre.so.$version" "$prefix/include/coffre.h" \
         "$prefix/include/coffre/coffre.hpp" "$prefix/include/coffre/export.h" \
         "$libdir/cmake/coffre/coffreConfig.cmake" "$libdir/cmake/coffre/coffreConfigVersion.cmake" \
         "$libdir/cmake/coffre/coffre-shared-targets.cmake"; do
  [ -e "$f" ] || fail "not installed: $f"
done
# With the CLI: the binary, its man page and completions (generated at build time by coffre-docgen).
if [ "$(cache COFFRE_BUILD_CLI)" = "ON" ]; then
  for f in bin/coffre share/man/man1/coffre.1 share/bash-completion/completions/coffre \
           share/zsh/site-functions/_coffre share/fish/vendor_completions.d/coffre.fish; do
    [ -s "$prefix/$f" ] || fail "not installed: $prefix/$f"
  done
  grep -q '^\.TH COFFRE 1' "$prefix/share/man/man1/coffre.1" || fail "share/man/man1/coffre.1 is not coffre's man page"
  grep -q '^complete -o filenames -F _coffre coffre$' "$prefix/share/bash-completion/completions/coffre" ||
    fail "share/bash-completion/completions/coffre does not complete coffre"
fi
[ "$(readlink "$libdir/libcoffre.so")" = "libcoffre.so.$major" ] || fail "libcoffre.so does not point to .so.$major"
[ "$(readlink "$libdir/libcoffre.so.$major")" = "libcoffre.so.$version" ] || fail "libcoffre.so.$major: wrong target"
soname=$(objdump -p "$libdir/libcoffre.so.$version" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = "libcoffre.so.$major" ] || fail "soname is '$soname', expected libcoffre.so.$major"
[ ! -e "$libdir/libcoffre.a" ] || fail "a shared build installs no libcoffre.a"

step "exported symbols of libcoffre.so.$version"
nm -D --defined-only "$libdir/libcoffre.so.$version" >"$work/symbols.txt"
# Every function coffre.h declares is exported...
sed -n 's/^COFFRE_API [^(]*[ *]\(coffre_[a-z0-9_]*\)(.*/\1/p' "$prefix/include/coffre.h" | sort -u >"$work/c_api.txt"
[ "$(wc -l <"$work/c_api.txt")" -gt 200 ] || fail "cannot read the functions of coffre.h"
awk '$2 == "T" {print $3}' "$work/symbols.txt" | grep '^coffre_' | sort -u >"$work/c_exported.txt"
missing=$(comm -23 "$work/c_api.txt" "$work/c_exported.txt")
[ -z "$missing" ] || fail "functions of coffre.h not exported: $missing"
extra=$(comm -13 "$work/c_api.txt" "$work/c_exported.txt")
[ -z "$extra" ] || fail "C symbols exported but not in coffre.h: $extra"
# ... and every other strong symbol is in namespace coffre, outside coffre::detail. Weak ones (W, V, u) are the
# inline and template instantiations of the standard library the compiler emits with default visibility.
strong_cxx=$(awk '$2 ~ /^[TDBR]$/ && $3 !~ /^coffre_/ {print $3}' "$work/symbols.txt" | c++filt)
others=$(grep -v '^coffre::' <<<"$strong_cxx" | grep -v -E '^(typeinfo|typeinfo name|vtable) for coffre::' || true)
[ -z "$others" ] || fail "exported outside namespace coffre: $(head -5 <<<"$others")"
# shellcheck disable=SC2001  # per line: the name, without its parameters
internals=$(sed 's/(.*//' <<<"$strong_cxx" | grep -E 'coffre::detail::|::Impl\b|Access\b' || true)
[ -z "$internals" ] || fail "internals exported: $(head -5 <<<"$internals")"
grep -q -E ' [TDBR] (sodium_|crypto_|randombytes_|coffre_pqclean_|PQCLEAN_|utf8proc_)' "$work/symbols.txt" &&
  fail "libsodium, PQClean or utf8proc symbols exported"
echo "$(wc -l <"$work/c_exported.txt") C functions, $(wc -l <<<"$strong_cxx") C++ symbols exported"

step "find_package(coffre), shared"
cmake -S "$here" -B "$work/package" "${consumer_args[@]}" -DCMAKE_PREFIX_PATH="$prefix" -DCOFFRE_CONSUMER=package \
  >"$work/package.log" || { cat "$work/package.log"; fail "configure (find_package)"; }
grep -q "coffre $version, SHARED library" "$work/package.log" || fail "find_package did not find the shared library"
cmake --build "$work/package" >>"$work/package.log" || { cat "$work/package.log"; fail "build (find_package)"; }
run_consumers "$work/package"

step "pkg-config, shared"
export PKG_CONFIG_PATH=$libdir/pkgconfig
[ "$(pkg-config --modversion coffre)" = "$version" ] || fail "pkg-config --modversion coffre"
# A C program links with -lcoffre alone.
libs=$(pkg-config --libs coffre | xargs)
[ "$libs" = "-L$libdir -lcoffre" ] || fail "pkg-config --libs coffre: $libs"
mkdir -p "$work/pkg-config"
# shellcheck disable=SC2046  # pkg-config's flags are meant to split
"$cc" -std=c99 -Wall -Werror "$here/consumer.c" $(pkg-config --cflags --libs coffre) -Wl,-rpath,"$libdir" \
  -o "$work/pkg-config/c_consumer"
# shellcheck disable=SC2046
"$cxx" -std=c++20 -Wall -Werror "$here/consumer.cpp" $(pkg-config --cflags --libs coffre) -Wl,-rpath,"$libdir" \
  -o "$work/pkg-config/cpp_consumer"
run_consumers "$work/pkg-config"
ldd "$work/pkg-config/c_consumer" | grep -q "libcoffre.so.$major => $libdir/" || fail "c_consumer does not use $libdir"

step "add_subdirectory(coffre), static; then its install"
cmake -S "$here" -B "$work/subdirectory" "${consumer_args[@]}" -DCOFFRE_CONSUMER=subdirectory \
  -DCOFFRE_SOURCE_DIR="$root" -DCOFFRE_DEPS_DIR="$(cache COFFRE_DEPS_DIR)" -DCOFFRE_INSTALL=ON \
  >"$work/subdirectory.log" || { cat "$work/subdirectory.log"; fail "configure (add_subdirectory)"; }
cmake --build "$work/subdirectory" >>"$work/subdirectory.log" || { cat "$work/subdirectory.log"; fail "build"; }
run_consumers "$work/subdirectory"
ldd "$work/subdirectory/c_consumer" | grep -q libcoffre && fail "add_subdirectory: the program should link libcoffre.a"
static_prefix=$work/static-prefix
cmake --install "$work/subdirectory" --prefix "$static_prefix" >"$work/static-install.log"
static_libdir=$(dirname "$(dirname "$(find "$static_prefix" -name coffre.pc)")")
[ -e "$static_libdir/libcoffre.a" ] || fail "static install: no libcoffre.a"
[ ! -e "$static_libdir/libcoffre.so" ] || fail "static install: a libcoffre.so too"

step "find_package(coffre), static"
cmake -S "$here" -B "$work/package-static" "${consumer_args[@]}" -DCMAKE_PREFIX_PATH="$static_prefix" \
  -DCOFFRE_CONSUMER=package -DCOFFRE_USE_STATIC_LIBS=ON >"$work/package-static.log" ||
  { cat "$work/package-static.log"; fail "configure (find_package, static)"; }
grep -q "coffre $version, STATIC library" "$work/package-static.log" || fail "find_package: not the static library"
cmake --build "$work/package-static" >>"$work/package-static.log" || { cat "$work/package-static.log"; fail "build"; }
run_consumers "$work/package-static"

step "pkg-config --static"
export PKG_CONFIG_PATH=$static_libdir/pkgconfig
mkdir -p "$work/pkg-config-static"
# shellcheck disable=SC2046
"$cc" -std=c99 -Wall -Werror "$here/consumer.c" $(pkg-config --static --cflags --libs coffre) \
  -o "$work/pkg-config-static/c_consumer"
# shellcheck disable=SC2046
"$cxx" -std=c++20 -Wall -Werror "$here/consumer.cpp" $(pkg-config --static --cflags --libs coffre) \
  -o "$work/pkg-config-static/cpp_consumer"
run_consumers "$work/pkg-config-static"

echo "install test: all consumers passed"
