// vectors/keyfile.json: symmetric key files (docs/SPEC.md section 19), valid and refused. Every file is built here
// byte by byte and every outcome is written down from the spec's rules, not by running the parser.
#include "generate_key_file.hpp"

#include "hex.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

const std::string kPrefix = "coffre-key-v1:";
const std::string kKeygenComment =
    "# coffre symmetric key (coffre keygen --symmetric). Keep this file secret: anyone who has it can decrypt the\n"
    "# files encrypted with it. Losing it loses those files.\n";

Bytes key_of(std::uint8_t first, std::uint8_t step) {
  Bytes k(32);
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(first + step * i);
  return k;
}

// Standard base64 with padding (RFC 4648 section 4), of any length.
std::string base64(const Bytes& b) {
  std::string out(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the NUL
  return out;
}

class Writer {
 public:
  void valid(const std::string& what, const std::string& comment, const std::string& file, const Bytes& key) {
    add(what, comment, file, "success")["key"] = to_hex(key);
  }
  void refused(const std::string& what, const std::string& comment, const std::string& file) {
    add(what, comment, file, "invalid_argument");
  }
  void save(const std::string& path) {
    json doc = {{"format", "coffre-keyfile-vectors"},
                {"spec_version", 1},
                {"title", "Symmetric key files of coffre keygen --symmetric (docs/SPEC.md section 19)"},
                {"generator", "vectors/src/generate_key_file.cpp"},
                {"vectors", std::move(list_)}};
    std::ofstream(path) << doc.dump(1) << "\n";
  }

 private:
  json& add(const std::string& what, const std::string& comment, const std::string& file, const std::string& expect) {
    list_.push_back({{"name", expect + "/" + what},
                     {"comment", comment},
                     {"file", to_hex({reinterpret_cast<const std::uint8_t*>(file.data()), file.size()})},
                     {"expect", expect}});
    return list_.back();
  }
  json list_ = json::array();
};

// A file of exactly `size` bytes: a comment line of '#' padding, then `key_line` and LF.
std::string padded_to(std::size_t size, const std::string& key_line) {
  const std::size_t comment = size - key_line.size() - 2;  // the comment's LF and the key line's LF
  return std::string(comment, '#') + "\n" + key_line + "\n";
}

void valid_files(Writer& w, const Bytes& key, const std::string& line) {
  w.valid("keygen", "as coffre keygen --symmetric writes it: two comment lines, the key line, LF", kKeygenComment +
          line + "\n", key);
  w.valid("key_line_only", "the key line alone", line + "\n", key);
  w.valid("no_final_lf", "the key line without a final LF", line, key);
  w.valid("crlf", "every line ends with CR LF", "# comment\r\n" + line + "\r\n", key);
  w.valid("cr_lf_empty_lines", "lines of a lone CR are empty lines", "\r\n\r\n" + line + "\r\n\r\n", key);
  w.valid("comments_around", "empty lines and comments before and after the key line, a bare '#'",
          "\n# first\n\n#\n" + line + "\n\n# after\n#", key);
  w.valid("comment_any_bytes", "a comment holds any bytes but LF: NUL, 0xff, CR, TAB, 'coffre-key-v1:'",
          std::string("#\0\xff\r\t", 5) + " coffre-key-v1:x\n" + line + "\n", key);
  w.valid("comment_mid_cr", "a CR inside a comment line does not end it",
          "# old\rcoffre-key-v1:AAAA\n" + line + "\n", key);
  w.valid("size_4096", "exactly 4096 bytes", padded_to(4096, line), key);
  const Bytes zeros(32, 0);
  w.valid("key_zero", "32 zero bytes: every character 'A', then the padding", kPrefix + base64(zeros) + "\n", zeros);
  const Bytes plus_slash = {0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe,
                            0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff,
                            0x00, 0x10};
  w.valid("alphabet_plus_slash", "a key whose base64 holds '+' and '/'", kPrefix + base64(plus_slash) + "\n",
          plus_slash);
}

void refused_files(Writer& w, const Bytes& key, const std::string& line) {
  const std::string b64 = line.substr(kPrefix.size());
  auto with_b64 = [&](const std::string& text) { return kPrefix + text + "\n"; };
  w.refused("empty", "an empty file", "");
  w.refused("comments_only", "comments and empty lines, no key line", kKeygenComment + "\n#\n");
  w.refused("size_4097", "4097 bytes, the key line valid", padded_to(4097, line));
  w.refused("two_key_lines_same", "the same key line twice", line + "\n" + line + "\n");
  w.refused("two_key_lines_different", "two key lines, different keys",
            line + "\n" + kPrefix + base64(Bytes(32, 0)) + "\n");
  w.refused("other_line", "a line that is neither a comment nor a key line", "hello\n" + line + "\n");
  w.refused("space_only_line", "a line holding one space is not empty", "# k\n \n" + line + "\n");
  w.refused("indented_comment", "'#' after a space does not start a comment", "  # comment\n" + line + "\n");
  w.refused("bom", "a UTF-8 byte order mark before the first comment", "\xef\xbb\xbf" + kKeygenComment + line + "\n");
  w.refused("leading_space", "a space before the prefix", " " + line + "\n");
  w.refused("space_after_prefix", "a space between the prefix and the base64", with_b64(" " + b64));
  w.refused("trailing_space", "a space after the padding", line + " \n");
  w.refused("trailing_tab", "a TAB after the padding", line + "\t\n");
  w.refused("trailing_nul", "a NUL after the padding", line + std::string(1, '\0') + "\n");
  w.refused("cr_cr_lf", "only one CR before LF is dropped", line + "\r\r\n");
  w.refused("cr_only_line_ends", "lone CRs do not end lines: one comment line, no key line",
            "# comment\r" + line + "\r");
  w.refused("prefix_uppercase", "the prefix is case-sensitive", "COFFRE-KEY-V1:" + b64 + "\n");
  w.refused("prefix_v2", "another version", "coffre-key-v2:" + b64 + "\n");
  w.refused("prefix_no_colon", "the prefix without its colon", "coffre-key-v1" + b64 + "\n");
  w.refused("base64_on_next_line", "the prefix alone, the base64 on the next line", kPrefix + "\n" + b64 + "\n");
  w.refused("base64_split", "the base64 split over two lines",
            kPrefix + b64.substr(0, 22) + "\n" + b64.substr(22) + "\n");
  w.refused("no_padding", "the base64 without its '='", with_b64(b64.substr(0, 43)));
  w.refused("double_padding", "'==' after 32 bytes", with_b64(b64 + "="));
  w.refused("urlsafe_alphabet", "'-' and '_' (the URL-safe alphabet) instead of '+' and '/'", [&] {
    std::string t = base64({0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe,
                            0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff, 0xfb, 0xef, 0xbe, 0xff, 0xff, 0xff,
                            0x00, 0x10});
    for (char& c : t) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return with_b64(t);
  }());
  std::string noncanonical = base64(Bytes(32, 0));
  noncanonical[42] = 'B';  // 'A' with a nonzero unused bit: decodes to the same 32 bytes
  w.refused("nonzero_unused_bits", "the last character before '=' has a nonzero unused bit", with_b64(noncanonical));
  std::string inner_space = b64;
  inner_space.insert(20, " ");
  w.refused("space_inside", "a space inside the base64", with_b64(inner_space));
  w.refused("key_31_bytes", "the padded base64 of 31 bytes", with_b64(base64(Bytes(key.begin(), key.end() - 1))));
  Bytes longer = key;
  longer.push_back(0x42);
  w.refused("key_33_bytes", "the base64 of 33 bytes (44 characters, no padding)", with_b64(base64(longer)));
  Bytes key64 = key;
  key64.insert(key64.end(), key.begin(), key.end());
  w.refused("key_64_bytes", "the padded base64 of 64 bytes", with_b64(base64(key64)));
  w.refused("hex_key", "the key in hex", with_b64(to_hex(key)));
}

}  // namespace

void write_key_file_vectors(const std::string& path) {
  const Bytes key = key_of(0x3c, 0x51);
  const std::string line = kPrefix + base64(key);
  if (line.size() != kPrefix.size() + 44 || line.back() != '=') throw std::logic_error("key line layout");
  Writer w;
  valid_files(w, key, line);
  refused_files(w, key, line);
  w.save(path);
}

}  // namespace coffre::vectors
