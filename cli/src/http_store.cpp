#include "http_store.hpp"

#include "crash_point.hpp"
#include "device_state.hpp"
#include "upload_resume.hpp"

#include <coffre/store_request.hpp>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

namespace coffre::cli {

namespace {

constexpr std::size_t kPartChunks = 16;  // chunks per uploaded part (STORE.md 3.4)
constexpr std::size_t kPartSize = kPartChunks * (kDefaultChunkSize + kChunkOverhead);
constexpr std::size_t kListPage = 1000;
constexpr std::size_t kMaxListNames = 1u << 20;        // a listing the client accepts at most
constexpr std::size_t kMaxLogBytes = 256u << 20;       // a whole device list in one response
constexpr std::size_t kMaxJsonBody = 64u << 10;        // errors, upload states
constexpr std::size_t kStreamStep = 4u << 20;          // bytes per ranged read of a streamed blob
constexpr int kAttempts = 6;                            // retries of an idempotent request: 0.25 s, 0.5 s, ... 4 s

std::string_view host_of(std::string_view url, std::string_view& rest) {
  const auto scheme_end = url.find("://");
  std::string_view after = url.substr(scheme_end + 3);
  const auto slash = after.find('/');
  rest = slash == std::string_view::npos ? std::string_view() : after.substr(slash);
  std::string_view authority = after.substr(0, slash);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    return close == std::string_view::npos ? std::string_view() : authority.substr(1, close - 1);
  }
  return authority.substr(0, authority.find(':'));
}

bool is_loopback(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

// The base URL without a trailing slash, and its path prefix (part of every request target).
std::string trimmed(std::string url) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  return url;
}

std::string prefix_of(const std::string& url) {
  std::string_view rest;
  host_of(url, rest);
  return std::string(rest);
}

// Object paths are built from hex ids, numbers and fixed words: nothing to escape. Refused otherwise.
bool plain_path(std::string_view rel) {
  if (rel.empty() || rel.size() > 512) return false;
  return std::all_of(rel.begin(), rel.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '/' || c == '.' || c == '_' || c == '-';
  });
}

std::string quoted_sha256_hex(std::span<const std::uint8_t> bytes) {
  const Sha256Digest d = content_sha256(bytes);
  return "\"" + to_hex(d) + "\"";
}

struct Response {
  long status = 0;
  std::vector<std::uint8_t> body;
  bool body_too_large = false;
  std::string etag;
  std::string content_range;
  std::optional<std::uint64_t> log_length;
  std::optional<unsigned> retry_after;
};

struct Request {
  const char* method = "GET";
  std::string target;  // under the base URL: "/v1/..."
  std::span<const std::uint8_t> body;
  std::vector<std::string> headers;
  std::size_t max_body = Store::kMaxObjectSize;
  bool idempotent = false;
  std::optional<Sha256Digest> body_sha256 = std::nullopt;  // content_sha256(body) when the caller has it already
};

// The server's error name and message from a refusal's JSON body (STORE.md section 1), bounded and never trusted
// beyond printable text.
struct Refusal {
  std::string error;
  std::optional<int> code;
  std::string message;
};

