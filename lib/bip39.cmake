# The BIP-39 English wordlist for the recovery phrase (docs/SPEC.md section 13), as a C++ source generated into the
# build directory, for native and WebAssembly builds alike (included by lib/CMakeLists.txt, plain or under emcmake).
#
# Input:  COFFRE_BIP39_WORDLIST  an english.txt (2048 lines) such as the one scripts/fetch-bip39-wordlist.sh prints.
#                                Empty (the default): this file runs that script at configure time into
#                                COFFRE_DEPS_DIR (npm pack bip39@3.1.2, tarball pinned by sha256), so
#                                `cmake -S . -B build` needs nothing else.
# Output: COFFRE_BIP39_ENGLISH_SOURCE  the generated source defining coffre::detail::kBip39English
#                                      (lib/src/account/bip39.hpp), to compile into the library.
# Whatever the input, the wordlist must have the sha256 of BIP-39's english.txt, checked here again.
include_guard(GLOBAL)

set(COFFRE_BIP39_WORDLIST "" CACHE FILEPATH
    "BIP-39 English wordlist (english.txt) from scripts/fetch-bip39-wordlist.sh (empty: fetch into COFFRE_DEPS_DIR)")

function(_coffre_bip39_english_source out_var)
  set(txt "${COFFRE_BIP39_WORDLIST}")
  if(NOT txt)
    # Idempotent and offline once fetched (a stamp and the tarball stay in COFFRE_DEPS_DIR); re-run on every
    # configure so a deleted one comes back.
    execute_process(
      COMMAND "${PROJECT_SOURCE_DIR}/scripts/fetch-bip39-wordlist.sh" "${COFFRE_DEPS_DIR}"
      OUTPUT_VARIABLE txt OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "scripts/fetch-bip39-wordlist.sh failed (${rc}): it needs npm and the npm registry once, "
                          "or pass -DCOFFRE_BIP39_WORDLIST=<english.txt it printed elsewhere>")
    endif()
    get_filename_component(dir "${txt}" DIRECTORY)
    set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 "${PROJECT_SOURCE_DIR}/scripts/fetch-bip39-wordlist.sh" "${dir}/.coffre-verified")
  endif()
  set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${txt}")

  # BIP-39's english.txt: 2048 lowercase ASCII words of 3 to 8 letters, sorted, each followed by "\n".
  set(pinned 2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda)
  if(NOT EXISTS "${txt}")
    message(FATAL_ERROR "BIP-39 wordlist '${txt}' does not exist")
  endif()
  file(SHA256 "${txt}" sha)
  if(NOT sha STREQUAL pinned)
    message(FATAL_ERROR "BIP-39 wordlist '${txt}' has sha256 ${sha}, expected ${pinned} (BIP-39 english.txt)")
  endif()
  file(STRINGS "${txt}" words)
  list(LENGTH words n)
  if(NOT n EQUAL 2048)
    message(FATAL_ERROR "BIP-39 wordlist '${txt}' has ${n} words, expected 2048")
  endif()

  set(COFFRE_BIP39_WORDS "")
  set(line "")
  foreach(w IN LISTS words)
    if(NOT w MATCHES "^[a-z][a-z][a-z][a-z]?[a-z]?[a-z]?[a-z]?[a-z]?$")
      message(FATAL_ERROR "BIP-39 wordlist: '${w}' is not 3 to 8 lowercase ASCII letters")
    endif()
    string(APPEND line "\"${w}\", ")
    string(LENGTH "${line}" len)
    if(len GREATER 100)
      string(STRIP "${line}" line)
      string(APPEND COFFRE_BIP39_WORDS "    ${line}\n")
      set(line "")
    endif()
  endforeach()
  if(line)
    string(STRIP "${line}" line)
    string(APPEND COFFRE_BIP39_WORDS "    ${line}\n")
  endif()

  set(out "${CMAKE_CURRENT_BINARY_DIR}/generated/bip39_english.cpp")
  # configure_file rewrites the output only when its content changes: no rebuild on every configure.
  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/src/account/bip39_english.cpp.in" "${out}" @ONLY)
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

_coffre_bip39_english_source(COFFRE_BIP39_ENGLISH_SOURCE)
