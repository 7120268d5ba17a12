/* COFFRE_API marks the public API (the C++ API of include/coffre/ and the C ABI of coffre.h): the library is compiled
 * with -fvisibility=hidden, so libcoffre.so exports these declarations and nothing else. Plain C, for coffre.h too.
 * In a static library the attribute changes nothing for its users. COFFRE_LOCAL hides what a COFFRE_API class only
 * declares for the library's own use (the Impl of FileEncryptor...). */
#ifndef COFFRE_EXPORT_H
#define COFFRE_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define COFFRE_API __attribute__((visibility("default")))
#define COFFRE_LOCAL __attribute__((visibility("hidden")))
#else
#define COFFRE_API
#define COFFRE_LOCAL
#endif

#endif /* COFFRE_EXPORT_H */
