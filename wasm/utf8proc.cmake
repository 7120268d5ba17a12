# Builds utf8proc's C sources as the STATIC target `utf8proc_wasm`, for a project configured with Emscripten's
# toolchain (emcmake cmake): the same release as Debian's libutf8proc-dev that native builds link, so NFKD of
# passphrases and recovery phrases (docs/SPEC.md 5.1, 13) is the same code and Unicode version in both.
#
# Input:  COFFRE_UTF8PROC_SRC  unpacked utf8proc 2.8.0 tree, as printed by scripts/fetch-utf8proc-source.sh
# Output: target utf8proc_wasm (PUBLIC: include dir with utf8proc.h, UTF8PROC_STATIC)
include_guard(GLOBAL)

if(NOT EMSCRIPTEN)
  message(FATAL_ERROR "wasm/utf8proc.cmake needs Emscripten's toolchain (emcmake cmake)")
endif()
if(NOT COFFRE_UTF8PROC_SRC OR NOT EXISTS "${COFFRE_UTF8PROC_SRC}/utf8proc.h")
  message(FATAL_ERROR "COFFRE_UTF8PROC_SRC='${COFFRE_UTF8PROC_SRC}' is not a utf8proc source tree "
                      "(run scripts/fetch-utf8proc-source.sh OUTDIR)")
endif()

# utf8proc.c #includes its tables (utf8proc_data.c): one translation unit, as utf8proc's own Makefile builds it.
add_library(utf8proc_wasm STATIC "${COFFRE_UTF8PROC_SRC}/utf8proc.c")
target_include_directories(utf8proc_wasm PUBLIC "${COFFRE_UTF8PROC_SRC}")
target_compile_definitions(utf8proc_wasm PUBLIC UTF8PROC_STATIC PRIVATE UTF8PROC_EXPORTS)
target_compile_options(utf8proc_wasm PRIVATE -O2)
