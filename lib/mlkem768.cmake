# ML-KEM-768 from PQClean's "clean" C sources, as the OBJECT library `coffre_mlkem768` (part of libcoffre), for
# native and WebAssembly builds alike (included by the top-level CMakeLists.txt, plain or under emcmake).
#
# Input:  COFFRE_PQCLEAN_SRC  a tree printed by scripts/fetch-pqclean.sh. Empty (the default): this file runs that
#                             script at configure time into COFFRE_DEPS_DIR (default <build>/_deps; npm pack
#                             pqclean@0.8.1, pinned sha256), so `cmake -S . -B build` needs nothing else.
# Output: target coffre_mlkem768 (PUBLIC: lib/src/crypto/mlkem768/mlkem768.h, coffre's own interface to it; PQClean's
#         headers stay PRIVATE). Links coffre_sodium (wiping, and PQClean's unused randombytes).
include_guard(GLOBAL)

set(COFFRE_PQCLEAN_SRC "" CACHE PATH
    "PQClean source tree from scripts/fetch-pqclean.sh (empty: fetch into COFFRE_DEPS_DIR)")

function(_coffre_add_mlkem768)
  set(src "${COFFRE_PQCLEAN_SRC}")
  if(NOT src)
    # Idempotent and offline once fetched (a stamp and the tarball stay in COFFRE_DEPS_DIR); re-run on every
    # configure so a deleted one comes back.
    execute_process(
      COMMAND "${PROJECT_SOURCE_DIR}/scripts/fetch-pqclean.sh" "${COFFRE_DEPS_DIR}"
      OUTPUT_VARIABLE src OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "scripts/fetch-pqclean.sh failed (${rc}): it needs npm and the npm registry once, "
                          "or pass -DCOFFRE_PQCLEAN_SRC=<tree it printed elsewhere>")
    endif()
    set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 "${PROJECT_SOURCE_DIR}/scripts/fetch-pqclean.sh" "${src}/.coffre-verified")
  endif()
  set(kem "${src}/crypto_kem/ml-kem-768/clean")
  set(common "${src}/common")
  if(NOT EXISTS "${kem}/kem.c" OR NOT EXISTS "${common}/fips202.c")
    message(FATAL_ERROR "'${src}' is not a tree from scripts/fetch-pqclean.sh (no ml-kem-768/clean/kem.c)")
  endif()

  set(here "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/src/crypto/mlkem768")
  add_library(coffre_mlkem768 OBJECT
    "${kem}/cbd.c" "${kem}/indcpa.c" "${kem}/kem.c" "${kem}/ntt.c" "${kem}/poly.c" "${kem}/polyvec.c"
    "${kem}/reduce.c" "${kem}/symmetric-shake.c" "${kem}/verify.c"
    "${common}/fips202.c"
    "${here}/mlkem768.c" "${here}/pqclean_support.c")
  target_include_directories(coffre_mlkem768 PUBLIC "${here}" PRIVATE "${kem}" "${common}")
  target_link_libraries(coffre_mlkem768 PRIVATE coffre_sodium)
  set_target_properties(coffre_mlkem768 PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
  coffre_library_objects(coffre_mlkem768)

  # fips202's functions have generic global names (shake256, sha3_256...): prefix them, and PQClean's randombytes,
  # so that an application linking coffre and another Keccak library or PQClean build gets no clash.
  file(STRINGS "${common}/fips202.h" protos REGEX "^void [a-z0-9_]+\\(")
  set(renames "")
  foreach(p IN LISTS protos)
    string(REGEX MATCH "^void ([a-z0-9_]+)\\(" _ "${p}")
    list(APPEND renames "${CMAKE_MATCH_1}=coffre_pqclean_${CMAKE_MATCH_1}")
  endforeach()
  if(NOT "shake256_inc_init=coffre_pqclean_shake256_inc_init" IN_LIST renames)
    message(FATAL_ERROR "cannot read the function names of ${common}/fips202.h")
  endif()
  list(APPEND renames "PQCLEAN_randombytes=coffre_pqclean_randombytes")
  target_compile_definitions(coffre_mlkem768 PRIVATE ${renames})
  # Heap Keccak states are wiped before being freed (lib/src/crypto/mlkem768/pqclean_support.c).
  set_source_files_properties("${common}/fips202.c" PROPERTIES
    COMPILE_DEFINITIONS "malloc=coffre_pqclean_malloc;free=coffre_pqclean_free")
  set_source_files_properties("${here}/mlkem768.c" "${here}/pqclean_support.c" PROPERTIES
    COMPILE_OPTIONS "-Wall;-Wextra;-Wpedantic;-Wconversion;-Wshadow")
endfunction()

_coffre_add_mlkem768()
