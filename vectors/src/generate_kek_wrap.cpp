// vectors/kek_wrap.json: data-key wraps under a key-encryption key (docs/SPEC.md section 21). Valid wraps come from
// the library with a DeterministicRng (their seed is in the vector, so a replayer can make them again); every refused
// one is a valid wrap altered here, or unwrapped with another KEK or context, its outcome written from the spec.
#include "generate_kek_wrap.hpp"

#include "hex.hpp"

#include <coffre/coffre.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

// Offsets of section 21.
constexpr std::size_t kVersionAt = 4, kNonceAt = 5, kKeyCommitAt = 29, kCtxCommitAt = 61, kSealedAt = 77;

Bytes bytes_of(std::uint8_t first, std::uint8_t step, std::size_t n = 32) {
  Bytes k(n);
  for (std::size_t i = 0; i < n; ++i) k[i] = static_cast<std::uint8_t>(first + step * i);
  return k;
}

std::array<std::uint8_t, 32> seed_of(std::uint8_t n) {
  std::array<std::uint8_t, 32> s{};
  s.fill(n);
  return s;
}

Bytes text_bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string_view view(const Bytes& b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + std::string(error_code(r.error())));
  return std::move(r).take();
}

struct Case {
  Bytes kek, data_key, label, key_id;
  std::uint8_t rng_seed = 0;
};

Bytes wrap(const Case& c) {
  auto kek = must(KeyEncryptionKey::from_bytes(c.kek), "kek");
  auto key = must(ContentKey::from_bytes(c.data_key), "data key");
  DeterministicRng rng(seed_of(c.rng_seed));
  auto w = must(wrap_data_key(kek, key, {view(c.label), view(c.key_id)}, rng), "wrap");
  return {w.begin(), w.end()};
}

class Writer {
 public:
  // A wrap made by the library from `c` with DeterministicRng(rng_seed), which opens with c's KEK and context.
  void valid(const std::string& what, const std::string& comment, const Case& c) {
    json& v = add("success/" + what, comment, c.kek, c.label, c.key_id, wrap(c), "success");
    v["data_key"] = to_hex(c.data_key);
    v["rng_seed"] = to_hex(seed_of(c.rng_seed));
  }
  // `wrapped` opened with (kek, label, key_id) must fail with `expect`.
  void refused(const std::string& what, const std::string& comment, const Bytes& kek, const Bytes& label,
               const Bytes& key_id, const Bytes& wrapped, const std::string& expect) {
    add(expect + "/" + what, comment, kek, label, key_id, wrapped, expect);
  }
  void save(const std::string& path) {
    json doc = {{"format", "coffre-kek-wrap-vectors"},
                {"spec_version", 1},
                {"title", "Data-key wraps under a key-encryption key (docs/SPEC.md section 21)"},
                {"generator", "vectors/src/generate_kek_wrap.cpp"},
                {"vectors", std::move(list_)}};
    std::ofstream(path) << doc.dump(1) << "\n";
  }

 private:
  json& add(const std::string& name, const std::string& comment, const Bytes& kek, const Bytes& label,
            const Bytes& key_id, const Bytes& wrapped, const std::string& expect) {
    list_.push_back({{"name", name}, {"comment", comment}, {"kek", to_hex(kek)}, {"label", to_hex(label)},
                     {"key_id", to_hex(key_id)}, {"wrapped", to_hex(wrapped)}, {"expect", expect}});
    return list_.back();
  }
  json list_ = json::array();
};

Bytes flipped(Bytes b, std::size_t at) {
  b.at(at) ^= 0x01;
  return b;
}
Bytes cut(const Bytes& b, std::size_t n) { return {b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)}; }

void valid_wraps(Writer& w, const Case& base) {
  w.valid("label_and_key_id", "a label and a KMS key id", base);
  Case c = base;
  c.key_id = {};
  c.rng_seed = 2;
  w.valid("no_key_id", "an empty key id", c);
  c = base;
  c.label = Bytes(DataKeyContext::kMaxSize, 'L');
  c.key_id = Bytes(DataKeyContext::kMaxSize, 'K');
  c.rng_seed = 3;
  w.valid("max_sizes", "a label and a key id of 1024 bytes each", c);
  c = base;
  c.label = {'x'};
  c.key_id = {0x00, 0xff, 0xc3, 0x28, 0x0a};
  c.data_key = Bytes(32, 0);
  c.rng_seed = 4;
  w.valid("binary_key_id_zero_key", "a one-byte label, a key id that is not UTF-8 (NUL, 0xff, a cut sequence), a data "
          "key of 32 zero bytes", c);
}

