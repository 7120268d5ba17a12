// The recovery phrase (docs/SPEC.md section 13): 24 words of the BIP-39 English wordlist that encode 32 bytes of
// entropy and an 8-bit checksum. The entropy is the secret: it derives the recovery X-Wing key (section 9), which has
// a root wrap like a device. The phrase is shown once, at account creation, and typed back to recover.
#pragma once

#include <coffre/account.hpp>
#include <coffre/device_log.hpp>
#include <coffre/error.hpp>
#include <coffre/export.h>
#include <coffre/secret.hpp>
#include <coffre/xwing.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace coffre {

class Rng;

class COFFRE_API RecoveryPhrase {
 public:
  static constexpr std::size_t kEntropySize = 32;
  static constexpr std::size_t kWordCount = 24;

  /// A fresh phrase: 32 bytes of entropy from `rng`.
  static Result<RecoveryPhrase> generate(Rng& rng);
  /// The phrase of given entropy (invalid_argument unless 32 bytes).
  static Result<RecoveryPhrase> from_entropy(std::span<const std::uint8_t> entropy);
  /// Decodes typed words. Normalization (SPEC section 13): Unicode NFKD (BIP-39's; full-width letters and non-ASCII
  /// spaces become ASCII), then ASCII letters are lowercased, any run of ASCII whitespace separates two words, leading
  /// and trailing whitespace is ignored. recovery_phrase_invalid: not UTF-8, a non-ASCII byte left after NFKD, not
  /// exactly 24 words, a word not in the list (whole words only, no prefixes), or a bad checksum.
  static Result<RecoveryPhrase> from_words(std::string_view words);

  /// Whether `words` is a valid phrase, as from_words but without keeping anything: ok or recovery_phrase_invalid.
  static Error check(std::string_view words) noexcept;
  /// For a UI pointing at a typo: the position (0-based, after normalization) of the first word that is not in the
  /// BIP-39 English list (a word with a non-ASCII byte is not), or nullopt if every word is. Any number of words.
  static std::optional<std::size_t> first_unknown_word(std::string_view words) noexcept;

  /// The 32 bytes of entropy (empty for a moved-from phrase).
  const SecretBytes& entropy() const noexcept { return entropy_; }
  /// The 24 words, lowercase ASCII, separated by single spaces, nothing before or after. A secret: show it, never log
  /// it. invalid_argument for a moved-from phrase.
  Result<SecretBytes> words() const;
  /// The recovery X-Wing secret key: seed = KDF(entropy, "coffre/v1/recovery/kem-seed") (SPEC sections 9 and 13).
  /// invalid_argument for a moved-from phrase.
  Result<XWingSecretKey> recovery_kem_key() const;

 private:
  explicit RecoveryPhrase(SecretBytes entropy) : entropy_(std::move(entropy)) {}
  SecretBytes entropy_;
};

/// What a recovery phrase derives (SPEC section 13): the recovery X-Wing key pair, and the key of the genesis's
/// recovery_mac, which pins the account's genesis to the phrase: a store can copy the recovery public key (it is
/// public) into a genesis of its own, but cannot compute the MAC without the phrase. Secret, move-only.
///
/// Creating an account: pass it to create_account (or make_genesis). Recovering: verify the served log (verify_log),
/// then unwrap_root, which checks the genesis against the phrase before it opens anything.
class COFFRE_API RecoveryKey {
 public:
  /// invalid_argument for a moved-from phrase.
  static Result<RecoveryKey> from_phrase(const RecoveryPhrase& phrase);

  const XWingPublicKey& public_key() const noexcept { return pk_; }
  const XWingSecretKey& kem_key() const noexcept { return kem_; }
  /// The recovery signing key (seed KDF(entropy, "coffre/v1/recovery/sign-seed")): it authors the add-device entry
  /// of a recovery enrollment (author recovery_author_id()), as an enrolled device authors the others.
  const SigningKey& signing_key() const noexcept { return sign_; }

  /// recovery_mac = KDF(KDF(entropy, "coffre/v1/recovery/mac-key"), "coffre/v1/recovery/genesis-mac", user_id,
  /// identity_pk, u32(identity_generation), recovery_pk, recovery_sign_pk), the last two being this key's.
  RecoveryMac genesis_mac(const UserId& user, const VerifyKey& identity_pk,
                          std::uint32_t identity_generation) const noexcept;
  /// Whether `log` is the account this phrase created: wrap_invalid if its recovery public keys are not this key's (a
  /// phrase of another account); log_fork if its genesis's recovery_mac is not this key's MAC of the genesis's user
  /// id, identity key and generation (compared in constant time): a genesis the phrase holder did not make.
  Error check_genesis(const VerifiedLog& log) const noexcept;
  /// check_genesis, then the root key of log.root_epoch from the recovery key's wrap (wrap_invalid if it does not
  /// open for log.user, recovery_recipient_id() and that epoch).
  Result<RootKey> unwrap_root(const VerifiedLog& log, std::span<const std::uint8_t> wrap) const;

 private:
  RecoveryKey(XWingSecretKey kem, XWingPublicKey pk, SigningKey sign, SecretBytes mac_key)
      : kem_(std::move(kem)), pk_(std::move(pk)), sign_(std::move(sign)), mac_key_(std::move(mac_key)) {}
  XWingSecretKey kem_;
  XWingPublicKey pk_;
  SigningKey sign_;
  SecretBytes mac_key_;  ///< KDF(entropy, "coffre/v1/recovery/mac-key")
};

}  // namespace coffre