std::string printable_text(std::string_view s, std::size_t max = 200) {
  std::string out;
  for (char c : s.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

Refusal refusal_of(const Response& r) {
  Refusal f;
  try {
    auto j = nlohmann::json::parse(r.body.begin(), r.body.end());
    if (j.contains("error") && j["error"].is_string()) f.error = printable_text(j["error"].get<std::string>(), 64);
    if (j.contains("code") && j["code"].is_number_integer()) f.code = j["code"].get<int>();
    if (j.contains("message") && j["message"].is_string()) f.message = printable_text(j["message"].get<std::string>());
  } catch (...) {
  }
  if (f.error.empty()) f.error = "http_" + std::to_string(r.status);
  return f;
}

// A refusal as a Status: the exit code of the directory store's equivalent failure, the server's error by name.
Status refused(const Response& r, const std::string& what) {
  const Refusal f = refusal_of(r);
  std::string m = what + ": the store refused (" + std::to_string(r.status) + " " + f.error + ")";
  if (!f.message.empty()) m += ": " + f.message;
  switch (r.status) {
    case 422:
      // The server's own verification refused the object with a library error: that error, as if found here.
      if (f.code && *f.code > 0 && *f.code < kErrorCount && error_code(static_cast<Error>(*f.code)) == f.error) {
        return lib_failure(static_cast<Error>(*f.code), what + " (refused by the store)");
      }
      return Status::fail(kExitAuth, m);
    case 401:
      if (f.error == "request_expired") m += "; check this machine's clock";
      return Status::fail(kExitAuth, m);
    case 403:
      if (f.error == "device_revoked" || f.error == "device_not_enrolled") {
        // The library's device_revoked names an entry signed by a revoked device; a device that finds itself
        // outside the list fails with device_not_enrolled, as the directory store's own check says.
        return lib_failure(Error::device_not_enrolled, what + " (refused by the store, " + f.error +
                                                           ": this device is not an enrolled device of the account)");
      }
      return Status::fail(kExitAuth, m);
    case 404: return lib_failure(Error::not_found, what + " (not in the store)");
    case 409:
    case 412: return Status::fail(kExitUsage, m + "; run the command again");
    default: return Status::fail(kExitIo, m);
  }
}

std::string json_string(const nlohmann::json& j) { return j.dump(); }

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

Status check_store_url(std::string_view url) {
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) return Status::fail(kExitUsage, "--store: not an http(s) URL");
  std::string_view rest;
  const std::string_view host = host_of(url, rest);
  const std::string_view after = url.substr(url.find("://") + 3);
  const std::string_view authority = after.substr(0, after.find('/'));
  if (host.empty()) return Status::fail(kExitUsage, "--store " + std::string(url) + ": no host");
  if (authority.find('@') != std::string_view::npos || url.find_first_of("?# ") != std::string_view::npos) {
    return Status::fail(kExitUsage, "--store " + std::string(url) +
                                        ": give the server's base URL only (no user, query or fragment)");
  }
  if (!plain_path(rest.empty() ? "/" : rest)) {
    return Status::fail(kExitUsage, "--store " + std::string(url) + ": the path prefix may only hold a-z 0-9 . _ -");
  }
  if (!https && !is_loopback(host)) {
    return Status::fail(kExitUsage, "--store " + std::string(url) +
                                        ": plain http is only for a server on this machine (127.0.0.1, ::1, "
                                        "localhost); use https:// (docs/STORE.md section 1)");
  }
  return Status::success();
}

// One libcurl easy handle (its connection kept alive between requests), the signer, and the retry policy.
class HttpStore::Connection {
 public:
  Connection(std::string base, StoreAccess access) : base_(trimmed(std::move(base))), access_(std::move(access)) {
    static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)global;
    curl_ = curl_easy_init();
  }
  ~Connection() {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Another connection with the same signer (for a thread that streams a blob).
  Status clone(std::unique_ptr<Connection>& out) {
    if (Status s = ensure_signer(); !s.ok()) return s;
    out = std::make_unique<Connection>(base_, access_);
    auto key = SigningKey::from_seed(signer_->key->seed().reveal());
    if (!key) return lib_failure(key.error(), "the request signing key");
    out->signer_.emplace();
    out->signer_->key.emplace(std::move(key).take());
    out->signer_->user = signer_->user;
    return Status::success();
  }

  void set_signer(RequestSigner signer) { signer_ = std::move(signer); }
  const std::string& home() const { return access_.home; }
  const std::string& base() const { return base_; }

  // Sends `req` (signed afresh each attempt); retries idempotent requests on network errors, 429 and 503.
  Status send(const Request& req, Response& res, int* attempts_made = nullptr) {
    if (Status s = ensure_signer(); !s.ok()) return s;
    if (curl_ == nullptr) return Status::fail(kExitIo, "cannot start libcurl");
    const int attempts = req.idempotent ? kAttempts : 1;
    Status last;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      if (attempts_made != nullptr) *attempts_made = attempt;
      res = Response{};
      std::string error;
      const bool transferred = perform(req, res, error);
      const bool retryable = !transferred || res.status == 429 || res.status == 503;
      if (!retryable) return Status::success();
      last = transferred ? refused(res, req.method + std::string(" ") + req.target)
                         : Status::fail(kExitIo, "the store " + base_ + " cannot be reached: " + error);
      if (attempt == attempts) break;
      unsigned delay_ms = 250u << (attempt - 1);
      if (res.retry_after) delay_ms = std::max(delay_ms, std::min(*res.retry_after, 30u) * 1000u);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
    return last;
  }

 private:
  Status ensure_signer() {
    if (signer_ && signer_->key) return Status::success();
    RequestSigner s;
    if (access_.signer) {
      if (Status st = access_.signer(s); !st.ok()) return st;
    }
    if (!s.key) {
      // No device yet (the cleanup before an init): a throwaway key, in no account, reads what any signer may.
      auto k = SigningKey::generate(system_rng());
      if (!k) return lib_failure(k.error(), "a request signing key");
      s.key.emplace(std::move(k).take());
      s.user.reset();
    }
    signer_ = std::move(s);
    return Status::success();
  }

  struct Transfer {
    Response* res;
    std::size_t max_body;
  };

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t len = size * n;
    if (t->res->body.size() + len > t->max_body) {
      t->res->body_too_large = true;
      return 0;  // aborts the transfer: the store cannot make the client read without bound
    }
    t->res->body.insert(t->res->body.end(), data, data + len);
    return len;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::string_view line(data, size * n);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    auto number = [&](std::optional<std::uint64_t>& out) {
      std::uint64_t v = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec == std::errc() && end == value.data() + value.size()) out = v;
    };
    if (name == "etag") t->res->etag = printable_text(value, 100);
    if (name == "content-range") t->res->content_range = printable_text(value, 100);
    if (name == "coffre-log-length") number(t->res->log_length);
    if (name == "retry-after") {
      std::optional<std::uint64_t> v;
      number(v);
      if (v) t->res->retry_after = static_cast<unsigned>(std::min<std::uint64_t>(*v, 3600));
    }
    return size * n;
  }

  // One attempt. false: no response (network error, or a body over the limit), `error` says why.
  bool perform(const Request& req, Response& res, std::string& error) {
    const std::string target = prefix_of(base_) + req.target;
    StoreRequest sr;
    sr.method = req.method;
    sr.target = target;
    sr.content_sha256 = req.body_sha256 ? *req.body_sha256 : content_sha256(req.body);
    sr.time = static_cast<std::uint64_t>(std::time(nullptr));
    sr.nonce = draw_store_nonce(system_rng());
    sr.user = signer_->user;
    auto sig = sign_store_request(*signer_->key, sr);
    if (!sig) {
      error = "cannot sign the request (" + std::string(error_code(sig.error())) + ")";
      return false;
    }
    std::vector<std::string> headers = {
        "Coffre-Key: " + to_hex(signer_->key->verify_key().bytes()),
        "Coffre-Time: " + std::to_string(sr.time),
        "Coffre-Nonce: " + to_hex(sr.nonce),
        "Coffre-Content-SHA256: " + to_hex(sr.content_sha256),
        "Coffre-Signature: " + to_hex(sig.value()),
        "Content-Type: application/octet-stream",
        "Expect:",
    };
    if (signer_->user) headers.push_back("Coffre-User: " + to_hex(signer_->user->bytes));
    headers.insert(headers.end(), req.headers.begin(), req.headers.end());
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());

    curl_easy_reset(curl_);  // keeps the live connection (keep-alive)
    const std::string url = base_.substr(0, base_.size() - prefix_of(base_).size()) + target;
    Transfer t{&res, req.max_body};
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &t);
    if (std::strcmp(req.method, "GET") != 0) {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, req.method);
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, req.body.empty() ? "" : reinterpret_cast<const char*>(req.body.data()));
    }
    const CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      error = res.body_too_large ? "a response larger than the limit" : curl_easy_strerror(rc);
      if (res.body_too_large) res.status = 0;
      return false;
    }
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &res.status);
    return true;
  }

  CURL* curl_ = nullptr;
  std::string base_;
  StoreAccess access_;
  std::optional<RequestSigner> signer_;
};

