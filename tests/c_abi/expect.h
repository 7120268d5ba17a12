/* Checks shared by the C ABI tests written in C: count failures and go on (EXPECT, EXPECT_STATUS), or stop when
 * the rest of a test would make no sense (REQUIRE_OK). */
#ifndef COFFRE_TESTS_C_ABI_EXPECT_H
#define COFFRE_TESTS_C_ABI_EXPECT_H

#include <coffre.h>

#include <stdio.h>
#include <stdlib.h>

static int failures = 0;
#define EXPECT(cond)                                                     \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                        \
    }                                                                    \
  } while (0)
#define EXPECT_STATUS(expr, want)                                                                          \
  do {                                                                                                     \
    int got_ = (expr);                                                                                     \
    if (got_ != (want)) {                                                                                  \
      fprintf(stderr, "%s:%d: %s: got %s, want %s\n", __FILE__, __LINE__, #expr, coffre_error_code(got_), \
              coffre_error_code(want));                                                                    \
      failures++;                                                                                          \
    }                                                                                                      \
  } while (0)
#define REQUIRE_OK(expr)                                                                      \
  do {                                                                                        \
    int got_ = (expr);                                                                        \
    if (got_ != COFFRE_OK) {                                                                  \
      fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #expr, coffre_error_code(got_)); \
      exit(1);                                                                                \
    }                                                                                         \
  } while (0)

#endif
