# Builds libsodium's portable C sources as the STATIC target `sodium_wasm`, for a
# project configured with Emscripten's toolchain (emcmake cmake).
#
# Input:  COFFRE_LIBSODIUM_SRC  unpacked libsodium 1.0.18 tree, as printed by
#                               scripts/fetch-libsodium-source.sh
#         COFFRE_LIBSODIUM_OPT  optimisation flag (cache, default -O3: see below)
# Output: target sodium_wasm (PUBLIC: include dir with sodium.h + generated
#         sodium/version.h, SODIUM_STATIC=1)
#
# Why not libsodium's own build: Debian's orig tarball is the git tree (no
# `configure`); autoreconf + emconfigure takes ~2 min, this takes ~30 s. The
# defines below are what libsodium's configure would find under emcc.
include_guard(GLOBAL)

if(NOT EMSCRIPTEN)
  message(FATAL_ERROR "wasm/libsodium.cmake needs Emscripten's toolchain (emcmake cmake)")
endif()
if(NOT COFFRE_LIBSODIUM_SRC OR NOT EXISTS "${COFFRE_LIBSODIUM_SRC}/src/libsodium/include/sodium.h")
  message(FATAL_ERROR "COFFRE_LIBSODIUM_SRC='${COFFRE_LIBSODIUM_SRC}' is not a libsodium source tree "
                      "(run scripts/fetch-libsodium-source.sh OUTDIR)")
endif()

# Measured in node 20 with wasm/smoke: -O3 ~ -O2 (XChaCha20-Poly1305 ~410 MB/s, Argon2id
# interactive ~190 ms); -Os 130 MB/s / 310 ms. Forcing HAVE_TI_MODE: 290 MB/s.
set(COFFRE_LIBSODIUM_OPT "-O3" CACHE STRING "Optimisation flag for libsodium in wasm")

# A function keeps configure_file's @VARS@ out of the includer's scope.
function(_coffre_add_sodium_wasm)
  set(ls "${COFFRE_LIBSODIUM_SRC}/src/libsodium")

  # version.h.in placeholders come from configure.ac: read them rather than hard-code.
  file(READ "${COFFRE_LIBSODIUM_SRC}/configure.ac" ac)
  string(REGEX MATCH "AC_INIT\\(\\[libsodium\\],\\[([0-9.]+)\\]" _ "${ac}")
  set(VERSION "${CMAKE_MATCH_1}")
  string(REGEX MATCH "SODIUM_LIBRARY_VERSION_MAJOR=([0-9]+)" _ "${ac}")
  set(SODIUM_LIBRARY_VERSION_MAJOR "${CMAKE_MATCH_1}")
  string(REGEX MATCH "SODIUM_LIBRARY_VERSION_MINOR=([0-9]+)" _ "${ac}")
  set(SODIUM_LIBRARY_VERSION_MINOR "${CMAKE_MATCH_1}")
  set(SODIUM_LIBRARY_MINIMAL_DEF "")   # full (non-minimal) build
  if(NOT VERSION OR NOT SODIUM_LIBRARY_VERSION_MAJOR OR NOT SODIUM_LIBRARY_VERSION_MINOR)
    message(FATAL_ERROR "cannot read libsodium version from ${COFFRE_LIBSODIUM_SRC}/configure.ac")
  endif()
  # The generated version.h does #include "export.h" relative to itself, so it must sit
  # in a copy of the header tree (the build dir), never in the fetched sources.
  set(gen "${CMAKE_CURRENT_BINARY_DIR}/sodium_wasm/include")
  file(COPY "${ls}/include/" DESTINATION "${gen}" PATTERN "version.h.in" EXCLUDE PATTERN "Makefile.am" EXCLUDE)
  configure_file("${ls}/include/sodium/version.h.in" "${gen}/sodium/version.h" @ONLY)

  # The x86 files (AVX2, SSE, AES-NI, asm) compile to nothing without their HAVE_* defines.
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${ls}/*.c")
  add_library(sodium_wasm STATIC ${srcs})
  target_include_directories(sodium_wasm
    PUBLIC  "${gen}"           # <sodium.h>, <sodium/*.h>
    PRIVATE "${gen}/sodium")   # libsodium's own "core.h", "private/common.h", "version.h"
  target_compile_definitions(sodium_wasm
    PUBLIC  SODIUM_STATIC=1
    PRIVATE CONFIGURED=1 NATIVE_LITTLE_ENDIAN=1
            HAVE_ALLOCA_H=1 HAVE_ALLOCA=1 HAVE_POSIX_MEMALIGN=1 HAVE_SYS_MMAN_H=1
            HAVE_EXPLICIT_BZERO=1 HAVE_ATOMIC_OPS=1 HAVE_C_VARARRAYS=1)
  # No HAVE_TI_MODE: configure refuses __int128 for 32-bit clang, and wasm32 has no
  # 64x64->128 multiply anyway. No HAVE_MMAP/HAVE_MPROTECT: plain malloc, no guard pages.
  # -fno-strict-aliasing/-fwrapv: the flags libsodium's configure always adds.
  target_compile_options(sodium_wasm PRIVATE
    ${COFFRE_LIBSODIUM_OPT} -fno-strict-aliasing -fwrapv)
endfunction()

_coffre_add_sodium_wasm()
