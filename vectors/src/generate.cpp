// Deterministic generator of vectors/*.json (format: vectors/README.md). Usage: coffre_vectors_gen OUTDIR
//
// Every random byte comes from DeterministicRng seeded per vector, so the output is identical on every run and
// platform. Malformed files are built piece by piece: a real header, then chunks sealed with any index and flag.
#include "envelope/file_chunks.hpp"
#include "generate_drive.hpp"
#include "generate_sharing.hpp"
#include "generate_accounts.hpp"
#include "generate_armor.hpp"
#include "generate_kek_wrap.hpp"
#include "generate_key_file.hpp"
#include "generate_store_request.hpp"
#include "hex.hpp"

#include <coffre/coffre.hpp>
#include <nlohmann/json.hpp>

#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>

using namespace coffre;
using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;
using vectors::sha256_hex;
using vectors::to_hex;
using vectors::u64_text;

namespace {

std::array<std::uint8_t, 32> seed_of(std::string_view name) {
  std::array<std::uint8_t, 32> s{};
  crypto_generichash(s.data(), s.size(), reinterpret_cast<const std::uint8_t*>(name.data()), name.size(), nullptr, 0);
  return s;
}

Bytes random_bytes(std::string_view name, std::size_t n) {
  DeterministicRng rng(seed_of(std::string(name) + "/data"));
  Bytes b(n);
  rng.fill(b);
  return b;
}

Bytes key_bytes(int n) {
  Bytes k = random_bytes("key-" + std::to_string(n), 32);
  return k;
}
ContentKey key_of(const Bytes& b) { return ContentKey::from_bytes(b).take(); }

const Context kCtx{"drive:file/4f1c2a", 7, 2};

json context_json(const Context& c) {
  return {{"object_id", c.object_id}, {"revision", u64_text(c.revision)}, {"key_version", c.key_version}};
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes slice(const Bytes& b, std::size_t from, std::size_t to) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(to));
}
Bytes flip(Bytes b, std::size_t at, std::uint8_t mask = 0x01) {
  b.at(at) ^= mask;
  return b;
}

// A file built piece by piece: a genuine header, and chunks sealed with any index, flag and content.
struct FileBuilder {
  Bytes header;
  std::optional<detail::ChunkCipher> cipher;
  std::uint32_t chunk_size;

  FileBuilder(std::string_view name, const Bytes& key, const Context& c, std::uint32_t chunk,
              std::optional<std::pair<Bytes, PassphraseParams>> pass = std::nullopt)
      : chunk_size(chunk) {
    DeterministicRng rng(seed_of(name));
    auto secret = pass ? detail::FileSecret::of(Passphrase{pass->first}) : detail::FileSecret::of(key_of(key));
    auto h = detail::build_file_header(secret.value(), pass ? std::optional(pass->second) : std::nullopt, chunk, c,
                                       rng)
                 .take();
    header = std::move(h.bytes);
    cipher.emplace(std::move(h.keys));
  }
  Bytes chunk(std::uint64_t index, bool last, const Bytes& plain) const {
    Bytes out(plain.size() + 16);
    cipher->seal(index, last, plain, out.data());
    return out;
  }
  // The honest encoding of `plain`, as a list of chunks.
  std::vector<Bytes> chunks(const Bytes& plain) const {
    std::vector<Bytes> out;
    std::size_t n = plain.empty() ? 1 : (plain.size() + chunk_size - 1) / chunk_size;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t end = std::min(plain.size(), (i + 1) * chunk_size);
      out.push_back(chunk(i, i + 1 == n, slice(plain, i * chunk_size, end)));
    }
    return out;
  }
  Bytes file(const std::vector<Bytes>& cs) const {
    Bytes out = header;
    for (const auto& c : cs) out.insert(out.end(), c.begin(), c.end());
    return out;
  }
};

