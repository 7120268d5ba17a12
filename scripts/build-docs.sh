#!/usr/bin/env bash
# API reference of coffre, from the public headers and the JS package's sources, into build/docs/ (or $1):
#   c/   the C ABI (bindings/c/include/coffre.h) and the C++ API (lib/include/coffre/), by Doxygen
#   js/  @coffre/core (bindings/js/src/index.ts and what it exports), by TypeDoc (a devDependency of bindings/js)
# Any warning fails the script (exit 1), so a broken doc comment, link or a public type left out of the reference
# stops CI (scripts/test.sh). Needs doxygen (scripts/install-deps.sh) and `npm ci` in bindings/js.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/build/docs}")
rm -rf "$out/c" "$out/js"
mkdir -p "$out/c" "$out/js"

command -v doxygen >/dev/null || { echo "build-docs.sh: doxygen is missing (scripts/install-deps.sh)" >&2; exit 1; }
[ -x "$root/bindings/js/node_modules/.bin/typedoc" ] ||
  { echo "build-docs.sh: typedoc is missing: run npm ci in bindings/js" >&2; exit 1; }

# C and C++. COFFRE_API is an attribute; EXTRACT_ALL lists every public declaration, documented or not, and the
# warnings that remain are about the doc comments themselves (unknown commands, bad parameters, broken references).
# coffre::detail is the library's own (lib/src), never in a public header's API.
echo "== doxygen -> $out/c"
c_log=$out/c/warnings.log
(cd "$root" && doxygen - >/dev/null) <<DOXYFILE
PROJECT_NAME           = coffre
PROJECT_BRIEF          = "C ABI and C++ API"
PROJECT_NUMBER         = $(sed -n 's/^project(coffre VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
OUTPUT_DIRECTORY       = $out/c
HTML_OUTPUT            = .
INPUT                  = bindings/c/include lib/include/coffre
FILE_PATTERNS          = *.h *.hpp
STRIP_FROM_PATH        = $root
STRIP_FROM_INC_PATH    = $root/lib/include $root/bindings/c/include
RECURSIVE              = NO
EXTRACT_ALL            = YES
EXTRACT_STATIC         = YES
EXCLUDE_SYMBOLS        = coffre::detail coffre::detail::*
ENABLE_PREPROCESSING   = YES
MACRO_EXPANSION        = YES
EXPAND_ONLY_PREDEF     = YES
PREDEFINED             = COFFRE_API= COFFRE_LOCAL= __cplusplus
JAVADOC_AUTOBRIEF      = YES
MARKDOWN_SUPPORT       = YES
GENERATE_HTML          = YES
GENERATE_LATEX         = NO
HAVE_DOT               = NO
CLASS_GRAPH            = NO
HTML_TIMESTAMP         = NO
QUIET                  = YES
WARNINGS               = YES
WARN_IF_UNDOCUMENTED   = YES
WARN_IF_DOC_ERROR      = YES
WARN_IF_INCOMPLETE_DOC = YES
WARN_NO_PARAMDOC       = NO
WARN_LOGFILE           = $c_log
DOXYFILE
if [ -s "$c_log" ]; then
  cat "$c_log" >&2
  echo "build-docs.sh: doxygen warnings above (a warning is an error here)" >&2
  exit 1
fi
rm -f "$c_log"

# JS: bindings/js/typedoc.json (treatWarningsAsErrors; links and referenced types checked). `Chunk` (streams.ts) is
# the package's Bytes under another name, used in ByteSource's stream type; it is listed as intentionally not exported.
echo "== typedoc -> $out/js"
(cd "$root/bindings/js" && node_modules/.bin/typedoc --logLevel Warn --out "$out/js")
echo "API reference: $out/c/index.html, $out/js/index.html"