void refused_wraps(Writer& w, const Case& c) {
  const Bytes good = wrap(c);
  auto refuse = [&](const std::string& what, const std::string& comment, const Bytes& wrapped,
                    const std::string& expect) { w.refused(what, comment, c.kek, c.label, c.key_id, wrapped, expect); };
  // The context, checked before any byte of the wrap.
  w.refused("empty_label", "an empty label, whatever the wrap", c.kek, {}, c.key_id, good, "invalid_argument");
  w.refused("label_1025", "a label of 1025 bytes", c.kek, Bytes(1025, 'L'), c.key_id, good, "invalid_argument");
  w.refused("key_id_1025", "a key id of 1025 bytes, the wrap's bytes wrong too (the context comes first)", c.kek,
            c.label, Bytes(1025, 'K'), text_bytes("garbage"), "invalid_argument");
  // Magic, version and size.
  refuse("magic", "the magic's first byte altered", flipped(good, 0), "bad_magic");
  refuse("magic_cut", "three bytes that already differ from the magic: bad_magic, not truncated",
         text_bytes("CFX"), "bad_magic");
  Bytes document = good;
  std::copy_n("COFFRE", 6, document.begin());
  refuse("document_envelope", "starts like a document envelope (\"COFFRE\")", document, "bad_magic");
  Bytes v2 = good;
  v2[kVersionAt] = 0x02;
  refuse("version_2", "version byte 0x02", v2, "unsupported_version");
  Bytes v0 = good;
  v0[kVersionAt] = 0x00;
  refuse("version_0_cut", "version byte 0x00 in 5 bytes: the version is checked before the size", cut(v0, 5),
         "unsupported_version");
  refuse("empty", "no byte", {}, "truncated");
  refuse("magic_only", "the magic alone", cut(good, 4), "truncated");
  refuse("header_only", "the 77 bytes before the sealed key", cut(good, kSealedAt), "truncated");
  refuse("last_byte_cut", "124 bytes", cut(good, kDataKeyWrapSize - 1), "truncated");
  Bytes longer = good;
  longer.push_back(0);
  refuse("one_byte_more", "126 bytes: a zero byte after the tag", longer, "trailing_data");
  // The KEK and the context.
  w.refused("other_kek", "another KEK", bytes_of(0x90, 3), c.label, c.key_id, good, "wrong_key");
  w.refused("other_label", "another label", c.kek, text_bytes("invoices/2027"), c.key_id, good, "wrong_context");
  w.refused("other_key_id", "another key id (the next KMS key version)", c.kek, c.label,
            text_bytes("projects/p/keyRings/r/cryptoKeys/k/cryptoKeyVersions/2"), good, "wrong_context");
  w.refused("key_id_dropped", "the key id left empty", c.kek, c.label, {}, good, "wrong_context");
  Bytes moved_label = c.label, moved_id = c.key_id;
  moved_label.push_back(moved_id.front());
  moved_id.erase(moved_id.begin());
  w.refused("boundary_moved", "the key id's first byte moved to the end of the label (framed: another context)",
            c.kek, moved_label, moved_id, good, "wrong_context");
  // Each field altered.
  refuse("nonce", "a nonce byte altered: the key commitment no longer matches", flipped(good, kNonceAt + 7),
         "wrong_key");
  refuse("key_commit", "a key-commitment byte altered", flipped(good, kKeyCommitAt + 31), "wrong_key");
  refuse("ctx_commit", "a context-commitment byte altered", flipped(good, kCtxCommitAt), "wrong_context");
  refuse("sealed_key", "a byte of the sealed data key altered", flipped(good, kSealedAt), "wrap_invalid");
  refuse("tag", "the tag's last byte altered", flipped(good, kDataKeyWrapSize - 1), "wrap_invalid");
  Case other = c;
  other.data_key = bytes_of(0x55, 1);
  other.rng_seed = 9;
  Bytes spliced = good;
  const Bytes donor = wrap(other);
  std::copy(donor.begin() + kSealedAt, donor.end(), spliced.begin() + kSealedAt);
  refuse("sealed_key_swapped", "the sealed key and tag of another wrap (same KEK and context, another nonce)",
         spliced, "wrap_invalid");
}

}  // namespace

void write_kek_wrap_vectors(const std::string& path) {
  const Case base{bytes_of(0x10, 7), bytes_of(0xa0, 5), text_bytes("invoices/2026"),
                  text_bytes("projects/p/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1"), 1};
  Writer w;
  valid_wraps(w, base);
  refused_wraps(w, base);
  w.save(path);
}

}  // namespace coffre::vectors