class Writer {
 public:
  void document_vector(const std::string& name, const std::string& comment, const Bytes& key, const Context& c,
                       const Bytes& ciphertext, const std::string& expect, const Bytes& plaintext = {}) {
    add(name, comment, "document", {{"key", to_hex(key)}}, c, ciphertext, expect, plaintext, {});
  }
  void file_vector(const std::string& name, const std::string& comment, const json& secret, const Context& c,
                   const Bytes& ciphertext, const std::string& expect, const Bytes& plaintext, const Bytes& released) {
    add(name, comment, "file", secret, c, ciphertext, expect, plaintext, released);
  }
  void save(const std::string& path, const std::string& title) {
    json doc = {{"format", "coffre-vectors"},
                {"spec_version", 1},
                {"title", title},
                {"generator", "vectors/src/generate.cpp"},
                {"vectors", std::move(list_)}};
    std::ofstream(path) << doc.dump(1) << "\n";
    list_ = json::array();
  }

 private:
  void add(const std::string& name, const std::string& comment, const char* envelope, const json& secret,
           const Context& c, const Bytes& ct, const std::string& expect, const Bytes& plaintext,
           const Bytes& released) {
    json v = {{"name", name}, {"comment", comment}, {"envelope", envelope}};
    v.update(secret);
    v["context"] = context_json(c);
    v["ciphertext"] = to_hex(ct);
    v["expect"] = expect;
    if (expect == "success") {
      v["plaintext_sha256"] = sha256_hex(plaintext);
      v["plaintext_size"] = u64_text(plaintext.size());
      if (plaintext.size() <= 64) v["plaintext"] = to_hex(plaintext);
    } else {
      v["released_sha256"] = sha256_hex(released);
      v["released_size"] = u64_text(released.size());
    }
    list_.push_back(std::move(v));
  }
  json list_ = json::array();
};

void document_vectors(Writer& w) {
  const Bytes k = key_bytes(1), other = key_bytes(2);
  auto seal = [&](const std::string& name, const Bytes& plain, const Context& c = kCtx) {
    DeterministicRng rng(seed_of(name));
    return seal_document(key_of(k), c, plain, rng).take();
  };
  for (std::size_t n : {0, 1, 100, 1000}) {
    std::string name = "document/success/" + std::to_string(n) + "-bytes";
    Bytes plain = random_bytes(name, n);
    w.document_vector(name, "a document of " + std::to_string(n) + " bytes", k, kCtx, seal(name, plain), "success",
                      plain);
  }
  const Context unicode{"docs:titre/été-🙂", 0, 0};
  Bytes title{'R', 'a', 'p', 'p', 'o', 'r', 't'};
  w.document_vector("document/success/utf8-object-id", "object ids are UTF-8 bytes, not normalized", k, unicode,
                    seal("document/success/utf8-object-id", title, unicode), "success", title);

  Bytes plain = random_bytes("document/base", 40);
  Bytes env = seal("document/base", plain);
  auto bad = [&](const std::string& what, const std::string& comment, const Bytes& ct, const std::string& expect,
                 const Bytes& key, const Context& c) {
    w.document_vector("document/" + expect + "/" + what, comment, key, c, ct, expect);
  };
  bad("other-key", "opened with another key", env, "wrong_key", other, kCtx);
  bad("other-object", "opened as another document", env, "wrong_context", k, {"drive:file/other", 7, 2});
  bad("other-revision", "a revision replayed as another", env, "wrong_context", k, {kCtx.object_id, 8, 2});
  bad("other-key-version", "expected under another content-key version", env, "wrong_context", k,
      {kCtx.object_id, 7, 3});
  bad("magic", "first magic byte altered", flip(env, 0), "bad_magic", k, kCtx);
  Bytes as_file = env;
  as_file[6] = 'F';
  bad("type", "type byte says file", as_file, "wrong_envelope_type", k, kCtx);
  bad("version", "version 2", flip(env, 7, 0x03), "unsupported_version", k, kCtx);
  bad("suite", "suite 2", flip(env, 8, 0x03), "unsupported_suite", k, kCtx);
  bad("reserved", "reserved byte not zero", flip(env, 9), "malformed_header", k, kCtx);
  bad("header-key-version", "key_version field altered", flip(env, 13), "wrong_context", k, kCtx);
  bad("nonce", "nonce altered", flip(env, 20), "wrong_key", k, kCtx);
  bad("key-commit", "key commitment altered", flip(env, 40), "wrong_key", k, kCtx);
  bad("context-commit", "context commitment altered", flip(env, 75), "wrong_context", k, kCtx);
  bad("ciphertext", "ciphertext byte altered", flip(env, 90), "payload_invalid", k, kCtx);
  bad("tag", "tag altered", flip(env, env.size() - 1), "payload_invalid", k, kCtx);
  bad("appended", "one byte appended", cat({env, Bytes{0}}), "payload_invalid", k, kCtx);
  bad("cut-header", "cut inside the header", slice(env, 0, 60), "truncated", k, kCtx);
  bad("cut-tag", "cut inside the tag", slice(env, 0, env.size() - 1), "payload_invalid", k, kCtx);
  // Short inputs (section 4, step 1): step 2's checks look at the bytes present; step 3 needs all 102 bytes.
  bad("short-magic", "3 bytes, the third not 'F'", slice(flip(env, 2), 0, 3), "bad_magic", k, kCtx);
  bad("short-reserved", "10 bytes, reserved byte not zero", slice(flip(env, 9), 0, 10), "malformed_header", k, kCtx);
  bad("short-key-version", "cut at 60 bytes with key_version altered: truncated, not wrong_context",
      slice(flip(env, 13), 0, 60), "truncated", k, kCtx);
}

