// coffre inspect: the public fields of a header, and the sizes that follow from the file size. No key needed and
// nothing authenticated: a forged header shows forged fields, and a file cut or extended at a chunk boundary shows
// consistent but wrong sizes (size_authenticated is always false; decrypting checks them). A shared file (SPEC 15.2)
// shows its prefix (owner and document id), then its file envelope.
#include "armor_io.hpp"
#include "commands.hpp"
#include "io.hpp"
#include "sharing_cmds.hpp"
#include "store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>

namespace coffre::cli {

namespace {

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// The rest of the input's size, for pipes (read and dropped).
Status count_rest(const Input& in, std::uint64_t& total) {
  std::array<std::uint8_t, 1 << 16> buf;
  for (;;) {
    std::size_t got = 0;
    if (Status s = read_full(in.fd(), buf.data(), buf.size(), got, in.name()); !s.ok()) return s;
    total += got;
    if (got < buf.size()) return Status::success();
  }
}

// The shared-file prefix at the start of `head`, if there is one: its fields into `j`, its size into `prefix`.
Status inspect_shared_prefix(std::span<const std::uint8_t> head, const std::string& name, nlohmann::ordered_json& j,
                             std::size_t& prefix) {
  prefix = 0;
  if (head.size() < kSharedMagic.size() || !std::equal(kSharedMagic.begin(), kSharedMagic.end(), head.begin())) {
    return Status::success();
  }
  if (head.size() < kSharedPrefixSize) {
    return Status::fail(kExitAuth, name + " ends inside its shared-file prefix (truncated)", "truncated");
  }
  if (head[4] != kSharedVersion) {
    return Status::fail(kExitAuth, name + " is a shared file of an unknown version " + std::to_string(head[4]) +
                                       " (bad_version)", "bad_version");
  }
  j["format"] = "coffre-shared-file";
  j["shared_version"] = head[4];
  j["owner"] = to_hex(head.subspan(5, UserId::kSize));
  j["document_id"] = to_hex(head.subspan(5 + UserId::kSize, DocumentId::kSize));
  j["prefix_size"] = kSharedPrefixSize;
  prefix = kSharedPrefixSize;
  return Status::success();
}

}  // namespace

int cmd_inspect(const std::string& path, bool as_json) {
  Input in;
  if (Status s = in.open(path); !s.ok()) return report(s);
  std::array<std::uint8_t, kSharedPrefixSize + kFileHeaderMaxSize> buf{};
  std::size_t got = 0;
  ArmorReader armor;  // armored input (SPEC section 20): the fields and sizes are the decoded file's
  if (Status s = read_start(in, armor, buf, got); !s.ok()) return report(armor.conclude(s));
  std::uint64_t total = got;
  if (in.size()) {
    total = *in.size();
  } else if (got == buf.size()) {
    if (Status s = count_rest(in, total); !s.ok()) return report(armor.conclude(s));
  }
  // The whole input was read: an armor that does not check out shows nothing.
  if (Status s = armor.conclude(Status::success()); !s.ok()) return report(s);

  nlohmann::ordered_json j;
  std::size_t prefix = 0;
  if (Status s = inspect_shared_prefix({buf.data(), got}, in.name(), j, prefix); !s.ok()) return report(s);
  const bool shared = prefix > 0;
  const std::uint8_t* head = buf.data() + prefix;
  got -= prefix;
  const std::uint64_t envelope_size = total - prefix;

  auto r = inspect_file_header({head, got});
  bool document = !shared && r.error() == Error::wrong_envelope_type && got >= 14 && head[6] == 'D';
  if (!r && !document) {
    return report(Status::fail(kExitAuth, in.name() + " is not a readable coffre file: " +
                                              std::string(error_message(r.error())) + " (" +
                                              std::string(error_code(r.error())) + ")",
                               std::string(error_code(r.error()))));
  }
  bool sizes_fit = false;
  if (document) {
    // docs/SPEC.md 4: magic, type 'D', version, suite, reserved, key_version; 102 bytes of overhead.
    j["format"] = "coffre-document";
    j["version"] = head[7];
    j["suite"] = head[8];
    j["key_version"] = be32(&head[10]);
    j["header_size"] = 86;
    j["file_size"] = total;
    sizes_fit = total >= kDocumentOverhead;
    if (sizes_fit) j["plaintext_size"] = total - kDocumentOverhead;
  } else {
    const FileHeaderInfo& info = r.value();
    if (!shared) j["format"] = "coffre-file";
    j["version"] = head[7];
    j["suite"] = head[8];
    j["key_source"] = info.key_source == KeySource::passphrase ? "passphrase" : "key";
    j["chunk_size"] = info.chunk_size;
    j["key_version"] = info.key_version;
    if (info.passphrase_params) {
      j["argon2id"] = {{"opslimit", info.passphrase_params->opslimit},
                       {"memlimit_kib", info.passphrase_params->memlimit_kib}};
    } else {
      j["argon2id"] = nullptr;
    }
    j["header_size"] = info.header_size;
    j["file_size"] = total;
    if (auto layout = file_layout(info, envelope_size); layout) {
      sizes_fit = true;
      j["chunks"] = layout.value().chunk_count;
      j["plaintext_size"] = layout.value().plaintext_size;
    }
  }
  j["armored"] = armor.active();
  j["size_consistent"] = sizes_fit;
  j["size_authenticated"] = false;  // from the file's length, not from an authenticated chunk

  if (as_json) {
    // A failure prints nothing on standard output (cli/README.md, "JSON output"): only its error, below.
    if (sizes_fit) print_json(j);
  } else {
    auto row = [](const char* k, const std::string& v) { std::printf("%-15s %s\n", k, v.c_str()); };
    auto num = [](const nlohmann::ordered_json& v) { return v.dump(); };
    row("format:", document ? "coffre document envelope"
                   : shared ? "coffre shared file (a 37-byte prefix, then a file envelope)"
                            : "coffre file envelope");
    if (shared) {
      row("owner:", j["owner"].get<std::string>());
      row("document id:", j["document_id"].get<std::string>());
    }
    row("version:", num(j["version"]));
    row("suite:", num(j["suite"]) + " (XChaCha20-Poly1305, BLAKE2b, Argon2id)");
    if (!document) {
      row("key source:", j["key_source"] == "passphrase" ? "passphrase (Argon2id)"
                         : shared ? "key (the document's content key, in the store)"
                                  : "key (32 bytes, key file)");
      row("chunk size:", num(j["chunk_size"]) + " bytes");
    }
    row("key version:", num(j["key_version"]));
    if (!document && !j["argon2id"].is_null()) {
      auto& a = j["argon2id"];
      row("argon2id:", "opslimit " + num(a["opslimit"]) + ", memlimit " + num(a["memlimit_kib"]) + " KiB (" +
                           std::to_string(a["memlimit_kib"].get<std::uint32_t>() / 1024) + " MiB)");
    }
    if (armor.active()) row("armor:", "ASCII armor (decoded: the fields and sizes below are the decoded file's)");
    row("header size:", num(j["header_size"]) + " bytes");
    row("file size:", num(j["file_size"]) + " bytes");
    if (sizes_fit) {
      if (!document) row("chunks:", num(j["chunks"]));
      row("plaintext size:", num(j["plaintext_size"]) + " bytes (from the file size, NOT authenticated: a cut "
                                                          "or extended file shows other sizes; decrypt to check)");
    } else {
      row("plaintext size:", "unknown: the file size does not fit the format (truncated or extended)");
    }
  }
  if (!sizes_fit) {
    return report(Status::fail(kExitAuth, in.name() + ": the file size does not fit the format; it is truncated or "
                                                      "has bytes appended (truncated)",
                               "truncated"));
  }
  return kExitOk;
}

}  // namespace coffre::cli
