// coffre_xwing_tool: coffre's X-Wing behind a line protocol, for tests/xwing-crosscheck/crosscheck.mjs (which compares
// it with libsodium 1.0.22). Test tool only: it prints secrets in hex.
//
// One request per stdin line, one answer per stdout line, in order (all hex lowercase):
//   keypair SEED          -> ok PUBLIC_KEY
//   enc PUBLIC_KEY ESEED  -> ok CIPHERTEXT SHARED_SECRET     (xwing_encapsulate_deterministic)
//   encrandom PUBLIC_KEY  -> ok CIPHERTEXT SHARED_SECRET     (xwing_encapsulate with the system RNG)
//   dec SEED CIPHERTEXT   -> ok SHARED_SECRET
// A failure answers `error CODE` (the error code of docs/SPEC.md section 7); malformed hex is `error bad_hex`.
#include "hex.hpp"

#include <coffre/coffre.hpp>
#include <coffre/xwing.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace coffre;
using coffre::vectors::from_hex;
using coffre::vectors::to_hex;

namespace {

std::string fail(Error e) { return "error " + std::string(error_code(e)); }

std::string encapsulation(Result<XWingEncapsulation> r) {
  if (!r) return fail(r.error());
  return "ok " + to_hex(r.value().ciphertext.bytes()) + " " + to_hex(r.value().shared_secret.reveal());
}

std::string answer(const std::vector<std::string>& w) {
  std::vector<std::vector<std::uint8_t>> arg;
  for (std::size_t i = 1; i < w.size(); ++i) {
    auto b = from_hex(w[i]);
    if (!b) return "error bad_hex";
    arg.push_back(std::move(*b));
  }
  const std::string& op = w.empty() ? std::string() : w[0];
  if (op == "keypair" && arg.size() == 1) {
    auto sk = XWingSecretKey::from_bytes(arg[0]);
    if (!sk) return fail(sk.error());
    auto pk = xwing_public_key(sk.value());
    if (!pk) return fail(pk.error());
    return "ok " + to_hex(pk.value().bytes());
  }
  if ((op == "enc" && arg.size() == 2) || (op == "encrandom" && arg.size() == 1)) {
    auto pk = XWingPublicKey::from_bytes(arg[0]);
    if (!pk) return fail(pk.error());
    return encapsulation(op == "enc" ? xwing_encapsulate_deterministic(pk.value(), arg[1])
                                     : xwing_encapsulate(pk.value(), system_rng()));
  }
  if (op == "dec" && arg.size() == 2) {
    auto sk = XWingSecretKey::from_bytes(arg[0]);
    if (!sk) return fail(sk.error());
    auto ct = XWingCiphertext::from_bytes(arg[1]);
    if (!ct) return fail(ct.error());
    auto ss = xwing_decapsulate(sk.value(), ct.value());
    if (!ss) return fail(ss.error());
    return "ok " + to_hex(ss.value().reveal());
  }
  return "error bad_request";
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    std::cout << answer(words) << '\n';
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}