void file_success_vectors(Writer& w, const Bytes& k) {
  json secret = {{"key", to_hex(k)}};
  struct Case {
    std::size_t size;
    std::uint32_t chunk;
    const char* what;
  };
  for (Case c : std::initializer_list<Case>{{0, 64, "empty file"},
                                            {1, 64, "one byte"},
                                            {64, 64, "exactly one chunk"},
                                            {65, 64, "one chunk and one byte"},
                                            {128, 64, "exactly two chunks: the final chunk is full"},
                                            {1000, 64, "many chunks"},
                                            {1000, 100, "odd chunk size 100, ten full chunks"},
                                            {1001, 100, "odd chunk size 100"},
                                            {5000, 999, "odd chunk size 999"},
                                            {70000, 65536, "default chunk size, two chunks"}}) {
    std::string name = "file/success/" + std::to_string(c.size) + "-bytes-chunk-" + std::to_string(c.chunk);
    FileBuilder b(name, k, kCtx, c.chunk);
    Bytes plain = random_bytes(name, c.size);
    w.file_vector(name, c.what, secret, kCtx, b.file(b.chunks(plain)), "success", plain, {});
  }
}

void file_failure_vectors(Writer& w, const Bytes& k) {
  json secret = {{"key", to_hex(k)}};
  const std::uint32_t chunk = 64;
  const std::size_t C = chunk + 16, H = kFileHeaderSizeKey;
  FileBuilder b("file/base", k, kCtx, chunk);
  Bytes plain = random_bytes("file/base", 4 * chunk + 10);  // chunks 0..3 full, chunk 4 holds 10 bytes
  auto cs = b.chunks(plain);
  Bytes ct = b.file(cs);
  auto released = [&](std::size_t chunks) { return slice(plain, 0, chunks * chunk); };
  auto bad = [&](const std::string& what, const std::string& comment, const Bytes& c, const std::string& expect,
                 const Bytes& rel = {}, const json& sec = {}, const Context& ctx = kCtx) {
    w.file_vector("file/" + expect + "/" + what, comment, sec.is_null() ? secret : sec, ctx, c, expect, {}, rel);
  };

  bad("other-key", "opened with another key", ct, "wrong_key", {}, {{"key", to_hex(key_bytes(2))}});
  bad("other-object", "opened as another file", ct, "wrong_context", {}, {}, {"drive:file/other", 7, 2});
  bad("other-revision", "another version of the file", ct, "wrong_context", {}, {}, {kCtx.object_id, 6, 2});
  bad("other-key-version", "expected under another key version", ct, "wrong_context", {}, {}, {kCtx.object_id, 7, 1});

  // Every header field altered.
  bad("magic", "magic altered", flip(ct, 2), "bad_magic");
  bad("type", "type byte says document", [&] { Bytes x = ct; x[6] = 'D'; return x; }(), "wrong_envelope_type");
  bad("version", "version 2", flip(ct, 7, 0x03), "unsupported_version");
  bad("suite", "suite 2", flip(ct, 8, 0x03), "unsupported_suite");
  bad("key-source", "key_source 3", flip(ct, 9, 0x02), "malformed_header");
  bad("chunk-size-out-of-bounds", "chunk_size 32", [&] { Bytes x = ct; x[13] = 32; return x; }(), "malformed_header");
  bad("chunk-size-too-large", "chunk_size 16 MiB + 64", flip(ct, 10), "malformed_header");
  bad("chunk-size", "chunk_size 65 (within bounds)", flip(ct, 13), "header_tampered");
  bad("header-key-version", "key_version field altered", flip(ct, 17), "wrong_context");
  bad("salt", "salt altered", flip(ct, 18 + 5), "wrong_key");
  bad("key-commit", "key commitment altered", flip(ct, 50 + 5), "wrong_key");
  bad("context-commit", "context commitment altered", flip(ct, 82 + 5), "wrong_context");
  bad("header-mac", "header MAC altered", flip(ct, 98 + 5), "header_tampered");
  bad("cut-in-prefix", "input ends inside the first 10 bytes", slice(ct, 0, 8), "truncated");
  bad("cut-in-header", "input ends inside the header", slice(ct, 0, 100), "truncated");
  bad("header-only", "header and no chunk", slice(ct, 0, H), "truncated");

  // Chunks.
  bad("chunk-byte", "a ciphertext byte of chunk 1 altered", flip(ct, H + C + 3), "chunk_invalid", released(1));
  bad("final-tag", "a tag byte of the final chunk altered", flip(ct, ct.size() - 2), "chunk_invalid", released(4));
  bad("cut-at-boundary", "cut after chunk 2 (a chunk boundary)", slice(ct, 0, H + 3 * C), "truncated", released(2));
  bad("cut-in-tag-room", "cut 10 bytes into chunk 3", slice(ct, 0, H + 3 * C + 10), "truncated", released(3));
  bad("cut-in-chunk", "cut 40 bytes into chunk 3: its tag is lost", slice(ct, 0, H + 3 * C + 40), "chunk_invalid",
      released(3));
  bad("reordered", "chunks 1 and 2 swapped", b.file({cs[0], cs[2], cs[1], cs[3], cs[4]}), "chunk_out_of_order",
      released(1));
  bad("removed", "chunk 1 removed", b.file({cs[0], cs[2], cs[3], cs[4]}), "chunk_out_of_order", released(1));
  bad("duplicated", "chunk 1 twice", b.file({cs[0], cs[1], cs[1], cs[2], cs[3], cs[4]}), "chunk_duplicated",
      released(2));
  FileBuilder other("file/other", k, kCtx, chunk);
  auto ocs = other.chunks(random_bytes("file/other", 4 * chunk + 10));
  bad("spliced", "chunk 2 taken from another file under the same key", b.file({cs[0], cs[1], ocs[2], cs[3], cs[4]}),
      "chunk_invalid", released(2));
  bad("spliced-header", "another file's header on these chunks", other.file(cs), "chunk_invalid");
  bad("trailing-short-final", "3 bytes after a short final chunk", cat({ct, Bytes{1, 2, 3}}), "trailing_data",
      released(4));
  bad("trailing-past-boundary", "100 bytes after a 26-byte final chunk: they cross the next chunk boundary",
      cat({ct, Bytes(100, 0x55)}), "trailing_data", released(4));
  Bytes full_plain = slice(plain, 0, 4 * chunk);
  Bytes full = b.file(b.chunks(full_plain));
  bad("trailing-full-final", "20 bytes after a full final chunk", cat({full, Bytes(20, 0)}), "trailing_data",
      released(3));
  bad("final-flag-early", "chunk 1 sealed as final, then chunk 2",
      b.file({cs[0], b.chunk(1, true, slice(plain, 64, 128)), cs[2], cs[3], cs[4]}), "trailing_data", released(1));
  bad("empty-final-chunk", "an authentic empty final chunk after full chunks",
      b.file({b.chunk(0, false, slice(plain, 0, 64)), b.chunk(1, true, {})}), "empty_chunk", released(1));
  bad("no-final-flag", "the last chunk sealed non-final",
      b.file({cs[0], b.chunk(1, false, slice(plain, 64, 100))}), "chunk_invalid", released(1));

  // Section 5.3: short inputs. Checks 1 to 6 fire on the bytes present; `truncated` only when they pass.
  bad("short-magic", "5 bytes, the fifth not 'R'", slice(flip(ct, 4), 0, 5), "bad_magic");
  bad("unknown-type", "type byte 'X': neither 'D' nor 'F'", [&] { Bytes x = ct; x[6] = 'X'; return x; }(),
      "bad_magic");
  bad("short-version", "8 bytes, version 2", slice(flip(ct, 7, 0x03), 0, 8), "unsupported_version");
  bad("short-key-source", "10 bytes, key_source 3", slice(flip(ct, 9, 0x02), 0, 10), "malformed_header");
  bad("short-chunk-size", "14 bytes, chunk_size 32: checked once its 4 bytes are present",
      [&] { Bytes x = slice(ct, 0, 14); x[13] = 32; return x; }(), "malformed_header");
  bad("cut-before-key-source", "9 valid bytes: the header size is unknown", slice(ct, 0, 9), "truncated");
  bad("cut-with-other-key-version", "cut at 100 bytes, key_version altered: wrong_context needs the whole header",
      slice(flip(ct, 17), 0, 100), "truncated");

  // Section 5.4: pieces followed by more input, and the last piece.
  bad("full-final-then-5-bytes", "5 bytes after a full final chunk: the full chunk is diagnosed first",
      cat({full, Bytes(5, 0)}), "trailing_data", released(3));
  bad("full-final-then-16-bytes", "16 bytes after a full final chunk", cat({full, Bytes(16, 0)}), "trailing_data",
      released(3));
  bad("final-flag-ahead", "position 1 holds chunk 3 sealed final: both flags are tried",
      b.file({cs[0], b.chunk(3, true, slice(plain, 192, 256)), cs[2], cs[3], cs[4]}), "chunk_out_of_order",
      released(1));
  bad("short-final-duplicate", "the last piece is chunk 0 sealed final with 10 bytes",
      b.file({cs[0], cs[1], cs[2], cs[3], b.chunk(0, true, slice(plain, 0, 10))}), "chunk_duplicated", released(4));

  // The diagnosis window: positions i - 64 to i + 64, both ends included.
  FileBuilder lb("file/long", k, kCtx, chunk);
  Bytes long_plain = random_bytes("file/long", 66 * chunk + 10);  // chunks 0..65 full, chunk 66 holds 10 bytes
  auto ls = lb.chunks(long_plain);
  auto with = [&](std::size_t at, std::size_t from) {
    auto x = ls;
    x[at] = ls[from];
    return lb.file(x);
  };
  auto long_released = [&](std::size_t chunks) { return slice(long_plain, 0, chunks * chunk); };
  bad("window-ahead-64", "position 0 holds chunk 64 (i + 64: inside the window)", with(0, 64), "chunk_out_of_order");
  bad("window-ahead-65", "position 0 holds chunk 65 (i + 65: outside the window)", with(0, 65), "chunk_invalid");
  bad("window-behind-64", "position 65 holds chunk 1 (i - 64: inside the window)", with(65, 1), "chunk_duplicated",
      long_released(65));
  bad("window-behind-65", "position 65 holds chunk 0 (i - 65: outside the window)", with(65, 0), "chunk_invalid",
      long_released(65));
}

