#include "upload_resume.hpp"

#include "contacts.hpp"
#include "store.hpp"

#include <sodium.h>

#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace coffre::cli {

namespace {

std::string record_path(const std::string& home, const std::string& key) { return home + "/uploads/" + key; }

// The record: "seed <64 hex>\n", then "upload <32 hex> <blob path>\n" once the store started an upload.
struct Record {
  std::string seed_hex;
  std::string upload_id;
  std::string blob;
};

Status read_record(const std::string& home, const std::string& key, std::optional<Record>& out) {
  out.reset();
  std::optional<std::vector<std::uint8_t>> bytes;
  if (Status s = read_local(record_path(home, key), bytes); !s.ok() || !bytes) return s;
  Record r;
  std::istringstream lines(std::string(bytes->begin(), bytes->end()));
  std::string word;
  while (lines >> word) {
    if (word == "seed") lines >> r.seed_hex;
    else if (word == "upload") lines >> r.upload_id >> r.blob;
    else return Status::fail(kExitUsage, record_path(home, key) + " is not an upload record");
  }
  sodium_memzero(bytes->data(), bytes->size());
  if (r.seed_hex.size() != 64) return Status::fail(kExitUsage, record_path(home, key) + " is not an upload record");
  out = std::move(r);
  return Status::success();
}

Status write_record(const std::string& home, const std::string& key, const Record& r) {
  if (Status s = make_dirs(home + "/uploads"); !s.ok()) return s;
  std::string text = "seed " + r.seed_hex + "\n";
  if (!r.upload_id.empty()) text += "upload " + r.upload_id + " " + r.blob + "\n";
  Status s = write_local(record_path(home, key), {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  sodium_memzero(text.data(), text.size());
  return s;
}

}  // namespace

void SeededRng::fill(std::span<std::uint8_t> out) {
  std::uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = {};
  for (std::size_t i = 0; i < sizeof nonce; ++i) nonce[i] = static_cast<std::uint8_t>(calls_ >> (8 * i));
  ++calls_;
  crypto_stream_chacha20(out.data(), out.size(), nonce, seed_.reveal().data());
}

std::optional<std::string> upload_resume_key(const std::string& store, const UserId& owner, const NodeId& folder,
                                             const std::string& name, const std::string& local) {
  struct stat st {};
  char* real = is_std_stream(local) ? nullptr : realpath(local.c_str(), nullptr);
  if (real == nullptr) return std::nullopt;
  const std::string where(real);
  free(real);
  if (stat(where.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ostringstream id;
  id << store << '\n' << to_hex(owner.bytes) << '\n' << to_hex(folder.bytes) << '\n' << name << '\n' << where << '\n'
     << st.st_size << ' ' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec << ' ' << st.st_ino;
  const std::string text = id.str();
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> h{};
  crypto_hash_sha256(h.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return to_hex({h.data(), 16});
}

Status upload_rng(const std::string& home, const std::string& key, std::optional<SeededRng>& rng) {
  std::optional<Record> r;
  if (Status s = read_record(home, key, r); !s.ok()) return s;
  SecretBytes seed(32);
  if (r) {
    if (!from_hex(r->seed_hex, seed.reveal_mut())) {
      return Status::fail(kExitUsage, record_path(home, key) + " is not an upload record");
    }
  } else {
    randombytes_buf(seed.reveal_mut().data(), seed.size());
    Record fresh{to_hex(seed.reveal()), {}, {}};
    Status s = write_record(home, key, fresh);
    sodium_memzero(fresh.seed_hex.data(), fresh.seed_hex.size());
    if (!s.ok()) return s;
  }
  rng.emplace(std::move(seed));
  return Status::success();
}

Status recorded_upload(const std::string& home, const std::string& key, std::string& id, std::string& path) {
  id.clear();
  path.clear();
  std::optional<Record> r;
  if (Status s = read_record(home, key, r); !s.ok() || !r) return s;
  id = r->upload_id;
  path = r->blob;
  return Status::success();
}

Status record_upload(const std::string& home, const std::string& key, const std::string& id, const std::string& path) {
  std::optional<Record> r;
  if (Status s = read_record(home, key, r); !s.ok()) return s;
  if (!r) return Status::fail(kExitIo, "no record of this upload in " + home);
  r->upload_id = id;
  r->blob = path;
  return write_record(home, key, *r);
}

void forget_upload(const std::string& home, const std::string& key) noexcept {
  unlink(record_path(home, key).c_str());
  rmdir((home + "/uploads").c_str());  // only when empty
}

}  // namespace coffre::cli
