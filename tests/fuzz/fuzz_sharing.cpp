// Sharing and Drive parsers (docs/SPEC.md sections 16-18): access lists, content-key wraps, directory records, the
// trust store and Drive node records, from arbitrary bytes. None may crash; none may accept bytes the fuzzer could
// only make valid by forging a signature or an AEAD tag; the trust store's encoding must be stable.
#include "fuzz_common.hpp"

#include <coffre/directory.hpp>
#include <coffre/drive.hpp>
#include <coffre/sharing.hpp>

#include <array>
#include <vector>

namespace {

const coffre::TrustedIdentity& owner() {
  static const coffre::TrustedIdentity id = [] {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(0x17);
    auto key = coffre::SigningKey::from_seed(seed).take();
    coffre::UserId user;
    user.bytes.fill(0x01);
    return coffre::TrustedIdentity{user, key.verify_key(), 1};
  }();
  return id;
}

const coffre::NodeKey& parent_key() {
  static const coffre::NodeKey k = [] {
    std::array<std::uint8_t, 32> b{};
    b.fill(0x42);
    return coffre::NodeKey::from_bytes(b).take();
  }();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  // An access list naming whatever document its bytes name, for the fixed owner: its signature cannot verify.
  coffre::DocumentRef doc{owner().user, {}, coffre::Purpose::document};
  if (size >= 38) {
    doc.purpose = static_cast<coffre::Purpose>(data[5]);
    std::copy(data + 22, data + 38, doc.id.bytes.begin());
  }
  if (coffre::open_access_list(in, owner(), doc, std::nullopt).ok()) __builtin_trap();
  (void)coffre::wrap_sender(in);
  if (coffre::verify_record(in).ok()) __builtin_trap();  // needs an identity signature

  auto trust = coffre::TrustStore::parse(in);
  if (trust.ok()) {
    const auto once = trust.value().encode();
    auto again = coffre::TrustStore::parse(once);
    if (!again.ok() || again.value().encode() != once) __builtin_trap();
  }

  coffre::NodeId parent;
  parent.bytes.fill(0x02);
  if (coffre::open_node_record(parent, parent_key(), in).ok()) __builtin_trap();  // needs the AEAD tags
  return 0;
}
