// encrypt, decrypt, keygen.
#include "commands.hpp"

#include "armor_io.hpp"
#include "io.hpp"
#include "keyfile.hpp"
#include "passphrase.hpp"
#include "progress.hpp"
#include "sharing_cmds.hpp"
#include "stream.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <cstdlib>
#include <optional>
#include <unistd.h>

namespace coffre::cli {

namespace {

Status check_context(const ContextArgs& c) {
  if (c.id.size() > Context::kMaxObjectId) {
    return Status::fail(kExitUsage, "--id is longer than 1024 bytes");
  }
  return Status::success();
}

Context context_of(const ContextArgs& c) { return Context{c.id, c.revision, c.key_version}; }

// The secret named on the command line: a key file, a passphrase file, or (neither) a passphrase typed now.
struct Secret {
  std::optional<ContentKey> key;
  SecretBytes passphrase;
  Passphrase pass() const { return Passphrase{passphrase.reveal()}; }
};

Status load_secret(const SecretArgs& a, bool for_encryption, Secret& s) {
  if (!a.key_file.empty()) return read_key_file(a.key_file, s.key);
  if (!a.passphrase_file.empty()) return read_passphrase_file(a.passphrase_file, for_encryption, s.passphrase);
  return prompt_passphrase(for_encryption, s.passphrase);
}

PassphraseLimits passphrase_limits(const SecretArgs& a) {
  return PassphraseLimits{a.max_argon2_passes, a.max_argon2_mib * 1024};
}

std::size_t round_down(std::size_t value, std::size_t unit) {
  return std::max(unit, value / unit * unit);
}

// COFFRE_BLOCK=<bytes> (4 KiB to 64 MiB) changes the read block: tests use small blocks to cross many block
// boundaries with little data; benchmarks try other sizes (cli/README.md).
std::size_t target_block() {
  if (const char* b = std::getenv("COFFRE_BLOCK")) {
    long long v = std::atoll(b);
    if (v >= 4096 && v <= (64ll << 20)) return static_cast<std::size_t>(v);
  }
  return kTargetBlock;
}

// The read block of a stream: the target, rounded down to `unit` (a chunk, plain or sealed); for an input of known
// size no more than reads it whole (the smallest multiple of `unit` above its size: the first short read is its end).
// Every buffer of the stream is sized from the block and wiped at the end: a small file costs small buffers.
std::size_t stream_block(std::size_t unit, std::optional<std::uint64_t> input_size) {
  const std::size_t block = round_down(target_block(), unit);
  if (input_size && *input_size / unit + 1 < block / unit) {
    return static_cast<std::size_t>(*input_size / unit + 1) * unit;
  }
  return block;
}

Status check_secret_kind(const SecretArgs& a, const FileHeaderInfo& info, const std::string& name) {
  if (info.key_source == KeySource::passphrase && !a.key_file.empty()) {
    return Status::fail(kExitAuth, name + " was encrypted with a passphrase, not a key file (wrong_key): pass "
                                          "--passphrase-file FILE, or no key option to type the passphrase");
  }
  if (info.key_source == KeySource::key && a.key_file.empty()) {
    return Status::fail(a.passphrase_file.empty() ? kExitUsage : kExitAuth,
                        name + " was encrypted with a key file, not a passphrase: pass --key-file FILE");
  }
  return Status::success();
}

}  // namespace

Status library_failure(Error e, int code, Hints hints) {
  std::string m(error_message(e));
  if (!m.empty() && m.back() == '.') m.pop_back();
  m += " (" + std::string(error_code(e)) + ")";
  if (hints == Hints::command_line) {
    if (e == Error::wrong_key) m += ". Check --key-file, or the passphrase";
    if (e == Error::wrong_context) m += ". Pass the --id, --revision and --key-version used to encrypt it";
    if (e == Error::bad_magic) m += ". Is this the encrypted file?";
    if (e == Error::kdf_cost_exceeded) m += ". Only for a file you trust: raise --max-argon2-passes or --max-argon2-mib";
  }
  return Status::fail(code, std::move(m), std::string(error_code(e)));
}

// Decryption's first step, before any secret is asked for: the header, read synchronously (it tells the key source,
// so that a passphrase is not asked for a key-encrypted file).
Status read_file_head(Input& in, FileHead& h, Hints hints) {
  if (h.size < kFileHeaderPrefixSize) {
    std::size_t got = 0;
    Status s = read_full(in.fd(), h.bytes.data() + h.size, kFileHeaderPrefixSize - h.size, got, in.name());
    h.size += got;
    if (!s.ok()) return s;
  }
  std::size_t want = kFileHeaderSizeKey;
  if (h.size == kFileHeaderPrefixSize) {
    // docs/SPEC.md 5.1: the key source (byte 9) tells the header size; inspect checks the bytes before it.
    auto r = inspect_file_header({h.bytes.data(), h.size});
    if (!r && r.error() != Error::truncated) return library_failure(r.error(), kExitAuth, hints);
    if (h.bytes[9] == static_cast<std::uint8_t>(KeySource::passphrase)) want = kFileHeaderSizePassphrase;
    std::size_t got = 0;
    if (Status s = read_full(in.fd(), h.bytes.data() + h.size, want - h.size, got, in.name()); !s.ok()) return s;
    h.size += got;
  }
  auto r = inspect_file_header({h.bytes.data(), h.size});
  if (!r) {
    if (r.error() == Error::truncated && h.size == 0) {
      return Status::fail(kExitAuth, in.name() + " is empty: it is not a coffre file (truncated)");
    }
    return library_failure(r.error(), kExitAuth, hints);
  }
  h.info = r.value();
  return Status::success();
}

// ---------------------------------------------------------------------------------------------------------------

Status encrypt_stream(FileEncryptor& e, std::uint32_t chunk_size, Input& in, Output& out,
                      std::span<const std::uint8_t> prefix) {
  if (!prefix.empty()) {
    if (Status s = out.write(prefix.data(), prefix.size()); !s.ok()) return s;
  }
  StreamPlan plan;
  plan.block = stream_block(chunk_size, in.size());
  const std::size_t cc = chunk_size + kChunkOverhead;
  plan.out_capacity = kFileHeaderMaxSize + ((plan.block + chunk_size) / chunk_size + 1) * cc;
  Progress progress("encrypting", in.size());
  return run_stream(in, out, plan, progress,
                    [&](std::span<const std::uint8_t> block, bool eof, std::span<std::uint8_t> dst,
                        std::size_t& written) -> Status {
                      std::size_t n = 0;
                      if (!block.empty()) {
                        if (Error err = e.update(block, dst, n); err != Error::ok) {
                          return library_failure(err, kExitIo);
                        }
                      }
                      written = n;
                      if (eof) {
                        if (Error err = e.finish(dst.subspan(written), n); err != Error::ok) {
                          return library_failure(err, kExitIo);
                        }
                        written += n;
                      }
                      return Status::success();
                    });
}

Result<FileRangeReader> open_range_reader(const Input& in, std::span<const std::uint8_t> header,
                                          const ContentKey& key, const Context& ctx) {
  if (!in.size()) return Error::invalid_argument;
  auto where = FileRangeReader::final_chunk_range(header, *in.size());
  if (!where) return where.error();
  std::vector<std::uint8_t> final_chunk(static_cast<std::size_t>(where.value().size()));
  std::size_t got = 0;
  while (got < final_chunk.size()) {
    ssize_t n = pread(in.fd(), final_chunk.data() + got, final_chunk.size() - got,
                      static_cast<off_t>(where.value().begin + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::io_error;
    if (n == 0) return Error::truncated;
    got += static_cast<std::size_t>(n);
  }
  return FileRangeReader::open(header, *in.size(), final_chunk, key, ctx);
}

Status authenticate_head(FileDecryptor& d, const FileHead& head, Hints hints) {
  std::array<std::uint8_t, kFileHeaderMaxSize> none{};
  std::size_t n = 0;
  if (Error err = d.update({head.bytes.data(), head.size}, none, n); err != Error::ok) {
    return library_failure(err, kExitAuth, hints);
  }
  return Status::success();
}

Status decrypt_stream(FileDecryptor& d, const FileHead& head, Input& in, Output& out, Hints hints) {
  const std::size_t cc = head.info.chunk_size + kChunkOverhead;
  StreamPlan plan;
  plan.block = stream_block(cc, in.size());
  plan.out_capacity = plan.block + cc;
  std::uint64_t released = 0;
  // No bar over plaintext printed on the same terminal.
  bool plaintext_on_tty = out.is_stdout() && isatty(STDOUT_FILENO);
  Progress progress("decrypting",
                    in.size() && !plaintext_on_tty ? std::optional(*in.size() - head.size) : std::nullopt);
  Status s = run_stream(in, out, plan, progress,
                        [&](std::span<const std::uint8_t> block, bool eof, std::span<std::uint8_t> dst,
                            std::size_t& written) -> Status {
                          std::size_t n = 0;
                          Error err = d.update(block, dst, n);
                          written = n;
                          if (err == Error::ok && eof) {
                            err = d.finish(dst.subspan(written), n);
                            written += n;
                            if (err == Error::ok && !d.ended_properly()) err = Error::truncated;
                          }
                          released += written;
                          return err == Error::ok ? Status::success() : library_failure(err, kExitAuth, hints);
                        });
  if (!s.ok() && s.code == kExitAuth) {
    s.message = "decryption failed: " + s.message;
    if (out.writes_in_place()) {
      s.message += ". The " + std::to_string(released) + " bytes written to " + out.name() +
                   " are authentic but INCOMPLETE: discard them";
    } else {
      s.message += ". Nothing was written to " + out.name();
    }
  }
  return s;
}

Status reencrypt_stream(FileDecryptor& d, const FileHead& head, FileEncryptor& e, std::uint32_t chunk_size,
                        Input& in, Output& out, std::span<const std::uint8_t> prefix, Hints hints) {
  if (!prefix.empty()) {
    if (Status s = out.write(prefix.data(), prefix.size()); !s.ok()) return s;
  }
  const std::size_t in_cc = head.info.chunk_size + kChunkOverhead;
  StreamPlan plan;
  plan.block = stream_block(in_cc, in.size());
  std::vector<std::uint8_t> plain(plan.block + in_cc);
  plan.out_capacity = kFileHeaderMaxSize + (plain.size() / chunk_size + 2) * (chunk_size + kChunkOverhead);
  Progress progress("re-encrypting", in.size() ? std::optional(*in.size() - head.size) : std::nullopt);
  Status s = run_stream(in, out, plan, progress,
                      [&](std::span<const std::uint8_t> block, bool eof, std::span<std::uint8_t> dst,
                          std::size_t& written) -> Status {
                        written = 0;
                        std::size_t n = 0;
                        Error err = d.update(block, plain, n);
                        if (err == Error::ok && eof) {
                          std::size_t last = 0;
                          err = d.finish(std::span(plain).subspan(n), last);
                          n += last;
                          if (err == Error::ok && !d.ended_properly()) err = Error::truncated;
                        }
                        if (err != Error::ok) return library_failure(err, kExitAuth, hints);
                        std::size_t m = 0;
                        if (n > 0) {
                          if (Error e2 = e.update(std::span(plain).first(n), dst, m); e2 != Error::ok) {
                            return library_failure(e2, kExitIo);
                          }
                        }
                        written = m;
                        if (eof) {
                          if (Error e2 = e.finish(dst.subspan(written), m); e2 != Error::ok) {
                            return library_failure(e2, kExitIo);
                          }
                          written += m;
                        }
                        return Status::success();
                      });
  sodium_memzero(plain.data(), plain.size());  // plaintext passed through here
  return s;
}

Status refuse_terminal_output(const CryptArgs& a) {
  if (!a.armor && names_terminal(a.output)) {
    return Status::fail(kExitUsage, "refusing to write ciphertext to a terminal; pass -o FILE, redirect standard "
                                    "output, or pass -a for ASCII armor");
  }
  return Status::success();
}

// ---------------------------------------------------------------------------------------------------------------

int cmd_encrypt(const CryptArgs& args) {
  if (args.chunk_size < kMinChunkSize || args.chunk_size > kMaxChunkSize) {
    return report(Status::fail(kExitUsage, "--chunk-size must be between 64 and 1048576 bytes"));
  }
  CryptArgs a = args;
  if (Status s = read_recipients_files(a.recipients_files, a.recipients); !s.ok()) return report(s);
  if (!a.recipients.empty()) return cmd_encrypt_shared(a);
  if (Status s = check_context(a.context); !s.ok()) return report(s);
  if (Status s = refuse_terminal_output(a); !s.ok()) return report(s);
  if (Status s = Output::check(a.output, a.force); !s.ok()) return report(s);
  Input in;
  if (Status s = in.open(a.input); !s.ok()) return report(s);

  Secret secret;
  if (Status s = load_secret(a.secret, true, secret); !s.ok()) return report(s);
  FileOptions opts{a.chunk_size, a.threads};
  Context ctx = context_of(a.context);
  auto enc = secret.key ? FileEncryptor::create(*secret.key, ctx, opts)
                        : FileEncryptor::create(secret.pass(), ctx, PassphraseParams{}, opts);
  if (!enc) return report(library_failure(enc.error(), enc.error() == Error::invalid_argument ? kExitUsage : kExitIo));

  Output out;
  if (Status s = out.open(a.output, a.force); !s.ok()) return report(s);
  std::optional<ArmorWriter> armor;
  if (a.armor) armor.emplace(out);
  Status s = encrypt_stream(enc.value(), a.chunk_size, in, armor ? armor->output() : out, {});
  if (s.ok() && armor) s = armor->finish();
  if (s.ok()) s = out.commit();
  if (!s.ok()) {
    out.discard();
    return report(s);
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------------

int cmd_decrypt(const CryptArgs& a) {
  if (Status s = check_context(a.context); !s.ok()) return report(s);
  if (Status s = Output::check(a.output, a.force); !s.ok()) return report(s);
  Input in;
  if (Status s = in.open(a.input); !s.ok()) return report(s);
  ArmorReader armor;  // armored input (SPEC section 20) is decoded as it is read; `in` then reads the decoded bytes
  auto fail = [&](Status s) { return report(armor.conclude(std::move(s))); };
  FileHead head;
  // A shared file starts with its own prefix (SPEC section 15), a file envelope with "COFFRE".
  if (Status s = read_start(in, armor, {head.bytes.data(), kSharedMagic.size()}, head.size); !s.ok()) return fail(s);
  if (head.size == kSharedMagic.size() && std::equal(kSharedMagic.begin(), kSharedMagic.end(), head.bytes.begin())) {
    return cmd_decrypt_shared(a, in, armor);
  }
  if (Status s = read_file_head(in, head); !s.ok()) return fail(s);
  if (Status s = check_secret_kind(a.secret, head.info, in.name()); !s.ok()) return report(s);

  Secret secret;
  if (Status s = load_secret(a.secret, false, secret); !s.ok()) return report(s);
  Context ctx = context_of(a.context);
  auto dec = secret.key ? FileDecryptor::create(*secret.key, ctx, a.threads)
                        : FileDecryptor::create(secret.pass(), ctx, a.threads, passphrase_limits(a.secret));
  if (!dec) return report(library_failure(dec.error(), dec.error() == Error::invalid_argument ? kExitUsage : kExitIo));
  // The header is authenticated here: a wrong key or context fails before any output file exists.
  if (Status s = authenticate_head(dec.value(), head); !s.ok()) return report(s);
  Output out;
  if (Status s = out.open(a.output, a.force); !s.ok()) return report(s);
  // Armored input: the decryptor cannot authenticate the final chunk before the armor checked out (armor_io.hpp).
  Status s = armor.conclude(decrypt_stream(dec.value(), head, in, out));
  if (s.ok()) s = out.commit();
  if (!s.ok()) {
    out.discard();
    return report(s);
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------------------------------------------

int cmd_keygen(const std::string& output, bool symmetric) {
  if (!symmetric) {
    return report(Status::fail(kExitUsage, "only symmetric keys exist for now: pass --symmetric"));
  }
  if (output.empty()) return report(Status::fail(kExitUsage, "pass -o FILE: the file to write the key to"));
  if (Status s = write_new_key_file(output); !s.ok()) return report(s);
  std::fprintf(stderr, "coffre: wrote a new key to %s (mode 0600); keep it secret and keep a backup\n",
               output.c_str());
  return kExitOk;
}

}  // namespace coffre::cli

namespace coffre::cli {

namespace {

std::string trim_line(const std::string& line) {
  const char* ws = " \t\r";
  const auto first = line.find_first_not_of(ws);
  if (first == std::string::npos) return "";
  return line.substr(first, line.find_last_not_of(ws) - first + 1);
}

bool looks_like_user(const std::string& s) {
  return s.size() >= 8 && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
           return std::isxdigit(c) != 0;
         });
}

Status read_recipients_file(const std::string& file, std::vector<std::string>& recipients) {
  std::ifstream f(file);
  if (!f) return io_failure("cannot read the recipients file " + file, errno);
  std::string line;
  std::size_t number = 0;
  const std::size_t before = recipients.size();
  while (std::getline(f, line)) {
    ++number;
    const std::string user = trim_line(line);
    if (user.empty() || user[0] == '#') continue;
    if (!looks_like_user(user)) {
      return Status::fail(kExitUsage, file + ":" + std::to_string(number) + ": not a user id (32 hex digits, or at "
                                             "least the first 8 of a known contact's); comments start with '#'");
    }
    recipients.push_back(user);
  }
  if (f.bad()) return io_failure("cannot read the recipients file " + file, errno);
  if (recipients.size() == before) {
    return Status::fail(kExitUsage, "the recipients file " + file + " names no user");
  }
  return Status::success();
}

}  // namespace

Status read_recipients_files(const std::vector<std::string>& files, std::vector<std::string>& recipients) {
  for (const auto& file : files) {
    if (Status s = read_recipients_file(file, recipients); !s.ok()) return s;
  }
  return Status::success();
}

}  // namespace coffre::cli
