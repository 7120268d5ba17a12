// publish, contacts, fingerprint, verify, refuse (sharing_cmds.hpp). The shared-file commands are in
// shared_files.cpp.
#include "sharing_cmds.hpp"

#include "contacts.hpp"
#include "io.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace coffre::cli {

namespace {

constexpr const char* kUnchanged = "; nothing was changed in the home directory";

int fail(Status s) {
  if (s.message.find("nothing was changed") == std::string::npos) s.message += kUnchanged;
  return report(s);
}

const char* state_name(TrustState t) {
  switch (t) {
    case TrustState::unknown:
      return "unverified";
    case TrustState::verified:
      return "verified";
    case TrustState::refused:
      return "refused";
  }
  return "?";
}

// The contact's record fetched and observed, tolerating what fingerprint, verify and refuse handle themselves: a
// changed key (`pending`; kept in memory if `keep_pending`) and a refused contact.
Status fetch_for_decision(SharingSession& s, const UserId& user, bool keep_pending, bool& pending) {
  Error e = Error::ok;
  Status st = fetch_contact(s, user, keep_pending, &e);
  pending = e == Error::trust_mismatch;
  if (st.ok() || pending || e == Error::user_refused) return Status::success();
  return st;
}

Status open_for_user(const SharingArgs& a, SharingSession& s, UserId& user) {
  if (Status st = open_session(a.account, /*unlock=*/false, s); !st.ok()) return st;
  if (Status st = resolve_user(s, a.user, user); !st.ok()) return st;
  if (user == s.me()) return Status::fail(kExitUsage, "USER is this account; name another user");
  return Status::success();
}

}  // namespace

int cmd_publish(const SharingArgs& a) {
  SharingSession s;
  if (Status st = open_session(a.account, /*unlock=*/true, s); !st.ok()) return fail(st);
  if (Status st = publish_account_record(s.store(), s.account); !st.ok()) return fail(st);
  std::printf("Published the directory record of %s: identity generation %u, suite key version %u.\n",
      to_hex(s.me().bytes).c_str(), s.secrets().identity_generation(), s.secrets().current_suite_key().version);
  return kExitOk;
}

int cmd_contacts(const SharingArgs& a) {
  SharingSession s;
  if (Status st = open_session(a.account, /*unlock=*/false, s); !st.ok()) return fail(st);
  if (s.trust.contacts().empty() && !a.account.json) {
    std::printf("No contacts yet: they appear when you share with someone or open what they shared with you.\n");
    return kExitOk;
  }
  std::vector<UserId> users;
  for (const auto& [u, c] : s.trust.contacts()) users.push_back(u);
  nlohmann::ordered_json listed = nlohmann::ordered_json::array();
  for (const auto& u : users) {
    // What the store's directory shows now, checked against the contact's device list; a changed key is shown with
    // its safety number, never saved.
    TrustStore before = s.trust;
    Error e = Error::ok;
    Status st = fetch_contact(s, u, /*keep_pending=*/true, &e);
    const ContactTrust& c = *s.trust.find(u);
    nlohmann::ordered_json changed = nullptr;
    nlohmann::ordered_json directory_error = nullptr;
    std::string note;
    if (e == Error::trust_mismatch && c.pending) {
      auto number = s.trust.safety_number(u, s.self().identity);  // the pending record's
      const std::string shown = number ? number.value().to_string() : std::string(error_code(number.error()));
      changed = {{"identity_generation", c.pending->identity_generation()}, {"safety_number", shown}};
      note = "  CHANGED KEY in the directory (trust_mismatch): compare safety numbers\n    new identity generation " +
             std::to_string(c.pending->identity_generation()) + ", new safety number " + shown +
             "\n    if it matches theirs: coffre verify " + to_hex(u.bytes) + " '<the number>'";
    } else if (e != Error::ok && e != Error::user_refused) {
      directory_error = error_code(e);
      note = "  directory: " + std::string(error_code(e));
    }
    if (a.account.json) {
      listed.push_back({{"user_id", to_hex(u.bytes)},
                        {"state", state_name(c.state)},
                        {"identity_generation", c.pinned.identity_generation()},
                        {"suite_version", c.pinned.suite_version()},
                        {"changed_key", std::move(changed)},
                        {"directory_error", std::move(directory_error)}});
    } else {
      std::printf("%s  %-10s  identity generation %u, suite key version %u%s\n", to_hex(u.bytes).c_str(),
                  state_name(c.state), c.pinned.identity_generation(), c.pinned.suite_version(), note.c_str());
    }
    if (e == Error::trust_mismatch) s.trust = std::move(before);
  }
  if (Status st = save_session(s); !st.ok()) return report(st);
  if (a.account.json) print_json({{"contacts", std::move(listed)}});
  return kExitOk;
}

