// vectors/armor.json: ASCII armor (docs/SPEC.md section 20), valid and refused. Every input is built here as text
// from the spec's rules (libsodium's base64 for the lines), and every outcome is written down, not computed by the
// decoder.
#include "generate_armor.hpp"

#include "hex.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <fstream>
#include <string>
#include <vector>

namespace coffre::vectors {

namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

const std::string kBegin = "-----BEGIN COFFRE ENCRYPTED FILE-----";
const std::string kEnd = "-----END COFFRE ENCRYPTED FILE-----";

Bytes data_of(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 37 + 11);
  return b;
}

std::string base64(const std::uint8_t* p, std::size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the NUL
  return out;
}

// The body lines of `data`: 48 bytes (64 columns) each, the last one shorter.
std::vector<std::string> lines_of(const Bytes& data) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < data.size(); i += 48) lines.push_back(base64(data.data() + i, std::min<std::size_t>(48, data.size() - i)));
  return lines;
}

std::string join(const std::vector<std::string>& lines, const std::string& eol) {
  std::string s;
  for (const auto& l : lines) s += l + eol;
  return s;
}

// The canonical armor of `data` (the writer's form).
std::string canonical(const Bytes& data) { return kBegin + "\n" + join(lines_of(data), "\n") + kEnd + "\n"; }

class Writer {
 public:
  void valid(const std::string& what, const std::string& comment, const std::string& armored, const Bytes& data,
             bool is_canonical) {
    json& v = add(what, comment, armored, "success");
    v["data"] = to_hex(data);
    v["canonical"] = is_canonical;
  }
  void refused(const std::string& what, const std::string& comment, const std::string& armored,
               const std::string& problem, std::uint64_t line) {
    json& v = add(what, comment, armored, "armor_invalid");
    v["problem"] = problem;
    v["line"] = line;
  }
  void save(const std::string& path) {
    json doc = {{"format", "coffre-armor-vectors"},
                {"spec_version", 1},
                {"title", "ASCII armor of coffre encrypt -a (docs/SPEC.md section 20)"},
                {"generator", "vectors/src/generate_armor.cpp"},
                {"vectors", std::move(list_)}};
    std::ofstream(path) << doc.dump(1) << "\n";
  }

 private:
  json& add(const std::string& what, const std::string& comment, const std::string& armored,
            const std::string& expect) {
    list_.push_back({{"name", expect + "/" + what},
                     {"comment", comment},
                     {"armored", to_hex({reinterpret_cast<const std::uint8_t*>(armored.data()), armored.size()})},
                     {"expect", expect}});
    return list_.back();
  }
  json list_ = json::array();
};

void valid_inputs(Writer& w) {
  for (std::size_t n : {0, 1, 2, 3, 47, 48, 49, 96, 100, 1000}) {
    w.valid("canonical_" + std::to_string(n), std::to_string(n) + " bytes as the writer writes them",
            canonical(data_of(n)), data_of(n), true);
  }
  const Bytes d = data_of(100);  // lines of 64, 64, 8 columns
  const auto lines = lines_of(d);
  w.valid("crlf", "every line ends with CR LF", kBegin + "\r\n" + join(lines, "\r\n") + kEnd + "\r\n", d, false);
  w.valid("no_final_eol", "no line ending after the END line", kBegin + "\n" + join(lines, "\n") + kEnd, d, false);
  w.valid("crlf_no_final_eol", "CR LF lines, nothing after the END line",
          kBegin + "\r\n" + join(lines, "\r\n") + kEnd, d, false);
  w.valid("trailing_whitespace", "spaces, TABs, CRs and LFs after the END line",
          canonical(d) + "\n\n  \t\r\n \n", d, false);
  w.valid("crlf_trailing_lf", "CR LF lines, then bare LFs after the END line (the trailer is any whitespace)",
          kBegin + "\r\n" + join(lines, "\r\n") + kEnd + "\r\n\n\n", d, false);
}

