// The store over HTTP (--store URL, docs/STORE.md): the object paths of store.hpp as resources of a server, every
// request signed (section 2) with the device's key (or the recovery key while recovering), over one libcurl handle
// kept alive. Conditional puts, paginated listings, the whole log in one request, blobs uploaded in parts of 16
// envelope chunks (resumable, upload_resume.hpp) and read by ranges. Idempotent requests are retried with
// exponential backoff on network errors, 429 and 503 (section 6); every refusal maps to an exit code and a message
// naming the server's error (a 422 to the library error it names). Never logs a signature or a key.
#pragma once

#include "store.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace coffre::cli {

// kExitUsage unless `url` is http(s)://host[:port][/prefix] with no user, query or fragment, and plain http only for
// a loopback host (127.0.0.0/8, ::1, localhost).
Status check_store_url(std::string_view url);

class HttpStore final : public Store {
 public:
  HttpStore(std::string url, StoreAccess access);
  ~HttpStore() override;
  const std::string& location() const noexcept override { return url_; }

  Status get(const std::string& rel, std::optional<std::vector<std::uint8_t>>& out) const override;
  Status put(const std::string& rel, std::span<const std::uint8_t> bytes) const override;
  Status put_new(const std::string& rel, std::span<const std::uint8_t> bytes, bool& existed) const override;
  Status put_if(const std::string& rel, std::span<const std::uint8_t> bytes,
                const std::optional<std::vector<std::uint8_t>>& expected, bool& swapped) const override;
  Status remove(const std::string& rel) const override;
  Status remove_tree(const std::string& rel) const override;
  Status list(const std::string& rel_dir, std::vector<std::string>& names, bool hidden = false) const override;
  Status fetch_log(const UserId& user, std::vector<std::vector<std::uint8_t>>& entries) const override;
  Status open_blob(const std::string& rel, std::unique_ptr<BlobReader>& out) const override;
  Status create_blob(const std::string& rel, const std::string& resume_key,
                     std::unique_ptr<BlobWriter>& out) const override;
  bool resumes_uploads() const noexcept override { return true; }
  bool keeps_abandoned_accounts() const noexcept override { return true; }
  void sign_as(RequestSigner signer) const override;

  class Connection;  // one libcurl handle and the signer (http_store.cpp)

 private:
  std::string url_;
  StoreAccess access_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace coffre::cli