// ---------------------------------------------------------------------------------------------------------------

namespace {

using Connection = HttpStore::Connection;

Status expect_status(const Response& r, std::initializer_list<long> ok, const std::string& what) {
  for (long s : ok) {
    if (r.status == s) return Status::success();
  }
  return refused(r, what);
}

std::string object_target(const std::string& rel) { return "/v1/o/" + rel; }

// docs/<owner>/<doc>/<purpose>/access/...: an access list (STORE.md section 4).
bool is_access_list(std::string_view rel) {
  return rel.starts_with("docs/") && rel.find("/access/") != std::string_view::npos;
}

Status check_rel(const std::string& rel) {
  if (!plain_path(rel)) return Status::fail(kExitIo, "internal error: store path " + rel);
  return Status::success();
}

// "bytes a-b/total" -> total.
std::optional<std::uint64_t> range_total(std::string_view cr) {
  const auto slash = cr.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::uint64_t v = 0;
  auto digits = cr.substr(slash + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return v;
}

Status ranged_get(Connection& c, const std::string& rel, std::uint64_t offset, std::uint8_t* data, std::size_t n,
                  std::size_t& got) {
  got = 0;
  if (n == 0) return Status::success();
  Request req{"GET", object_target(rel), {}, {}, n, true};
  req.headers.push_back("Range: bytes=" + std::to_string(offset) + "-" + std::to_string(offset + n - 1));
  Response res;
  if (Status s = c.send(req, res); !s.ok()) return s;
  if (res.status == 416) return Status::success();  // at or past the end
  if (res.status == 404) return lib_failure(Error::not_found, "the content " + rel + " in the store");
  if (Status s = expect_status(res, {206, 200}, "reading " + rel); !s.ok()) return s;
  // A 200 is the whole blob: only its first bytes would be ours if offset is 0; anything else is a broken server.
  if (res.status == 200 && offset != 0) return Status::fail(kExitIo, "the store ignored a range request for " + rel);
  got = std::min(n, res.body.size());
  std::memcpy(data, res.body.data(), got);
  return Status::success();
}

class HttpBlobReader final : public BlobReader {
 public:
  HttpBlobReader(Connection& c, std::string rel, std::uint64_t size) : c_(c), rel_(std::move(rel)), size_(size) {}
  ~HttpBlobReader() override {
    if (feeder_.joinable()) feeder_.join();
  }
  std::uint64_t size() const override { return size_; }
  Status read_at(std::uint64_t offset, std::uint8_t* data, std::size_t n, std::size_t& got) override {
    if (offset >= size_) {
      got = 0;
      return Status::success();
    }
    return ranged_get(c_, rel_, offset, data, static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset)),
                      got);
  }
  // A socket another thread fills with ranged reads over its own connection: streamed, constant memory. A failed
  // read ends the stream early (the decryption reports it truncated); closing our end stops the thread.
  Status open_input(Input& in) override {
    std::unique_ptr<Connection> own;
    if (Status s = c_.clone(own); !s.ok()) return s;
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return io_failure("socketpair", errno);
    feeder_ = std::thread([conn = std::move(own), fd = fds[1], rel = rel_, size = size_] {
      std::vector<std::uint8_t> buf(kStreamStep);
      for (std::uint64_t at = 0; at < size;) {
        std::size_t got = 0;
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - at));
        Status s = ranged_get(*conn, rel, at, buf.data(), want, got);
        if (!s.ok() || got == 0) {
          std::fprintf(stderr, "coffre: %s\n", s.ok() ? ("the content " + rel + " ended early").c_str()
                                                      : s.message.c_str());
          break;
        }
        std::size_t sent = 0;
        while (sent < got) {
          ssize_t k = ::send(fd, buf.data() + sent, got - sent, MSG_NOSIGNAL);
          if (k < 0 && errno == EINTR) continue;
          if (k <= 0) {
            sent = 0;
            break;
          }
          sent += static_cast<std::size_t>(k);
        }
        if (sent != got) break;
        at += got;
      }
      close(fd);
    });
    in.adopt(fds[0], "the content " + rel_ + " in the store", size_);
    return Status::success();
  }

 private:
  Connection& c_;
  std::string rel_;
  std::uint64_t size_;
  std::thread feeder_;
};

