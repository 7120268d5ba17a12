// Resuming an interrupted `drive put` to an HTTP store (docs/STORE.md 3.4). Everything random about a put (a new
// file's id and key, the envelope's nonces) comes from a generator seeded from the home's record of that put,
// HOME/uploads/<key>, kept until the put ends: a rerun of the same put (same store, folder, name and local file,
// unchanged) makes the same bytes again, and the store sends only the parts the server does not hold yet (it adds
// the upload's id to the same record). The seed is as secret as the file's content, which lies next to it in the
// clear; the record is removed when the put succeeds or fails (only a killed put leaves it).
#pragma once

#include "io.hpp"
#include "status.hpp"

#include <coffre/coffre.hpp>

#include <optional>
#include <string>

namespace coffre::cli {

// The record's key for a put of the file `local` (nullopt for a pipe or standard input: nothing to resume).
std::optional<std::string> upload_resume_key(const std::string& store, const UserId& owner, const NodeId& folder,
                                             const std::string& name, const std::string& local);

// A ChaCha20 keystream under a secret seed, one nonce per call: the same seed gives the same sequence.
class SeededRng final : public Rng {
 public:
  explicit SeededRng(SecretBytes seed) : seed_(std::move(seed)) {}
  void fill(std::span<std::uint8_t> out) override;

 private:
  SecretBytes seed_;
  std::uint64_t calls_ = 0;
};

// The seeded generator of the put `key`: the recorded seed, or a new one recorded now.
Status upload_rng(const std::string& home, const std::string& key, std::optional<SeededRng>& rng);

// The upload id the store recorded for `key` and the blob path it was for (empty when none), and how it records one.
Status recorded_upload(const std::string& home, const std::string& key, std::string& id, std::string& path);
Status record_upload(const std::string& home, const std::string& key, const std::string& id, const std::string& path);

// The put `key` ended: its record goes.
void forget_upload(const std::string& home, const std::string& key) noexcept;

}  // namespace coffre::cli