void refused_inputs(Writer& w) {
  const Bytes d = data_of(100);
  const auto lines = lines_of(d);  // 64, 64, 8 columns ("...==" none: 100 = 33*3 + 1, so the last ends in "==")
  const std::string body = join(lines, "\n");
  auto with_lines = [&](std::vector<std::string> ls) { return kBegin + "\n" + join(ls, "\n") + kEnd + "\n"; };

  w.refused("begin_empty", "empty input", "", "begin_line", 1);
  w.refused("begin_age", "age's label", "-----BEGIN AGE ENCRYPTED FILE-----\n" + body + kEnd + "\n", "begin_line", 1);
  w.refused("begin_lowercase", "the label in lower case",
            "-----BEGIN coffre ENCRYPTED FILE-----\n" + body + kEnd + "\n", "begin_line", 1);
  w.refused("begin_trailing_space", "a space after the BEGIN line", kBegin + " \n" + body + kEnd + "\n", "begin_line",
            1);
  w.refused("begin_leading_space", "a space before the BEGIN line", " " + canonical(d), "begin_line", 1);
  w.refused("begin_cut", "the BEGIN line cut", kBegin.substr(0, 20), "begin_line", 1);
  w.refused("begin_overlong", "a first line of 80 dashes", std::string(80, '-') + "\n", "begin_line", 1);

  w.refused("eol_lf_after_crlf", "the BEGIN line ends with CR LF, the second body line with LF",
            kBegin + "\r\n" + lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r\n" + kEnd + "\r\n", "line_ending",
            3);
  w.refused("eol_crlf_after_lf", "the BEGIN line ends with LF, a body line with CR LF",
            kBegin + "\n" + lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\n" + kEnd + "\n", "line_ending", 2);
  w.refused("eol_lone_cr", "a lone CR inside a body line",
            with_lines({lines[0], lines[1].substr(0, 10) + "\r" + lines[1].substr(10), lines[2]}), "line_ending", 3);
  w.refused("eol_end_cr_only", "the END line ends with a lone CR at the end of input (LF lines)",
            kBegin + "\n" + body + kEnd + "\r", "line_ending", 5);
  w.refused("eol_end_crlf_in_lf_file", "the END line ends with CR LF, the others with LF",
            kBegin + "\n" + body + kEnd + "\r\n", "line_ending", 5);

  w.refused("length_65", "a body line of 65 columns (one byte moved up from the next line)",
            with_lines({lines[0] + lines[1].substr(0, 1), lines[1].substr(1), lines[2]}), "line_length", 2);
  w.refused("length_overlong", "a body line of 100 columns", with_lines({lines[0] + lines[1].substr(0, 36)}),
            "line_length", 2);
  w.refused("length_short_not_last", "a line of 60 columns followed by more lines (wrapped at 60)",
            with_lines({lines[0].substr(0, 60), lines[0].substr(60) + lines[1].substr(0, 56), lines[1].substr(56) +
                        lines[2]}), "line_length", 2);
  w.refused("length_padded_not_last", "a padded line of 64 columns followed by another line",
            with_lines({base64(d.data(), 47), base64(d.data() + 47, 48)}), "line_length", 2);
  w.refused("length_empty_line", "an empty line between two body lines", with_lines({lines[0], "", lines[1], lines[2]}),
            "line_length", 3);
  w.refused("length_empty_line_before_end", "an empty line before the END line",
            with_lines({lines[0], lines[1], lines[2], ""}), "line_length", 5);

  w.refused("char_space", "a space inside a body line",
            with_lines({lines[0], lines[1].substr(0, 30) + " " + lines[1].substr(31), lines[2]}), "base64_character", 3);
  w.refused("char_tab_end", "a TAB at the end of the last line (7 + TAB)",
            with_lines({lines[0], lines[1], lines[2].substr(0, 7) + "\t"}), "base64_character", 4);
  w.refused("char_trailing_space", "a space after the last line's padding (9 columns)",
            with_lines({lines[0], lines[1], lines[2] + " "}), "base64_character", 4);
  w.refused("char_url_safe", "the URL-safe '_' for '/'",
            with_lines({lines[0], lines[1].substr(0, 5) + "_" + lines[1].substr(6), lines[2]}), "base64_character", 3);
  w.refused("char_nul", "a NUL byte in a line",
            with_lines({lines[0].substr(0, 8) + std::string(1, '\0') + lines[0].substr(9), lines[1], lines[2]}),
            "base64_character", 2);

  w.refused("padding_missing", "the last line without its '=='",
            with_lines({lines[0], lines[1], lines[2].substr(0, 6)}), "padding", 4);
  w.refused("padding_three", "the last line ends in '==='",
            with_lines({lines[0], lines[1], lines[2].substr(0, 5) + "==="}), "padding", 4);
  w.refused("padding_inside", "'=' inside the first group of the last line",
            with_lines({lines[0], lines[1], "QQ==" + lines[2].substr(4)}), "padding", 4);
  w.refused("padding_unpadded_cut", "a 2-column last line", with_lines({lines[0], lines[1], "QQ"}), "padding", 4);

  w.refused("non_canonical_4_bits", "one byte as 'QR==' (unused bits 0001)", kBegin + "\nQR==\n" + kEnd + "\n",
            "non_canonical", 2);
  w.refused("non_canonical_2_bits", "two bytes as 'QUJ=' (unused bits 01)", kBegin + "\nQUJ=\n" + kEnd + "\n",
            "non_canonical", 2);

  w.refused("end_age", "age's END line", kBegin + "\n" + body + "-----END AGE ENCRYPTED FILE-----\n", "end_line", 5);
  w.refused("end_trailing_space", "a space after the END line", kBegin + "\n" + body + kEnd + " \n", "end_line", 5);
  w.refused("end_no_eol_trailing_space", "a space after the END line, at the end of input",
            kBegin + "\n" + body + kEnd + " ", "end_line", 5);
  w.refused("end_second_begin", "a second BEGIN line where the END line should be",
            kBegin + "\n" + body + kBegin + "\n", "end_line", 5);

  w.refused("missing_end", "the END line left out", kBegin + "\n" + body, "missing_end", 5);
  w.refused("missing_end_cut_line", "cut inside the second body line", kBegin + "\n" + lines[0] + "\n" +
            lines[1].substr(0, 20), "missing_end", 3);
  w.refused("missing_end_begin_only", "only the BEGIN line", kBegin + "\n", "missing_end", 2);
  w.refused("missing_end_begin_no_eol", "only the BEGIN line, without its LF", kBegin, "missing_end", 1);
  w.refused("missing_end_cut_end", "cut inside the END line", kBegin + "\n" + body + kEnd.substr(0, 20), "missing_end",
            5);

  w.refused("trailing_garbage", "a word after the END line", canonical(d) + "garbage", "trailing_data", 6);
  w.refused("trailing_after_blank", "text after blank lines", canonical(d) + "\n\nmore\n", "trailing_data", 8);
  w.refused("trailing_second_armor", "a second armored file after the first", canonical(d) + canonical(d),
            "trailing_data", 6);
}

}  // namespace

void write_armor_vectors(const std::string& path) {
  Writer w;
  valid_inputs(w);
  refused_inputs(w);
  w.save(path);
}

}  // namespace coffre::vectors