// A part the resumed upload already holds (its size and SHA-256, as the store listed them).
struct HeldPart {
  std::uint64_t size;
  std::string sha256;
};

// Sends the parts of one upload, one at a time, on its own connection and thread, while the caller fills the next
// part: reading, encrypting and hashing part k+1 overlaps with sending part k. At most two parts are in memory (the
// one in flight, the one being filled). Each part is hashed once, by the caller as it fills it: the digest decides
// whether a resumed upload holds it already and is the signed Coffre-Content-SHA256.
class PartSender {
 public:
  PartSender(std::unique_ptr<Connection> conn, std::string rel, std::string id, std::vector<std::optional<HeldPart>> held)
      : conn_(std::move(conn)), rel_(std::move(rel)), id_(std::move(id)), held_(std::move(held)),
        thread_([this] { run(); }) {}
  ~PartSender() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  PartSender(const PartSender&) = delete;
  PartSender& operator=(const PartSender&) = delete;

  // Waits for the part in flight, then takes `part` (SHA-256 `sha`) as part k; its buffer is swapped with a free one,
  // left empty.
  Status send(std::uint64_t k, std::vector<std::uint8_t>& part, const Sha256Digest& sha) {
    std::unique_lock lock(m_);
    if (Status s = settle(lock); !s.ok()) return s;
    std::swap(part, part_);
    part.clear();
    k_ = k;
    sha_ = sha;
    pending_ = true;
    lock.unlock();
    cv_.notify_all();
    return Status::success();
  }