Bytes utf8(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Section 5.1: a passphrase is used in its NFKD form, so the forms a keyboard or an OS may give of the same text open
// the same file. Each file is written under one form and read with another.
void unicode_passphrase_vectors(Writer& w, const PassphraseParams& params) {
  struct Case {
    const char* name;
    const char* comment;
    Bytes written, read;
  };
  // The form read is never the NFKD form itself, so a reader that skips NFKD fails every one.
  const Case same[] = {
      {"nfd-read-as-nfc", "written with e + U+0301 (NFD), read with U+00E9 (NFC, as most keyboards give it)",
       utf8("cafe\xcc\x81 cre\xcc\x80me"), utf8("caf\xc3\xa9 cr\xc3\xa8me")},
      {"jamo-read-as-hangul-syllables", "written with conjoining jamo, read with the Hangul syllables U+D55C U+AE00",
       utf8("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xb3\xe1\x86\xaf"),
       utf8("\xed\x95\x9c\xea\xb8\x80")},
      {"marks-reordered-read-as-precomposed", "written with s + U+0307 + U+0323 (marks out of canonical order), read "
       "with U+1E69", utf8("s\xcc\x87\xcc\xa3"), utf8("\xe1\xb9\xa9")},
      {"ascii-read-as-fullwidth", "written as ASCII \"pass word\", read with full-width letters and U+3000",
       utf8("pass word"), utf8("\xef\xbd\x90\xef\xbd\x81\xef\xbd\x93\xef\xbd\x93\xe3\x80\x80word")},
      {"ascii-read-as-ligature-and-nbsp", "written as ASCII \"fine day\", read with U+FB01 (fi ligature) and U+00A0",
       utf8("fine day"), utf8("\xef\xac\x81ne\xc2\xa0" "day")},
  };
  for (const Case& c : same) {
    const std::string name = std::string("file-passphrase/success/") + c.name;
    FileBuilder b(name, {}, kCtx, 128, std::pair{c.written, params});
    Bytes plain = random_bytes(name, 100);
    w.file_vector(name, c.comment, {{"passphrase", to_hex(c.read)}}, kCtx, b.file(b.chunks(plain)), "success", plain,
                  {});
  }
  // NFKD keeps what tells two passphrases apart: the accent, the syllable.
  FileBuilder b("file-passphrase/unicode-base", {}, kCtx, 128, std::pair{utf8("caf\xc3\xa9"), params});
  const Bytes ct = b.file(b.chunks(random_bytes("file-passphrase/unicode-base", 100)));
  auto bad = [&](const std::string& what, const std::string& comment, const Bytes& pass, const std::string& expect) {
    w.file_vector("file-passphrase/" + expect + "/" + what, comment, {{"passphrase", to_hex(pass)}}, kCtx, ct, expect,
                  {}, {});
  };
  bad("accent-dropped", "written with \"caf\u00e9\", read with \"cafe\": NFKD keeps the accent (U+0301)", utf8("cafe"),
      "wrong_key");
  bad("not-utf8-latin1", "read with \"caf\" + byte e9 (Latin-1): not UTF-8, refused before any byte",
      utf8("caf\xe9"), "invalid_argument");
  bad("not-utf8-overlong", "read with an overlong encoding of \"/\" (c0 af): not UTF-8", utf8("caf\xc0\xaf"),
      "invalid_argument");
  bad("not-utf8-surrogate", "read with the UTF-8 form of the surrogate U+D800 (ed a0 80): not UTF-8",
      utf8("caf\xed\xa0\x80"), "invalid_argument");
  bad("not-utf8-cut", "read with a cut 2-byte sequence (c3): not UTF-8", utf8("caf\xc3"), "invalid_argument");
}

void passphrase_vectors(Writer& w) {
  const Bytes pass{'c', 'o', 'r', 'r', 'e', 'c', 't', ' ', 'h', 'o', 'r', 's', 'e'};
  const PassphraseParams params{1, 64};  // cheap on purpose: vectors must replay fast everywhere
  json secret = {{"passphrase", to_hex(pass)}};
  for (std::size_t n : {0, 300}) {
    std::string name = "file-passphrase/success/" + std::to_string(n) + "-bytes";
    FileBuilder b(name, {}, kCtx, 128, std::pair{pass, params});
    Bytes plain = random_bytes(name, n);
    w.file_vector(name, "passphrase, Argon2id opslimit 1, 64 KiB", secret, kCtx, b.file(b.chunks(plain)), "success",
                  plain, {});
  }
  FileBuilder b("file-passphrase/base", {}, kCtx, 128, std::pair{pass, params});
  Bytes ct = b.file(b.chunks(random_bytes("file-passphrase/base", 200)));
  auto bad = [&](const std::string& what, const std::string& comment, const Bytes& c, const std::string& expect,
                 const json& sec) {
    w.file_vector("file-passphrase/" + expect + "/" + what, comment, sec, kCtx, c, expect, {}, {});
  };
  Bytes wrong = pass;
  wrong[0] = 'C';
  bad("other-passphrase", "a passphrase differing in case", ct, "wrong_key", {{"passphrase", to_hex(wrong)}});
  bad("as-key", "a passphrase file opened with a key", ct, "wrong_key", {{"key", to_hex(key_bytes(1))}});
  bad("opslimit", "Argon2id opslimit altered (1 -> 2)", flip(ct, 21, 0x03), "wrong_key", secret);
  bad("opslimit-out-of-bounds", "Argon2id opslimit 17", [&] { Bytes x = ct; x[21] = 17; return x; }(),
      "malformed_header", secret);
  bad("memlimit-out-of-bounds", "Argon2id memory 2 GiB",
      [&] { Bytes x = ct; x[22] = 0; x[23] = 0x20; x[24] = 0; x[25] = 0; return x; }(), "malformed_header", secret);
  bad("pw-salt", "Argon2id salt altered", flip(ct, 30), "wrong_key", secret);

  // Section 5.1: a reader's default limits (4 passes, 256 MiB), checked before Argon2id runs (section 5.3 order).
  auto set_u32 = [](Bytes x, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) x[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
    return x;
  };
  const Bytes big = set_u32(ct, 22, 262145);  // 256 MiB + 1 KiB
  bad("memlimit-above-limit", "Argon2id memory 256 MiB + 1 KiB: above the default limit, within the format's",
      big, "kdf_cost_exceeded", secret);
  bad("opslimit-above-limit", "Argon2id opslimit 5: above the default limit of 4", set_u32(ct, 18, 5),
      "kdf_cost_exceeded", secret);
  bad("limit-before-passphrase", "a wrong passphrase on a header above the limit: Argon2id never runs", big,
      "kdf_cost_exceeded", {{"passphrase", to_hex(wrong)}});
  bad("as-key-above-limit", "a key for a passphrase header above the limit: the key kind is checked first", big,
      "wrong_key", {{"key", to_hex(key_bytes(1))}});
  bad("key-version-above-limit", "key_version altered on a header above the limit: key_version is checked first",
      flip(big, 17), "wrong_context", secret);
  bad("short-opslimit", "22 bytes, opslimit 0: checked once its 4 bytes are present",
      slice(set_u32(ct, 18, 0), 0, 22), "malformed_header", secret);
  bad("cut-above-limit", "the header above the limit, cut: truncated (the limit needs the whole header)",
      slice(big, 0, 100), "truncated", secret);
  unicode_passphrase_vectors(w, params);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: coffre_vectors_gen OUTDIR\n";
    return 2;
  }
  if (init() != Error::ok) return 1;
  std::string dir = argv[1];
  Writer w;
  document_vectors(w);
  w.save(dir + "/document.json", "Document envelope (docs/SPEC.md section 4)");
  const Bytes k = key_bytes(1);
  file_success_vectors(w, k);
  file_failure_vectors(w, k);
  w.save(dir + "/file.json", "File envelope (docs/SPEC.md section 5)");
  passphrase_vectors(w);
  w.save(dir + "/file-passphrase.json", "File envelope with a passphrase (docs/SPEC.md 5.1)");
  vectors::write_drive_vectors(dir + "/drive.json");
  vectors::write_sharing_vectors(dir);
  vectors::write_directory_vectors(dir);
  vectors::write_key_file_vectors(dir + "/keyfile.json");
  vectors::write_armor_vectors(dir + "/armor.json");
  try {
    vectors::write_kek_wrap_vectors(dir + "/kek_wrap.json");
  } catch (const std::exception& e) {
    std::cerr << "kek_wrap vectors: " << e.what() << "\n";
    return 1;
  }
  try {
    vectors::write_account_vectors(dir);
    vectors::write_store_request_vectors(dir + "/store-request.json");
  } catch (const std::exception& e) {
    std::cerr << "account or store-request vectors: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
