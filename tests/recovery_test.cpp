// Recovery phrase (docs/SPEC.md section 13): BIP-39's own vectors, the vectors of vectors/recovery.json
// (made by the reference bip39 package and libsodium, not by coffre), round trips, normalization, each failure, and
// the recovery X-Wing key.
#include "hex.hpp"
#include "support.hpp"

#include <coffre/recovery.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace coffre;
using test::Bytes;

namespace {

Bytes hex(std::string_view h) {
  auto b = vectors::from_hex(h);
  REQUIRE(b.has_value());
  return *b;
}

// The words of a phrase as text (test only: copies a secret into a std::string).
std::string words_of(const RecoveryPhrase& p) {
  auto w = p.words();
  REQUIRE(w.ok());
  auto s = w.value().reveal();
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

std::string entropy_hex(const RecoveryPhrase& p) { return vectors::to_hex(p.entropy().reveal()); }

std::vector<std::string> split(const std::string& phrase) {
  std::istringstream in(phrase);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string join(const std::vector<std::string>& words, const std::string& sep = " ") {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
  return out;
}

Error decode_error(std::string_view phrase) {
  auto r = RecoveryPhrase::from_words(phrase);
  CHECK(RecoveryPhrase::check(phrase) == r.error());
  return r.error();
}

// BIP-39's test vectors with 256-bit entropy (entropy, mnemonic), transcribed from Trezor's reference
// implementation: https://github.com/trezor/python-mnemonic/blob/master/vectors.json ("english", the 8 entries with
// 32-byte entropy; commit f5a975ab10c035596d65d854d21164266ffed284). Their seeds (PBKDF2, passphrase "TREZOR") are
// BIP-39's seed derivation, which coffre does not use.
struct Bip39Vector {
  const char* entropy;
  const char* mnemonic;
};
const Bip39Vector kTrezor256[] = {
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon art"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank year wave sausage worth useful legal winner "
     "thank year wave sausage worth title"},
    {"8080808080808080808080808080808080808080808080808080808080808080",
     "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd amount doctor acoustic avoid "
     "letter advice cage absurd amount doctor acoustic bless"},
    {"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote"},
    {"68a79eaca2324873eacc50cb9c6eca8cc68ea5d936f98787c60c7ebc74e6ce7c",
     "hamster diagram private dutch cause delay private meat slide toddler razor book happy fancy gospel tennis maple "
     "dilemma loan word shrug inflict delay length"},
    {"9f6a2878b2520799a44ef18bc7df394e7061a224d2c33cd015b157d746869863",
     "panda eyebrow bullet gorilla call smoke muffin taste mesh discover soft ostrich alcohol speed nation flash "
     "devote level hobby quick inner drive ghost inside"},
    {"066dca1a2bb7e8a1db2832148ce9933eea0f3ac9548d793112d9a95c9407efad",
     "all hour make first leader extend hole alien behind guard gospel lava path output census museum junior mass "
     "reopen famous sing advance salt reform"},
    {"f585c11aec520db57dd353c69554b21a89b20fb0650966fa0a9d6f74fd989d8f",
     "void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group "
     "space point ten exist slush involve unfold"},
};

const std::string kPhrase = kTrezor256[4].mnemonic;  // hamster diagram ...

}  // namespace

TEST_CASE("recovery phrase: BIP-39's 256-bit test vectors (Trezor vectors.json), both ways") {
  for (const auto& v : kTrezor256) {
    CAPTURE(v.entropy);
    auto from_entropy = RecoveryPhrase::from_entropy(hex(v.entropy));
    REQUIRE(from_entropy.ok());
    CHECK(words_of(from_entropy.value()) == v.mnemonic);

    auto from_words = RecoveryPhrase::from_words(v.mnemonic);
    REQUIRE(from_words.ok());
    CHECK(entropy_hex(from_words.value()) == v.entropy);
    CHECK(RecoveryPhrase::check(v.mnemonic) == Error::ok);
    CHECK_FALSE(RecoveryPhrase::first_unknown_word(v.mnemonic).has_value());
  }
}

TEST_CASE("recovery phrase: vectors/recovery.json (bip39 3.1.2 and libsodium 1.0.22)") {
  auto path = std::filesystem::path(COFFRE_VECTORS_DIR) / "recovery.json";
  std::ifstream in(path);
  REQUIRE(in.good());
  auto doc = nlohmann::json::parse(in);
  REQUIRE(doc.at("format") == "coffre-recovery-vectors");
  std::size_t keys = 0, normalized = 0, invalid = 0;
  for (const auto& v : doc.at("vectors")) {
    const auto name = v.at("name").get<std::string>();
    const auto phrase = v.at("phrase").get<std::string>();
    const auto expect = v.at("expect").get<std::string>();
    CAPTURE(name);
    if (expect == "recovery_phrase_invalid") {
      ++invalid;
      CHECK(decode_error(phrase) == Error::recovery_phrase_invalid);
      continue;
    }
    REQUIRE(expect == "success");
    auto decoded = RecoveryPhrase::from_words(phrase);
    REQUIRE(decoded.ok());
    CHECK(entropy_hex(decoded.value()) == v.at("entropy").get<std::string>());
    CHECK(RecoveryPhrase::check(phrase) == Error::ok);
    if (!v.contains("kem_public_key")) {
      ++normalized;
      continue;
    }
    ++keys;
    auto p = RecoveryPhrase::from_entropy(hex(v.at("entropy").get<std::string>()));
    REQUIRE(p.ok());
    CHECK(words_of(p.value()) == phrase);  // canonical form: lowercase, single spaces
    auto sk = p.value().recovery_kem_key();
    REQUIRE(sk.ok());
    CHECK(vectors::to_hex(sk.value().secret().reveal()) == v.at("kem_seed").get<std::string>());
    auto pk = xwing_public_key(sk.value());
    REQUIRE(pk.ok());
    CHECK(vectors::to_hex(pk.value().bytes()) == v.at("kem_public_key").get<std::string>());
  }
  CHECK(keys == 12);
  CHECK(normalized == 13);
  CHECK(invalid == 18);
}

TEST_CASE("recovery phrase: round trip on random entropy") {
  DeterministicRng rng(test::seed(42));
  for (int i = 0; i < 300; ++i) {
    CAPTURE(i);
    auto p = i % 10 == 0 ? RecoveryPhrase::generate(system_rng()) : RecoveryPhrase::generate(rng);
    REQUIRE(p.ok());
    REQUIRE(p.value().entropy().size() == 32);
    const std::string words = words_of(p.value());
    CHECK(split(words).size() == 24);
    CHECK(join(split(words)) == words);  // single spaces, nothing before or after
    auto back = RecoveryPhrase::from_words(words);
    REQUIRE(back.ok());
    CHECK(back.value().entropy().equals(p.value().entropy()));
  }
  // Fresh phrases differ.
  auto a = RecoveryPhrase::generate(system_rng()).take();
  auto b = RecoveryPhrase::generate(system_rng()).take();
  CHECK_FALSE(a.entropy().equals(b.entropy()));
}

TEST_CASE("recovery phrase: normalization (ASCII case, whitespace runs, trimming)") {
  const auto words = split(kPhrase);
  const std::string entropy = kTrezor256[4].entropy;
  std::string upper = kPhrase;
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  const std::string inputs[] = {
      upper,
      "HaMsTeR " + join(std::vector<std::string>(words.begin() + 1, words.end())),
      "   " + join(words, "  ") + "   ",
      join(words, "\t"),
      join(words, "\n"),
      "\r\n" + join(words, "\r\n") + "\r\n",
      join(words, " \t\n\v\f\r "),
  };
  for (const auto& s : inputs) {
    CAPTURE(s);
    auto p = RecoveryPhrase::from_words(s);
    REQUIRE(p.ok());
    CHECK(entropy_hex(p.value()) == entropy);
    CHECK(words_of(p.value()) == kPhrase);  // always given back in canonical form
  }
}

namespace {

// Each ASCII letter of `text` as its full-width form (U+FF41.. for a-z, U+FF21.. for A-Z), in UTF-8.
std::string fullwidth(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ') {
      out += c;
      continue;
    }
    const unsigned cp = 0xff01u + static_cast<unsigned>(c - 0x21);  // U+FF01..U+FF5E: 3 bytes, ef bc/bd xx
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return out;
}

}  // namespace