  // Waits for the part in flight: its failure, if any (also a failure of an earlier part).
  Status wait() {
    std::unique_lock lock(m_);
    return settle(lock);
  }

  // The sender's connection, for the caller's requests once wait() returned (the one kept alive by the parts).
  Connection& connection() { return *conn_; }

 private:
  Status settle(std::unique_lock<std::mutex>& lock) {
    cv_.wait(lock, [this] { return !pending_; });
    if (sent_) {
      sent_ = false;
      crash_point("upload-part");  // on the caller's thread, once the part is stored, as before the overlap
    }
    return result_;
  }

  void run() {
    std::unique_lock lock(m_);
    for (;;) {
      cv_.wait(lock, [this] { return pending_ || stop_; });
      if (!pending_) return;
      lock.unlock();
      bool sent = false;
      Status s = result_.ok() ? put(k_, part_, sha_, sent) : result_;
      lock.lock();
      result_ = std::move(s);
      sent_ = sent;
      pending_ = false;
      cv_.notify_all();
    }
  }

  // Part k, unless the resumed upload holds the same bytes there.
  Status put(std::uint64_t k, const std::vector<std::uint8_t>& part, const Sha256Digest& sha, bool& sent) {
    if (k < held_.size() && held_[k] && held_[k]->size == part.size() && held_[k]->sha256 == to_hex(sha)) {
      return Status::success();
    }
    Response res;
    Request req{"PUT", "/v1/uploads/" + id_ + "/" + std::to_string(k), part, {}, kMaxJsonBody, true, sha};
    if (Status s = conn_->send(req, res); !s.ok()) return s;
    if (Status s = expect_status(res, {204, 200, 201}, "uploading part " + std::to_string(k) + " of " + rel_);
        !s.ok()) {
      return s;
    }
    sent = true;
    return Status::success();
  }

  std::unique_ptr<Connection> conn_;
  std::string rel_, id_;
  std::vector<std::optional<HeldPart>> held_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::uint8_t> part_;  // part_, k_, sha_: guarded by m_ while !pending_, the sender's own while pending_
  std::uint64_t k_ = 0;
  Sha256Digest sha_{};
  bool pending_ = false, stop_ = false, sent_ = false;
  Status result_;
  std::thread thread_;  // last: started once the rest is initialized
};

// Parts of kPartSize (the first one also holds the envelope's header), each handed to the PartSender once the buffer
// is full; a part the resumed upload already holds with the same SHA-256 is not sent again.
class HttpBlobWriter final : public BlobWriter {
 public:
  HttpBlobWriter(Connection& c, std::string rel, std::string id, std::vector<std::optional<HeldPart>> held)
      : c_(c), rel_(std::move(rel)), id_(std::move(id)), held_(std::move(held)) {
    part_.reserve(kPartSize + kFileHeaderMaxSize);
  }
  ~HttpBlobWriter() override {
    if (!done_) abort();
  }
  Status write(const std::uint8_t* data, std::size_t size) override {
    while (size > 0) {
      const std::size_t limit = kPartSize + (k_ == 0 ? kFileHeaderSizeKey : 0);
      const std::size_t take = std::min(size, limit - part_.size());
      part_.insert(part_.end(), data, data + take);
      hasher_.update({data, take});
      data += take;
      size -= take;
      written_ += take;
      if (part_.size() == limit) {
        if (Status s = flush(); !s.ok()) return s;
      }
    }
    return Status::success();
  }
  Status commit(bool& existed) override {
    existed = false;
    if (!part_.empty() || k_ == 0) {
      if (Status s = flush(); !s.ok()) return s;
    }
    if (Status s = sender_->wait(); !s.ok()) return s;
    const std::string body = json_string({{"parts", k_}, {"size", written_}});
    Response res;
    Request req{"POST", "/v1/uploads/" + id_ + "/commit", bytes_of(body), {}, kMaxJsonBody, false};
    req.headers.push_back("Content-Type: application/json");
    if (Status s = sender_->connection().send(req, res); !s.ok()) return s;
    if (res.status == 412) existed = true;
    else if (Status s = expect_status(res, {201, 200, 204}, "committing the upload of " + rel_); !s.ok()) return s;
    done_ = true;
    crash_point("upload-commit");
    return Status::success();
  }
  void abort() noexcept override {
    if (done_) return;
    done_ = true;
    if (sender_) (void)sender_->wait();  // no part may land after the DELETE
    Response res;
    Connection& c = sender_ ? sender_->connection() : c_;
    (void)c.send({"DELETE", "/v1/uploads/" + id_, {}, {}, kMaxJsonBody, true}, res);
  }