int cmd_fingerprint(const SharingArgs& a) {
  SharingSession s;
  UserId user;
  if (Status st = open_for_user(a, s, user); !st.ok()) return fail(st);
  bool pending = false;
  if (Status st = fetch_for_decision(s, user, true, pending); !st.ok()) return fail(st);
  auto number = s.trust.safety_number(user, s.self().identity);
  if (!number) return fail(lib_failure(number.error(), "the safety number with " + to_hex(user.bytes)));
  const ContactTrust& c = *s.trust.find(user);
  std::printf("Safety number with %s (%s%s):\n  %s\n", to_hex(user.bytes).c_str(), state_name(c.state),
      pending ? "; the directory shows a CHANGED key: this is the new key's number" : "",
      number.value().to_string().c_str());
  std::printf("Compare it with theirs ('coffre fingerprint %s' on their side) in person or on a call, then run\n"
      "  coffre verify %s '<the number>'\n",
      to_hex(s.me().bytes).c_str(), to_hex(user.bytes).c_str());
  // A first sight is pinned (trust on first use); a pending change is not saved.
  if (!pending) {
    if (Status st = save_session(s); !st.ok()) return report(st);
  }
  return kExitOk;
}

int cmd_verify(const SharingArgs& a) {
  auto typed = SafetyNumber::parse(a.safety_number);
  if (!typed) {
    return report(Status::fail(kExitUsage, "SAFETY-NUMBER must be 60 digits (spaces and hyphens are ignored), as "
                                           "'coffre fingerprint' prints it"));
  }
  SharingSession s;
  UserId user;
  if (Status st = open_for_user(a, s, user); !st.ok()) return fail(st);
  bool pending = false;
  if (Status st = fetch_for_decision(s, user, true, pending); !st.ok()) return fail(st);
  if (Error e = s.trust.verify(user, typed.value(), s.self().identity); e != Error::ok) {
    return fail(lib_failure(e, "the safety number does not match the one of " + to_hex(user.bytes) +
                                   (pending ? "'s changed key" : "") + ": do not share with them"));
  }
  s.trust_changed = true;
  if (Status st = save_session(s); !st.ok()) return report(st);
  std::printf("Verified %s%s.\n", to_hex(user.bytes).c_str(), pending ? ": its changed key is now the pinned one" : "");
  return kExitOk;
}

int cmd_refuse(const SharingArgs& a) {
  SharingSession s;
  UserId user;
  if (Status st = open_for_user(a, s, user); !st.ok()) return fail(st);
  bool pending = false;
  if (Status st = fetch_for_decision(s, user, false, pending); !st.ok()) return fail(st);
  if (Error e = s.trust.refuse(user); e != Error::ok) return fail(lib_failure(e, "user " + to_hex(user.bytes)));
  s.trust_changed = true;
  if (Status st = save_session(s); !st.ok()) return report(st);
  std::printf("Refused %s: nothing will be shared with them or accepted from them until you verify their safety number.\n",
      to_hex(user.bytes).c_str());
  return kExitOk;
}

}  // namespace coffre::cli