TEST_CASE("recovery phrase: NFKD (SPEC section 13 step 1) maps compatibility letters to the list's") {
  const auto words = split(kPhrase);
  const std::string entropy = kTrezor256[4].entropy;
  std::string upper = kPhrase;
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  auto ligated = words;  // U+FB06 (st ligature) for the "st" of a word, where there is one
  bool any = false;
  for (auto& w : ligated) {
    if (auto at = w.find("st"); at != std::string::npos) {
      w.replace(at, 2, "\xef\xac\x86");
      any = true;
    }
  }
  REQUIRE(any);
  const std::string inputs[] = {
      fullwidth(kPhrase),                                  // full-width letters (an East Asian input method)
      fullwidth(upper),                                    // ... upper case: NFKD, then ASCII lowercasing
      join(split(fullwidth(kPhrase)), "\xe3\x80\x80"),  // ... and ideographic spaces
      join(ligated),
      "\xf0\x9d\x90\xa1" + kPhrase.substr(1),  // U+1D421 MATHEMATICAL BOLD SMALL H for the "h" of "hamster"
  };
  for (const auto& s : inputs) {
    CAPTURE(s);
    auto p = RecoveryPhrase::from_words(s);
    REQUIRE(p.ok());
    CHECK(entropy_hex(p.value()) == entropy);
    CHECK(words_of(p.value()) == kPhrase);
    CHECK(RecoveryPhrase::check(s) == Error::ok);
    CHECK_FALSE(RecoveryPhrase::first_unknown_word(s).has_value());
  }
  // What NFKD keeps is still not a word: an accent (U+00E9 and e + U+0301 alike), a zero-width space.
  for (const char* accent : {"\xc3\xa9", "e\xcc\x81"}) {
    auto accented = words;
    accented[5] += accent;
    CHECK(RecoveryPhrase::check(join(accented)) == Error::recovery_phrase_invalid);
    CHECK(RecoveryPhrase::first_unknown_word(join(accented)) == 5u);
  }
  // Not UTF-8 (a Latin-1 byte, a cut sequence, an overlong space, a surrogate): refused; a UI is pointed at the word.
  for (const char* bad : {"\xe9", "\xe3\x80", "\xc0\xa0", "\xed\xa0\x80"}) {
    CAPTURE(bad);
    auto broken = words;
    broken[3] += bad;
    CHECK(RecoveryPhrase::check(join(broken)) == Error::recovery_phrase_invalid);
    CHECK(RecoveryPhrase::from_words(join(broken)).error() == Error::recovery_phrase_invalid);
    CHECK(RecoveryPhrase::first_unknown_word(join(broken)) == 3u);
  }
}