 private:
  Status flush() {
    if (!sender_) {
      std::unique_ptr<Connection> own;
      if (Status s = c_.clone(own); !s.ok()) return s;
      sender_ = std::make_unique<PartSender>(std::move(own), rel_, id_, std::move(held_));
    }
    if (Status s = sender_->send(k_, part_, hasher_.finish()); !s.ok()) return s;
    part_.reserve(kPartSize + kFileHeaderMaxSize);  // the free buffer the sender gave back (empty the first time)
    ++k_;
    return Status::success();
  }

  Connection& c_;
  std::string rel_, id_;
  std::vector<std::optional<HeldPart>> held_;
  std::vector<std::uint8_t> part_;
  Sha256Hasher hasher_;  // of part_
  std::unique_ptr<PartSender> sender_;
  std::uint64_t k_ = 0;
  bool done_ = false;
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

HttpStore::HttpStore(std::string url, StoreAccess access)
    : url_(trimmed(std::move(url))), access_(access), conn_(std::make_unique<Connection>(url_, std::move(access))) {}

HttpStore::~HttpStore() = default;

void HttpStore::sign_as(RequestSigner signer) const { conn_->set_signer(std::move(signer)); }

Status HttpStore::get(const std::string& rel, std::optional<std::vector<std::uint8_t>>& out) const {
  out.reset();
  if (Status s = check_rel(rel); !s.ok()) return s;
  Response res;
  // One byte over the limit tells an oversized object from one at the limit.
  if (Status s = conn_->send({"GET", object_target(rel), {}, {}, kMaxObjectSize + 1, true}, res); !s.ok()) {
    if (res.body_too_large) return Status::fail(kExitAuth, rel + " in the store is larger than any coffre object");
    return s;
  }
  if (res.status == 404) return Status::success();
  if (res.status == 403 && is_access_list(rel) && refusal_of(res).error == "forbidden") {
    // The server lets only the owner's devices and the accounts its own check finds in one of the document's lists
    // read them (STORE.md section 4): for anyone else that is the client's own finding, not_a_member.
    return lib_failure(Error::not_a_member, "reading " + rel + " (refused by the store: this account is not a "
                                            "member of the document)");
  }
  if (res.status == 403 && refusal_of(res).error == "forbidden") {
    // The server answers a signer without the read right the same whether the object exists or not (STORE.md 4):
    // for this account there is no such object (a share it is not, or no longer, a member of).
    return lib_failure(Error::not_found, "reading " + rel + " (the store does not let this account read it)");
  }
  if (Status s = expect_status(res, {200}, "reading " + rel); !s.ok()) return s;
  out = std::move(res.body);
  return Status::success();
}

Status HttpStore::put(const std::string& rel, std::span<const std::uint8_t> bytes) const {
  if (Status s = check_rel(rel); !s.ok()) return s;
  Response res;
  // A plain replacing PUT is idempotent (the same bytes at the same path): retried like the conditional ones.
  if (Status s = conn_->send({"PUT", object_target(rel), bytes, {}, kMaxJsonBody, true}, res); !s.ok()) return s;
  if (Status s = expect_status(res, {200, 201, 204}, "writing " + rel); !s.ok()) return s;
  crash_point(rel.c_str());
  return Status::success();
}

Status HttpStore::put_new(const std::string& rel, std::span<const std::uint8_t> bytes, bool& existed) const {
  existed = false;
  if (Status s = check_rel(rel); !s.ok()) return s;
  Response res;
  int attempts = 0;
  Request req{"PUT", object_target(rel), bytes, {"If-None-Match: *"}, kMaxJsonBody, true};
  if (Status s = conn_->send(req, res, &attempts); !s.ok()) return s;
  if (res.status == 412) {
    if (attempts > 1) {
      // A retry after a lost response: the object there may be our own first attempt.
      std::optional<std::vector<std::uint8_t>> there;
      if (Status s = get(rel, there); !s.ok()) return s;
      if (there && std::equal(there->begin(), there->end(), bytes.begin(), bytes.end())) {
        crash_point(rel.c_str());
        return Status::success();
      }
    }
    existed = true;
    return Status::success();
  }
  if (Status s = expect_status(res, {200, 201, 204}, "writing " + rel); !s.ok()) return s;
  crash_point(rel.c_str());
  return Status::success();
}

Status HttpStore::put_if(const std::string& rel, std::span<const std::uint8_t> bytes,
                         const std::optional<std::vector<std::uint8_t>>& expected, bool& swapped) const {
  swapped = false;
  if (Status s = check_rel(rel); !s.ok()) return s;
  Request req{"PUT", object_target(rel), bytes, {}, kMaxJsonBody, true};
  req.headers.push_back(expected ? "If-Match: " + quoted_sha256_hex(*expected) : "If-None-Match: *");
  Response res;
  if (Status s = conn_->send(req, res); !s.ok()) return s;
  if (res.status == 412) return Status::success();
  if (Status s = expect_status(res, {200, 201, 204}, "writing " + rel); !s.ok()) return s;
  swapped = true;
  crash_point(rel.c_str());
  return Status::success();
}

Status HttpStore::remove(const std::string& rel) const {
  if (Status s = check_rel(rel); !s.ok()) return s;
  Response res;
  if (Status s = conn_->send({"DELETE", object_target(rel), {}, {}, kMaxJsonBody, true}, res); !s.ok()) return s;
  if (res.status != 404) {
    if (Status s = expect_status(res, {200, 204}, "removing " + rel); !s.ok()) return s;
  }
  crash_point(rel.c_str());
  return Status::success();
}

Status HttpStore::remove_tree(const std::string& rel) const {
  if (Status s = check_rel(rel); !s.ok()) return s;
  Response res;
  if (Status s = conn_->send({"DELETE", "/v1/tree/" + rel, {}, {}, kMaxJsonBody, true}, res); !s.ok()) return s;
  // A directory is a proper prefix of an object path (STORE.md 3.2): an object's own path (a blob's revision, say)
  // is not one, and the server says bad_path. Object paths and directories never coincide.
  if (res.status == 400 && refusal_of(res).error == "bad_path") return remove(rel);
  return expect_status(res, {200, 204}, "removing " + rel);
}

Status HttpStore::list(const std::string& rel_dir, std::vector<std::string>& names, bool /*hidden*/) const {
  names.clear();
  if (Status s = check_rel(rel_dir); !s.ok()) return s;
  std::string after;
  for (;;) {
    std::string target = "/v1/list/" + rel_dir + "?limit=" + std::to_string(kListPage);
    if (!after.empty()) {
      char* esc = curl_easy_escape(nullptr, after.c_str(), static_cast<int>(after.size()));
      target += "&after=" + std::string(esc != nullptr ? esc : "");
      curl_free(esc);
    }
    Response res;
    if (Status s = conn_->send({"GET", target, {}, {}, kMaxObjectSize, true}, res); !s.ok()) return s;
    if (res.status == 404) return Status::success();
    if (Status s = expect_status(res, {200}, "listing " + rel_dir); !s.ok()) return s;
    bool more = false;
    std::size_t page = 0;
    try {
      auto j = nlohmann::json::parse(res.body.begin(), res.body.end());
      for (const auto& n : j.at("names")) {
        std::string name = n.get<std::string>();
        // Names from the store: one segment each, strictly increasing (no repeat, no loop over pages).
        if (name.empty() || name.find('/') != std::string::npos || name.find('\0') != std::string::npos ||
            (!names.empty() && name <= names.back())) {
          return Status::fail(kExitAuth, "the store's listing of " + rel_dir + " is malformed");
        }
        names.push_back(std::move(name));
        ++page;
      }
      more = j.at("more").get<bool>();
    } catch (...) {
      return Status::fail(kExitAuth, "the store's listing of " + rel_dir + " is malformed");
    }
    if (names.size() > kMaxListNames) return Status::fail(kExitAuth, "the store lists too many names in " + rel_dir);
    if (!more) return Status::success();
    if (page == 0) return Status::fail(kExitAuth, "the store's listing of " + rel_dir + " is malformed");
    after = names.back();
  }
}

Status HttpStore::fetch_log(const UserId& user, std::vector<std::vector<std::uint8_t>>& entries) const {
  entries.clear();
  Response res;
  if (Status s = conn_->send({"GET", "/v1/log/" + to_hex(user.bytes) + "?from=0", {}, {}, kMaxLogBytes, true}, res);
      !s.ok()) {
    return s;
  }
  if (res.status == 404) return Status::success();
  if (Status s = expect_status(res, {200}, "reading the device list of " + to_hex(user.bytes)); !s.ok()) return s;
  // frame(entry) ...: a u32 big-endian length, then the bytes (each an object, at most kMaxObjectSize).
  const auto& b = res.body;
  for (std::size_t at = 0; at < b.size();) {
    if (b.size() - at < 4) return Status::fail(kExitAuth, "the store's device list response is malformed");
    const std::size_t n = (std::size_t{b[at]} << 24) | (std::size_t{b[at + 1]} << 16) | (std::size_t{b[at + 2]} << 8) |
                          std::size_t{b[at + 3]};
    at += 4;
    if (n > kMaxObjectSize || b.size() - at < n) {
      return Status::fail(kExitAuth, "the store's device list response is malformed");
    }
    entries.emplace_back(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + n));
    at += n;
  }
  if (res.log_length && *res.log_length != entries.size()) {
    return Status::fail(kExitAuth, "the store's device list response is malformed (Coffre-Log-Length)");
  }
  return Status::success();
}

Status HttpStore::open_blob(const std::string& rel, std::unique_ptr<BlobReader>& out) const {
  out.reset();
  if (Status s = check_rel(rel); !s.ok()) return s;
  Request req{"GET", object_target(rel), {}, {"Range: bytes=0-0"}, 1, true};
  Response res;
  if (Status s = conn_->send(req, res); !s.ok()) return s;
  if (res.status == 404) return Status::success();
  std::optional<std::uint64_t> size;
  if (res.status == 206) size = range_total(res.content_range);
  if (res.status == 416) size = range_total(res.content_range).value_or(0);
  if (!size) {
    if (Status s = expect_status(res, {206}, "reading " + rel); !s.ok()) return s;
    return Status::fail(kExitIo, "the store gave no size for " + rel);
  }
  out = std::make_unique<HttpBlobReader>(*conn_, rel, *size);
  return Status::success();
}

Status HttpStore::create_blob(const std::string& rel, const std::string& resume_key,
                              std::unique_ptr<BlobWriter>& out) const {
  if (Status s = check_rel(rel); !s.ok()) return s;
  std::string id, recorded_path;
  std::vector<std::optional<HeldPart>> held;
  if (!resume_key.empty()) {
    if (Status s = recorded_upload(access_.home, resume_key, id, recorded_path); !s.ok()) return s;
  }
  if (!id.empty() && recorded_path == rel) {
    Response res;
    if (Status s = conn_->send({"GET", "/v1/uploads/" + id, {}, {}, kMaxJsonBody, true}, res); !s.ok()) return s;
    if (res.status == 200) {
      try {
        auto j = nlohmann::json::parse(res.body.begin(), res.body.end());
        if (j.at("path").get<std::string>() != rel) throw std::runtime_error("path");
        for (const auto& p : j.at("parts")) {
          const auto k = p.at("k").get<std::uint64_t>();
          if (k > (1u << 20)) throw std::runtime_error("k");
          if (held.size() <= k) held.resize(k + 1);
          held[k] = HeldPart{p.at("size").get<std::uint64_t>(), p.at("sha256").get<std::string>()};
        }
        std::fprintf(stderr, "coffre: resuming the interrupted upload of %s\n", rel.c_str());
      } catch (...) {
        return Status::fail(kExitAuth, "the store's state of upload " + id + " is malformed");
      }
    } else if (res.status != 404) {
      return refused(res, "resuming upload " + id);
    } else {
      id.clear();  // discarded by the server (a day untouched): start again
    }
  } else {
    id.clear();
  }
  if (id.empty()) {
    const std::string body = json_string({{"path", rel}});
    Request req{"POST", "/v1/uploads", bytes_of(body), {"Content-Type: application/json"}, kMaxJsonBody, false};
    Response res;
    if (Status s = conn_->send(req, res); !s.ok()) return s;
    if (res.status == 412) {
      return Status::fail(kExitUsage, "the content " + rel + " is already in the store (already_exists)");
    }
    if (Status s = expect_status(res, {201, 200}, "starting the upload of " + rel); !s.ok()) return s;
    try {
      id = nlohmann::json::parse(res.body.begin(), res.body.end()).at("id").get<std::string>();
    } catch (...) {
      return Status::fail(kExitIo, "the store's answer to an upload is malformed");
    }
    // 32 hex digits (STORE.md 3.4); a UUID's dashes are accepted too. It goes into request paths: nothing else.
    if (id.empty() || id.size() > 64 ||
        !std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'; })) {
      return Status::fail(kExitIo, "the store's upload id is malformed");
    }
    if (!resume_key.empty()) {
      if (Status s = record_upload(access_.home, resume_key, id, rel); !s.ok()) return s;
    }
  }
  out = std::make_unique<HttpBlobWriter>(*conn_, rel, id, std::move(held));
  return Status::success();
}

}  // namespace coffre::cli