TEST_CASE("recovery phrase: each failure is recovery_phrase_invalid") {
  const auto words = split(kPhrase);
  auto without_last = words;
  without_last.pop_back();
  auto with_extra = words;
  with_extra.push_back("abandon");

  SUBCASE("word count") {
    CHECK(decode_error("") == Error::recovery_phrase_invalid);
    CHECK(decode_error(" \t\r\n ") == Error::recovery_phrase_invalid);
    CHECK(decode_error(join(without_last)) == Error::recovery_phrase_invalid);  // 23
    CHECK(decode_error(join(with_extra)) == Error::recovery_phrase_invalid);    // 25
    CHECK(decode_error(kPhrase + " " + kPhrase) == Error::recovery_phrase_invalid);
    CHECK(decode_error(kTrezor256[0].mnemonic + std::string(" ") + "x") == Error::recovery_phrase_invalid);
    // A valid 12-word BIP-39 phrase (128-bit entropy) is not a recovery phrase.
    CHECK(decode_error("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                       "about") == Error::recovery_phrase_invalid);
  }
  SUBCASE("unknown word, and where it is") {
    auto typo = words;
    typo[7] = "mead";  // "meat" mistyped; also a prefix of "meadow"
    CHECK(decode_error(join(typo)) == Error::recovery_phrase_invalid);
    CHECK(RecoveryPhrase::first_unknown_word(join(typo)) == 7u);
    CHECK(RecoveryPhrase::first_unknown_word("  " + join(typo, " \n ")) == 7u);  // position after normalization
    typo[20] = "coffre";
    CHECK(RecoveryPhrase::first_unknown_word(join(typo)) == 7u);
    typo[3] = "DUTCHX";
    CHECK(RecoveryPhrase::first_unknown_word(join(typo)) == 3u);
    CHECK(RecoveryPhrase::first_unknown_word("abandon") == std::nullopt);  // while typing: any number of words
    CHECK(RecoveryPhrase::first_unknown_word("") == std::nullopt);
    CHECK(RecoveryPhrase::first_unknown_word("ABANDON Zoo abili") == 2u);
    CHECK(RecoveryPhrase::first_unknown_word("zoo zoology") == 1u);  // longer than any word
    CHECK(RecoveryPhrase::first_unknown_word("zoo zo") == 1u);
    auto prefixes = words;
    for (auto& w : prefixes) w = w.substr(0, 4);  // BIP-39 words are unique in 4 letters; prefixes still fail
    CHECK(decode_error(join(prefixes)) == Error::recovery_phrase_invalid);
  }
  SUBCASE("bad checksum") {
    // Swapping two different words keeps every word known and breaks the checksum (for this phrase).
    auto swapped = words;
    std::swap(swapped[0], swapped[1]);
    CHECK(decode_error(join(swapped)) == Error::recovery_phrase_invalid);
    CHECK(RecoveryPhrase::first_unknown_word(join(swapped)) == std::nullopt);
    // The last word carries 3 bits of entropy and the 8 checksum bits: "zoo" (2047) is wrong here, "vote" is right.
    auto all_zoo = split(kTrezor256[3].mnemonic);
    all_zoo.back() = "zoo";
    CHECK(decode_error(join(all_zoo)) == Error::recovery_phrase_invalid);
    // Changing any single word of a valid phrase to its neighbour in the list breaks it.
    for (std::size_t i = 0; i < 24; ++i) {
      auto changed = split(kTrezor256[0].mnemonic);  // abandon (0) ... art
      changed[i] = i == 23 ? "arrow" : "ability";    // the neighbours of "art" and "abandon" in the list
      CAPTURE(i);
      CHECK(decode_error(join(changed)) == Error::recovery_phrase_invalid);
    }
  }
  SUBCASE("non-ASCII bytes") {
    auto accented = words;
    accented[2] = "privat\xc3\xa9";  // privaté
    CHECK(decode_error(join(accented)) == Error::recovery_phrase_invalid);
    CHECK(RecoveryPhrase::first_unknown_word(join(accented)) == 2u);
    CHECK(decode_error("\xef\xbb\xbf" + kPhrase) == Error::recovery_phrase_invalid);  // a UTF-8 byte order mark
    CHECK(decode_error(kPhrase + "\x80") == Error::recovery_phrase_invalid);          // not even UTF-8
  }
  SUBCASE("non-ASCII spaces: those that NFKD maps to U+0020 separate words, no other") {
    const auto expected = entropy_hex(RecoveryPhrase::from_words(kPhrase).take());
    // U+00A0, U+2000-U+200A, U+202F, U+205F, U+3000 in UTF-8.
    std::vector<std::string> spaces{"\xc2\xa0", "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"};
    for (char c = '\x80'; c != '\x8b'; ++c) spaces.push_back(std::string("\xe2\x80") + c);
    REQUIRE(spaces.size() == 15);
    for (const auto& sp : spaces) {
      CAPTURE(vectors::to_hex(std::span(reinterpret_cast<const std::uint8_t*>(sp.data()), sp.size())));
      auto p = RecoveryPhrase::from_words(sp + join(words, sp) + " " + sp + "\t");
      REQUIRE(p.ok());
      CHECK(entropy_hex(p.value()) == expected);
      // Glued to a word it still separates; a truncated one does not (a non-ASCII byte in a word).
      CHECK(RecoveryPhrase::from_words(words[0] + sp + join(std::vector(words.begin() + 1, words.end()))).ok());
      CHECK(decode_error(join(words, sp.substr(0, sp.size() - 1))) == Error::recovery_phrase_invalid);
    }
    // A run of mixed spaces counts once.
    CHECK(RecoveryPhrase::from_words(join(words, " \xc2\xa0\xe3\x80\x80\t")).ok());
    // Other non-ASCII spaces and separators, whose NFKD is not U+0020 (U+200B, U+1680, U+2028, U+FEFF, U+0085), and
    // the neighbours of the accepted ones (U+202E, U+205E, U+3001, U+00A1).
    for (const char* other : {"\xe2\x80\x8b", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xef\xbb\xbf", "\xc2\x85",
                              "\xe2\x80\xae", "\xe2\x81\x9e", "\xe3\x80\x81", "\xc2\xa1"}) {
      CAPTURE(other);
      CHECK(decode_error(join(words, other)) == Error::recovery_phrase_invalid);
    }
    CHECK(RecoveryPhrase::first_unknown_word(join(words, "\xe3\x80\x80")) == std::nullopt);
  }
  SUBCASE("other ASCII") {
    CHECK(decode_error(join(words, ",")) == Error::recovery_phrase_invalid);
    CHECK(decode_error(kPhrase + ".") == Error::recovery_phrase_invalid);
    CHECK(decode_error(std::string(kPhrase) + std::string(1, '\0')) == Error::recovery_phrase_invalid);
    auto with_nul = words;
    with_nul[23] = std::string("length") + '\0';
    CHECK(decode_error(join(with_nul)) == Error::recovery_phrase_invalid);
    CHECK(decode_error(kPhrase + " 1") == Error::recovery_phrase_invalid);
  }
}

TEST_CASE("recovery phrase: from_entropy sizes, moved-from phrases, error code") {
  CHECK(RecoveryPhrase::from_entropy(Bytes(31)).error() == Error::invalid_argument);
  CHECK(RecoveryPhrase::from_entropy(Bytes(33)).error() == Error::invalid_argument);
  CHECK(RecoveryPhrase::from_entropy({}).error() == Error::invalid_argument);
  CHECK(RecoveryPhrase::from_entropy(Bytes(32)).ok());

  auto p = RecoveryPhrase::from_words(kPhrase).take();
  RecoveryPhrase moved = std::move(p);
  CHECK(words_of(moved) == kPhrase);
  CHECK(p.entropy().size() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(p.words().error() == Error::invalid_argument);
  CHECK(p.recovery_kem_key().error() == Error::invalid_argument);

  CHECK(error_code(Error::recovery_phrase_invalid) == "recovery_phrase_invalid");
  CHECK(static_cast<int>(Error::recovery_phrase_invalid) == 32);
}

TEST_CASE("recovery phrase: the recovery X-Wing key is deterministic in the entropy, and only in it") {
  auto p1 = RecoveryPhrase::from_words(kPhrase).take();
  auto p2 = RecoveryPhrase::from_words("  " + std::string(kPhrase) + "\n").take();
  auto k1 = p1.recovery_kem_key().take();
  auto k2 = p2.recovery_kem_key().take();
  auto k1_again = p1.recovery_kem_key().take();
  CHECK(k1.secret().equals(k2.secret()));
  CHECK(k1.secret().equals(k1_again.secret()));
  CHECK(xwing_public_key(k1).take() == xwing_public_key(k2).take());
  // The seed is derived from the entropy, not the entropy itself.
  CHECK(k1.secret().size() == 32);
  CHECK_FALSE(k1.secret().equals(p1.entropy()));

  auto other = RecoveryPhrase::from_entropy(hex(kTrezor256[5].entropy)).take();
  auto k3 = other.recovery_kem_key().take();
  CHECK_FALSE(k3.secret().equals(k1.secret()));
  CHECK_FALSE(xwing_public_key(k3).take() == xwing_public_key(k1).take());

  // The key works: a secret encapsulated to the recovery public key decapsulates with a key re-derived from the words.
  auto enc = xwing_encapsulate(xwing_public_key(k1).take(), system_rng()).take();
  auto ss = xwing_decapsulate(RecoveryPhrase::from_words(kPhrase).take().recovery_kem_key().take(), enc.ciphertext);
  REQUIRE(ss.ok());
  CHECK(ss.value().equals(enc.shared_secret));
}
