#!/usr/bin/env python3
"""Transcript tests of the contact and sharing commands of `coffre` (docs/SPEC.md sections 15 to 17).

Alice, Bob, Carol (and Mallory) are accounts with one device each (homes A, B, C, M) sharing one store (--store).
The store is treated as malicious: tests edit it between commands (a substituted directory record, wraps swapped
between documents or users, a wrap claiming another sender, access lists and wraps replayed after `unshare`) and
check that each attack fails with its own error code and exit code 1, leaves every home byte for byte as it was, and
writes no output. After each flow the whole store is searched for every account's secrets and for the plaintext.

Helpers come from account_test.py (same directory). Each test_* function is one CTest test
(tests/cli/CMakeLists.txt lists them with --list). Run one by hand:
    python3 tests/cli/sharing_test.py --coffre build/cli/coffre share_decrypt
"""

import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import account_test as at  # noqa: E402
from account_test import EXIT_AUTH, EXIT_IO, EXIT_OK, EXIT_USAGE, check, expect, read, snapshot, write  # noqa

RECORD_SIZE, RECORD_SIGNED = 1445, 1317
WRAP_SENDER = slice(42, 58)  # "CFRK" 01 purpose owner[16] document[16] key_version[4] sender[16] (SPEC 16.2)


class People:
    """Accounts (one World of account_test.py each, one home each) on one store, in a temporary directory."""

    def __init__(self, d, names="ABC"):
        self.d = d
        self.w = {}
        for n in names:
            self.add(n)

    def add(self, n):
        w = at.World(self.d)
        w.init(n)
        self.w[n] = w

    @property
    def store(self):
        return next(iter(self.w.values())).store

    def at(self, n):
        return self.w[n].at(n)

    def user(self, n):
        return self.w[n].user

    def path(self, name):
        return os.path.join(self.d, name)

    def record(self, n):
        return os.path.join(self.store, "directory", self.user(n) + ".record")

    def doc_dir(self, owner, doc):
        return os.path.join(self.store, "docs", self.user(owner), doc, "2")

    def wrap(self, owner, doc, version, n):
        return os.path.join(self.doc_dir(owner, doc), "wraps", str(version), self.user(n) + ".wrap")

    def access(self, owner, doc, name):
        return os.path.join(self.doc_dir(owner, doc), "access", name)

    def homes(self):
        return list(self.w)

    def encrypt(self, owner, recipients, plain, out):
        args = ["encrypt", *sum((["-r", self.user(r)] for r in recipients), []), self.path(plain), "-o",
                self.path(out), *self.at(owner)]
        expect(args, EXIT_OK, "shared file")
        blob = read(self.path(out))
        check(blob[:5] == b"CFRF\x01" and blob[5:21].hex() == self.user(owner), f"shared-file prefix {blob[:37]!r}")
        check(blob[37:43] == b"COFFRE", "a file envelope follows the prefix")
        return blob[21:37].hex()

    def decrypt_ok(self, n, shared, plain):
        out = self.path(f"out-{n}")
        if os.path.exists(out):
            os.remove(out)
        expect(["decrypt", self.path(shared), "-o", out, *self.at(n)], EXIT_OK)
        check(read(out) == read(self.path(plain)), f"{n} decrypted {shared} to other bytes")
        os.remove(out)

    def fails(self, args, code, err_has, out=None):
        """A command that must fail with `err_has`, change no home, and leave `out` absent (or as it was)."""
        before = {h: snapshot(self.w[h].home(h)) for h in self.homes()}
        out_before = read(out) if out and os.path.exists(out) else None
        expect(args, code, err_has)
        for h in self.homes():
            check(snapshot(self.w[h].home(h)) == before[h], f"home {h} changed after a failed 'coffre {args}'")
        if out:
            now = read(out) if os.path.exists(out) else None
            check(now == out_before, f"{out} changed after a failed 'coffre {args}'")

    def decrypt_fails(self, n, shared, code, err_has):
        out = self.path(f"out-{n}")
        self.fails(["decrypt", self.path(shared), "-o", out, *self.at(n)], code, err_has, out)

    def safety_number(self, n, other):
        out, _ = expect(["fingerprint", self.user(other), *self.at(n)], EXIT_OK)
        m = re.search(r"^  ((?:\d{5} ){11}\d{5})$", out, re.M)
        check(m, f"no safety number in {out!r}")
        return m.group(1)

    def scan(self, plains):
        """No store file holds an account secret, a recovery phrase or a 32-byte piece of a plaintext."""
        for n, w in self.w.items():
            w.scan_store(w.secrets(n))
        pieces = []
        for p in plains:
            data = read(self.path(p))
            pieces += [data[i:i + 32] for i in range(0, len(data) - 31, 4096)]
        for root, _, files in os.walk(self.store):
            for f in files:
                content = read(os.path.join(root, f))
                for piece in pieces:
                    check(piece not in content, f"plaintext in the store file {root}/{f}")


def forge_record(p, victim, forger):
    """A directory record for `victim`'s user id with `forger`'s keys, validly signed by the forger's identity key:
    what a malicious store can make for any user id."""
    rec = bytearray(read(p.record(forger)))
    check(len(rec) == RECORD_SIZE, "record size")
    rec[5:21] = bytes.fromhex(p.user(victim))
    seed = bytes.fromhex(p.w[forger].secrets(forger)[3])  # identity seed
    pk, sig = at.ed25519_sign(seed, at.frame(b"coffre/v1/directory/record") + bytes(rec[:RECORD_SIGNED]))
    check(pk == bytes(rec[25:57]), "the forger's identity key is the record's")
    rec[RECORD_SIGNED:RECORD_SIGNED + 64] = sig
    return bytes(rec)


def make_plain(p, name, size):
    write(p.path(name), os.urandom(size))


# ---------------------------------------------------------------------------------------------------------------


def test_share_decrypt(d):
    p = People(d)
    make_plain(p, "plain", 200_000)
    doc = p.encrypt("A", ["B"], "plain", "shared")
    # Store layout (SPEC section 15): the three directory records, the access list of version 1 and as current, one
    # wrap per member (the owner included).
    files = sorted(os.path.relpath(os.path.join(r, n), p.store) for r, _, fs in os.walk(p.store) for n in fs
                   if r.startswith(os.path.join(p.store, "docs")) or r.endswith("directory"))
    a, b = p.user("A"), p.user("B")
    want = sorted([f"directory/{p.user(n)}.record" for n in "ABC"] +
                  [f"docs/{a}/{doc}/2/access/1.access", f"docs/{a}/{doc}/2/access/current",
                   f"docs/{a}/{doc}/2/wraps/1/{a}.wrap", f"docs/{a}/{doc}/2/wraps/1/{b}.wrap"])
    check(files == want, f"store files {files}")
    check(read(p.access("A", doc, "current")) == read(p.access("A", doc, "1.access")), "current is version 1")
    p.decrypt_ok("B", "shared", "plain")
    p.decrypt_ok("A", "shared", "plain")
    # Bob now knows Alice (trust on first use) and pinned the document.
    out, _ = expect(["contacts", *p.at("B")], EXIT_OK)
    check(re.search(rf"^{a}  unverified ", out, re.M), out)
    pins = read(os.path.join(p.w["B"].home("B"), "pins.state")).decode()
    check(f"pin {a} {doc} 2 1 1\n" in pins, pins)
    check(oct(os.stat(os.path.join(p.w["B"].home("B"), "trust.state")).st_mode & 0o777) == "0o600", "trust mode")
    # Carol is not a member: not_a_member, no output, nothing changed.
    p.decrypt_fails("C", "shared", EXIT_AUTH, "not_a_member")
    # Only the owner shares; sharing twice with the same user is refused.
    p.fails(["share", p.path("shared"), p.user("C"), *p.at("B")], EXIT_USAGE, "only its owner")
    p.fails(["share", p.path("shared"), p.user("B"), *p.at("A")], EXIT_USAGE, "already has access")
    # A recipient without a directory record: not_found (exit 3), no output, nothing in the store's docs.
    docs_before = snapshot(os.path.join(p.store, "docs"))
    p.fails(["encrypt", "-r", "0" * 32, p.path("plain"), "-o", p.path("nobody"), *p.at("A")], EXIT_IO, "not_found",
            p.path("nobody"))
    check(snapshot(os.path.join(p.store, "docs")) == docs_before, "store docs changed by a failed encrypt")
    # Alice shares with Carol, named by an 8-digit prefix now that Alice knows her? She does not yet: full id first.
    p.fails(["share", p.path("shared"), p.user("C")[:8], *p.at("A")], EXIT_USAGE, "no known contact")
    expect(["share", p.path("shared"), p.user("C"), *p.at("A")], EXIT_OK, None)
    p.decrypt_ok("C", "shared", "plain")
    cur = read(p.access("A", doc, "current"))
    check(cur == read(p.access("A", doc, "1.access")), "the latest list of version 1 is current")
    check(int.from_bytes(cur[46:54], "big") == 2 and len(cur) == 122 + 16 * 3, "revision 2, three members")
    # Options that make no sense for a shared file.
    p.fails(["decrypt", p.path("shared"), "--id", "x", "-o", p.path("o"), *p.at("B")], EXIT_USAGE, "no --key-file",
            p.path("o"))
    p.fails(["encrypt", "-r", b, "--key-version", "3", p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_USAGE,
            "no --key-file", p.path("o"))
    # A truncated shared file authenticates nothing.
    write(p.path("cut"), read(p.path("shared"))[:-10])
    p.decrypt_fails("B", "cut", EXIT_AUTH, "Nothing was written")
    p.scan(["plain"])


def test_recipients_file_armored(d):
    """encrypt -R FILE (comments, blank lines, indentation, CR LF; combined with -r) and -a: an armored shared file
    that each member decrypts; a cut armored copy is armor_invalid with no output."""
    p = People(d)
    make_plain(p, "plain", 150_000)
    write(p.path("team"), f"# the team\n\n   {p.user('B')}  \r\n# {p.user('C')} left\n".encode())
    expect(["encrypt", "-a", "-R", p.path("team"), "-r", p.user("C"), p.path("plain"), "-o", p.path("shared.asc"),
            *p.at("A")], EXIT_OK, "shared file")
    text = read(p.path("shared.asc"))
    check(text.startswith(b"-----BEGIN COFFRE ENCRYPTED FILE-----\n") and
          text.endswith(b"-----END COFFRE ENCRYPTED FILE-----\n"), f"armor {text[:60]!r}")
    for n in "ABC":
        p.decrypt_ok(n, "shared.asc", "plain")
    write(p.path("cut.asc"), text[:len(text) // 2])
    p.decrypt_fails("B", "cut.asc", EXIT_AUTH, "armor_invalid: missing_end")
    # A bad line: a usage error naming the line, nothing written, no home changed.
    write(p.path("bad"), f"{p.user('B')}\nbob\n".encode())
    p.fails(["encrypt", "-R", p.path("bad"), p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_USAGE,
            p.path("bad") + ":2:", p.path("o"))


def test_verify_refuse(d):
    p = People(d)
    make_plain(p, "plain", 5000)
    a, b, c = p.user("A"), p.user("B"), p.user("C")
    n_ab = p.safety_number("A", "B")
    check(p.safety_number("B", "A") == n_ab, "both sides show the same safety number")
    check(p.safety_number("A", "C") != n_ab, "another pair, another number")
    check(len(n_ab.replace(" ", "")) == 60, n_ab)
    # A wrong number: trust_mismatch, nothing changes.
    wrong = ("1" if n_ab[0] != "1" else "2") + n_ab[1:]
    p.fails(["verify", b, wrong, *p.at("A")], EXIT_AUTH, "trust_mismatch")
    p.fails(["verify", b, "12345", *p.at("A")], EXIT_USAGE, "60 digits")
    expect(["verify", b[:8], n_ab.replace(" ", "-"), *p.at("A")], EXIT_OK, None)
    out, _ = expect(["contacts", *p.at("A")], EXIT_OK)
    check(re.search(rf"^{b}  verified ", out, re.M) and re.search(rf"^{c}  unverified ", out, re.M), out)
    p.fails(["fingerprint", b[:7], *p.at("A")], EXIT_USAGE, "USER must be")
    p.fails(["fingerprint", a, *p.at("A")], EXIT_USAGE, "this account")
    # Refusing Carol: nothing is shared with her...
    expect(["refuse", c, *p.at("A")], EXIT_OK, None)
    p.fails(["encrypt", "-r", c, p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_AUTH, "user_refused",
            p.path("o"))
    # ...and nothing from her is accepted: Bob refuses Alice, then cannot open what she shares.
    p.encrypt("A", ["B"], "plain", "shared")
    expect(["refuse", a, *p.at("B")], EXIT_OK, None)
    p.decrypt_fails("B", "shared", EXIT_AUTH, "user_refused")
    out, _ = expect(["contacts", *p.at("B")], EXIT_OK)
    check(re.search(rf"^{a}  refused ", out, re.M), out)
    # Verifying her safety number undoes the refusal.
    expect(["verify", a, n_ab, *p.at("B")], EXIT_OK, None)
    p.decrypt_ok("B", "shared", "plain")
    p.scan(["plain"])


def test_substituted_key(d):
    p = People(d, "ABCM")
    make_plain(p, "plain", 70_000)
    a, b = p.user("A"), p.user("B")
    p.encrypt("A", ["B"], "plain", "shared")
    p.decrypt_ok("B", "shared", "plain")  # Bob pins Alice's record; Alice pinned Bob's when sharing
    n_before = p.safety_number("A", "B")
    good_a, good_b = read(p.record("A")), read(p.record("B"))

    # The store serves Mallory's keys as Alice's: they are not the keys of Alice's verified device list
    # (record_invalid): Bob cannot decrypt, nothing changes.
    write(p.record("A"), forge_record(p, "A", "M"))
    p.decrypt_fails("B", "shared", EXIT_AUTH, "record_invalid")
    # ... and as Bob's: Alice cannot share with "Bob", nothing is written.
    write(p.record("B"), forge_record(p, "B", "M"))
    docs_before = snapshot(os.path.join(p.store, "docs"))
    p.fails(["encrypt", "-r", b, p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_AUTH, "record_invalid",
            p.path("o"))
    check(snapshot(os.path.join(p.store, "docs")) == docs_before, "store docs changed by a refused share")
    # contacts shows it and saves nothing; no safety number is shown for a refused record.
    before = snapshot(p.w["A"].home("A"))
    out, _ = expect(["contacts", *p.at("A")], EXIT_OK)
    check(re.search(rf"^{b}  unverified .*directory: record_invalid", out, re.M), out)
    p.fails(["fingerprint", b, *p.at("A")], EXIT_AUTH, "record_invalid")
    check(snapshot(p.w["A"].home("A")) == before, "a refused record changed the home")
    # A device list of the store's own for Bob (his user id, other keys, validly signed) forks the one Alice pinned;
    # none at all is a rollback.
    log_b = os.path.join(p.store, "accounts", b, "log", "0.entry")
    good_log_b = read(log_b)
    write(log_b, at.resign_genesis(good_log_b, os.urandom(32), os.urandom(32)))
    p.fails(["encrypt", "-r", b, p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_AUTH, "log_fork", p.path("o"))
    os.remove(log_b)
    p.fails(["encrypt", "-r", b, p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_AUTH, "log_rollback",
            p.path("o"))
    write(log_b, good_log_b)
    # A bad record (not signed by its key) is record-level garbage: signature_invalid.
    bad = bytearray(good_b)
    bad[100] ^= 1
    write(p.record("B"), bytes(bad))
    p.fails(["encrypt", "-r", b, p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_AUTH, "signature_invalid",
            p.path("o"))
    # Another user's genuine record served under Bob's id: record_invalid.
    write(p.record("B"), read(p.record("C")))
    p.fails(["encrypt", "-r", b, p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_AUTH, "record_invalid",
            p.path("o"))
    # Back to the genuine records: everything works again.
    write(p.record("A"), good_a)
    write(p.record("B"), good_b)
    p.decrypt_ok("B", "shared", "plain")
    p.encrypt("A", ["B"], "plain", "shared2")
    p.decrypt_ok("B", "shared2", "plain")
    check(p.safety_number("A", "B") == n_before, "the safety number changed")
    p.scan(["plain"])


def test_swapped_wraps(d):
    p = People(d)
    make_plain(p, "plain1", 10_000)
    make_plain(p, "plain2", 20_000)
    doc1 = p.encrypt("A", ["B", "C"], "plain1", "shared1")
    doc2 = p.encrypt("A", ["B"], "plain2", "shared2")
    b1, b2 = p.wrap("A", doc1, 1, "B"), p.wrap("A", doc2, 1, "B")
    good1, good2 = read(b1), read(b2)
    # A wrap of another document: wrong_context.
    write(b1, good2)
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "wrong_context")
    # Another member's wrap of the same document: wrong_context (recipient).
    write(b1, read(p.wrap("A", doc1, 1, "C")))
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "wrong_context")
    write(b1, read(p.wrap("A", doc1, 1, "A")))
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "wrong_context")
    # A wrap that claims a sender who is not a member (Carol is not in document 2): not_a_member.
    forged = bytearray(good2)
    forged[WRAP_SENDER] = bytes.fromhex(p.user("C"))
    write(b2, bytes(forged))
    p.decrypt_fails("B", "shared2", EXIT_AUTH, "not_a_member")
    # ... a sender who is a member (Carol, in document 1) but did not sign it: signature_invalid.
    forged = bytearray(good1)
    forged[WRAP_SENDER] = bytes.fromhex(p.user("C"))
    write(b1, bytes(forged))
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "signature_invalid")
    # A flipped byte in the sealed key: signature_invalid; a wrap of the wrong size: wrap_invalid.
    forged = bytearray(good1)
    forged[1300] ^= 1
    write(b1, bytes(forged))
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "signature_invalid")
    write(b1, good1[:-1])
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "wrap_invalid")
    # The access list: another document's (wrong_context), a flipped byte (signature_invalid).
    cur1 = p.access("A", doc1, "current")
    good_list = read(cur1)
    write(b1, good1)
    write(cur1, read(p.access("A", doc2, "current")))
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "wrong_context")
    bad = bytearray(good_list)
    bad[-10] ^= 1
    write(cur1, bytes(bad))
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "signature_invalid")
    bad = bytearray(good_list)
    bad[-80:-64] = bad[-96:-80]  # the last member id repeats the one before it: not strictly increasing
    write(cur1, bytes(bad))
    p.decrypt_fails("B", "shared1", EXIT_AUTH, "record_invalid")
    os.remove(cur1)
    p.decrypt_fails("B", "shared1", EXIT_IO, "not_found")
    # A shared file whose prefix names another document: its envelope does not open (wrong_context / wrong_key).
    write(cur1, good_list)
    write(b2, good2)
    s1 = read(p.path("shared1"))
    write(p.path("moved"), s1[:21] + bytes.fromhex(doc2) + s1[37:])
    p.decrypt_fails("B", "moved", EXIT_AUTH, "(wrong_key)")
    p.decrypt_ok("B", "shared1", "plain1")
    p.decrypt_ok("B", "shared2", "plain2")
    p.scan(["plain1", "plain2"])


def test_unshare_rollback(d):
    p = People(d)
    make_plain(p, "plain", 300_000)
    a, c = p.user("A"), p.user("C")
    doc = p.encrypt("A", ["B", "C"], "plain", "shared")
    shutil.copy(p.path("shared"), p.path("shared-v1"))
    p.decrypt_ok("B", "shared", "plain")
    p.decrypt_ok("C", "shared", "plain")
    # Only the owner removes members; a non-member or the owner cannot be removed; FILE untouched.
    p.fails(["unshare", p.path("shared"), c, *p.at("B")], EXIT_USAGE, "only its owner", p.path("shared"))
    p.fails(["unshare", p.path("shared"), a, *p.at("A")], EXIT_USAGE, "owner cannot be removed", p.path("shared"))
    p.fails(["unshare", p.path("shared"), "f" * 32, *p.at("A")], EXIT_USAGE, "not_a_member", p.path("shared"))
    # A member's key substituted in the directory blocks the rotation: FILE, store and homes untouched.
    good_b = read(p.record("B"))
    write(p.record("B"), forge_record(p, "B", "C"))
    docs_before = snapshot(os.path.join(p.store, "docs"))
    p.fails(["unshare", p.path("shared"), c, *p.at("A")], EXIT_AUTH, "record_invalid", p.path("shared"))
    check(snapshot(os.path.join(p.store, "docs")) == docs_before, "store docs changed by a failed unshare")
    write(p.record("B"), good_b)

    out, _ = expect(["unshare", p.path("shared"), c[:8], *p.at("A")], EXIT_OK)
    check("content-key version 2" in out, out)
    blob = read(p.path("shared"))
    check(blob[21:37].hex() == doc and blob != read(p.path("shared-v1")), "FILE re-encrypted, same document")
    check(int.from_bytes(blob[37 + 14:37 + 18], "big") == 2, "the envelope's key_version is 2")
    # Carol cannot open the new file; she still opens the copy she had. Bob and Alice open the new one.
    p.decrypt_fails("C", "shared", EXIT_AUTH, "not_a_member")
    p.decrypt_ok("C", "shared-v1", "plain")
    p.decrypt_ok("B", "shared", "plain")
    p.decrypt_ok("A", "shared", "plain")
    pins = read(os.path.join(p.w["B"].home("B"), "pins.state")).decode()
    check(f"pin {a} {doc} 2 2 2\n" in pins, pins)
    check(not os.path.exists(p.wrap("A", doc, 2, "C")), "no wrap of version 2 for Carol")

    # Replays after Bob saw version 2: the old access list as current is below his pin (key_version_rollback),
    # for the new file and for the old one alike.
    cur = p.access("A", doc, "current")
    good_cur = read(cur)
    write(cur, read(p.access("A", doc, "1.access")))
    p.decrypt_fails("B", "shared", EXIT_AUTH, "key_version_rollback")
    p.decrypt_fails("B", "shared-v1", EXIT_AUTH, "key_version_rollback")
    write(cur, good_cur)
    # The wrap of version 1 served as version 2: wrong_context.
    w2 = p.wrap("A", doc, 2, "B")
    good_w2 = read(w2)
    write(w2, read(p.wrap("A", doc, 1, "B")))
    p.decrypt_fails("B", "shared", EXIT_AUTH, "wrong_context")
    write(w2, good_w2)
    # Version 2's access list served as version 1's: wrong_context.
    v1 = p.access("A", doc, "1.access")
    good_v1 = read(v1)
    write(v1, good_cur)
    p.decrypt_fails("B", "shared-v1", EXIT_AUTH, "wrong_context")
    write(v1, good_v1)
    p.decrypt_ok("B", "shared-v1", "plain")
    # Carol is added back: she reads the current version again.
    expect(["share", p.path("shared"), c, *p.at("A")], EXIT_OK, None)
    p.decrypt_ok("C", "shared", "plain")
    p.scan(["plain"])


def run_hooks(args, crash_at):
    """The test build of coffre, killed (SIGKILL) at its crash point number `crash_at` (cli/src/crash_point.hpp)."""
    return at.run(args, env={"COFFRE_TEST_CRASH_AT": str(crash_at)}, binary=at.COFFRE_HOOKS)


def file_key_version(p, name):
    return int.from_bytes(read(p.path(name))[37 + 14:37 + 18], "big")


def current_key_version(p, owner, doc):
    """The key version of the document's current access list in the store (SPEC 16.1: u32 at byte 42)."""
    return int.from_bytes(read(p.access(owner, doc, "current"))[42:46], "big")


def unshare_state(p, doc, version):
    """After a killed unshare of Carol from FILE (of key version `version` before): FILE's and the store's current
    key versions, and whether the owner is told of an unfinished unshare. Checks the order's promise: Carol reads
    FILE only while the store's current list still has her (FILE not yet re-encrypted, `current` not moved); Alice
    always reads it; Bob reads it unless FILE is already under the version that is not yet current."""
    shared = p.path("shared")
    fv, cv = file_key_version(p, "shared"), current_key_version(p, "A", doc)
    check(not (cv > version and fv == version), f"current moved to {cv} while FILE is still under {version}")
    rc, _, err = at.run(["decrypt", shared, "-o", p.path("out-C"), *p.at("C")])
    if os.path.exists(p.path("out-C")):
        os.remove(p.path("out-C"))
    check((rc == EXIT_OK) == (fv == version), f"Carol decrypts FILE of version {fv} (current {cv}): exit {rc}")
    _, warn = expect(["decrypt", shared, "-o", p.path("out-A"), *p.at("A")], EXIT_OK)
    check(read(p.path("out-A")) == read(p.path("plain")), "Alice decrypted FILE to other bytes")
    os.remove(p.path("out-A"))
    if fv > cv:
        p.decrypt_fails("B", "shared", EXIT_AUTH, "key_version_rollback")
    else:
        p.decrypt_ok("B", "shared", "plain")
    return fv, cv, "interrupted 'coffre unshare'" in warn


def finished(p, doc, version, temps):
    """Carol is out of FILE and the store; Alice and Bob read it; nothing is left over."""
    check(file_key_version(p, "shared") > version, f"FILE still under version {version}")
    check(current_key_version(p, "A", doc) == file_key_version(p, "shared"), "FILE and current differ")
    p.decrypt_fails("C", "shared", EXIT_AUTH, "not_a_member")
    p.decrypt_ok("A", "shared", "plain")
    p.decrypt_ok("B", "shared", "plain")
    check(temps() == [], f"temporary files left: {temps()}")


def test_unshare_killed_at_every_step(d):
    """unshare killed after each step that outlives it (the re-encryption in a temporary file, each store write, the
    rename of FILE): FILE is under the new key before the store's current list drops Carol, so no crash leaves her
    reading a FILE she is cut off from (SPEC 15.2). A kill between the new version's list and `current` leaves the
    unshare unfinished: the owner's decrypt warns, share refuses, 'unshare FILE [USER]' finishes it (also when killed
    itself, at each of its steps). Then Carol is added back for the next round."""
    p = People(d)
    make_plain(p, "plain", 300_000)
    c = p.user("C")
    doc = p.encrypt("A", ["B", "C"], "plain", "shared")
    shared = p.path("shared")
    temps = lambda: [n for n in os.listdir(d) if n.endswith(".coffre-tmp")]  # noqa: E731
    seen = set()
    step = 1
    while True:
        version = file_key_version(p, "shared")
        rc, out, err = run_hooks(["unshare", shared, c, *p.at("A")], step)
        if rc == EXIT_OK:
            check(step > 5, f"unshare finished after only {step - 1} crash points")
            break
        check(rc == -9 and f"killed at crash point {step}," in err, f"step {step}: exit {rc}: {err!r}")
        fv, cv, unfinished = unshare_state(p, doc, version)
        if unfinished:
            seen.add("unfinished, FILE " + ("old" if fv == version else "new"))
            p.fails(["share", shared, c, *p.at("A")], EXIT_USAGE, "interrupted 'coffre unshare'", shared)
            if fv == version:
                # The finishing command killed at each of its own steps: the same promise, then it finishes.
                finish_step = 1
                while True:
                    rc, _, err = run_hooks(["unshare", shared, *p.at("A")], finish_step)
                    if rc == EXIT_OK:
                        break
                    check(rc == -9, f"step {step}, finishing step {finish_step}: exit {rc}: {err!r}")
                    fv, _, unfinished = unshare_state(p, doc, version)
                    finish_step += 1
                    if not unfinished:  # killed after `current`: what is left (saving the home) needs no store write
                        check(fv > version, f"step {step}: the finishing left FILE under {fv}")
                        seen.add("finishing killed after current")
                        break
                check(finish_step > 3, f"finishing took only {finish_step - 1} crash points")
            else:
                # Finished by 'unshare FILE' or by running the same command again (alternately).
                args = ["unshare", shared] + ([c] if step % 2 else [])
                out, _ = expect(args + p.at("A"), EXIT_OK)
                check("Finished an interrupted unshare" in out, out)
        elif fv == version:
            seen.add("nothing changed")
            expect(["unshare", shared, c, *p.at("A")], EXIT_OK, None)
        else:
            seen.add("done")
            p.fails(["unshare", shared, c, *p.at("A")], EXIT_USAGE, "not_a_member", shared)
        finished(p, doc, version, temps)
        # Carol back for the next round.
        expect(["share", shared, c, *p.at("A")], EXIT_OK, None)
        p.decrypt_ok("C", "shared", "plain")
        step += 1
    print(f"      {step - 1} crash points; states after a kill: {sorted(seen)}")
    check(seen == {"nothing changed", "unfinished, FILE old", "unfinished, FILE new", "done",
                   "finishing killed after current"}, f"states seen: {seen}")
    finished(p, doc, 0, temps)
    # 'unshare FILE' on a file that is up to date has nothing to do.
    p.fails(["unshare", shared, *p.at("A")], EXIT_USAGE, "name the USER", shared)
    p.scan(["plain"])


def test_unshare_over_unfinished(d):
    """Removing another member while an unshare is unfinished rotates from the version it left (not from current):
    `current` goes from 1 to 3, without either member, and FILE with it."""
    p = People(d)
    make_plain(p, "plain", 300_000)
    b, c = p.user("B"), p.user("C")
    doc = p.encrypt("A", ["B", "C"], "plain", "shared")
    rel = os.path.relpath(p.access("A", doc, "2.access"), p.store)
    rc, _, err = run_hooks(["unshare", p.path("shared"), c, *p.at("A")], rel)
    check(rc == -9 and rel in err, f"exit {rc}: {err!r}")
    check(file_key_version(p, "shared") == current_key_version(p, "A", doc) == 1, "killed too late")
    out, _ = expect(["unshare", p.path("shared"), b, *p.at("A")], EXIT_OK)
    check("Removed " + b in out, out)
    check(file_key_version(p, "shared") == current_key_version(p, "A", doc) == 3, "FILE and current not at 3")
    p.decrypt_fails("B", "shared", EXIT_AUTH, "not_a_member")
    p.decrypt_fails("C", "shared", EXIT_AUTH, "not_a_member")
    p.decrypt_ok("A", "shared", "plain")


def test_unshare_older_copy(d):
    """A copy of FILE kept from before an unshare is behind the current version: the owner's decrypt warns, share
    refuses, 'unshare COPY' re-encrypts it under the current version without writing to the store."""
    p = People(d)
    make_plain(p, "plain", 300_000)
    c = p.user("C")
    doc = p.encrypt("A", ["B", "C"], "plain", "shared")
    shutil.copy(p.path("shared"), p.path("copy"))
    expect(["unshare", p.path("shared"), c, *p.at("A")], EXIT_OK)
    _, warn = expect(["decrypt", p.path("copy"), "-o", p.path("out-A"), *p.at("A")], EXIT_OK)
    check("an older copy" in warn, warn)
    p.fails(["share", p.path("copy"), c, *p.at("A")], EXIT_USAGE, "an older copy", p.path("copy"))
    docs_before = snapshot(os.path.join(p.store, "docs"))
    out, _ = expect(["unshare", p.path("copy"), *p.at("A")], EXIT_OK)
    check("Finished an interrupted unshare" in out, out)
    check(snapshot(os.path.join(p.store, "docs")) == docs_before, "unshare of a copy wrote to the store")
    check(file_key_version(p, "copy") == current_key_version(p, "A", doc) == 2, "the copy is not under version 2")
    p.decrypt_fails("C", "copy", EXIT_AUTH, "not_a_member")
    p.decrypt_ok("B", "copy", "plain")


def test_inspect_shared_file(d):
    p = People(d, "AB")
    make_plain(p, "plain", 100_000)
    doc = p.encrypt("A", ["B"], "plain", "shared")
    out, _ = expect(["inspect", "--json", p.path("shared")], EXIT_OK)
    j = at.json.loads(out)
    want = {"format": "coffre-shared-file", "shared_version": 1, "owner": p.user("A"), "document_id": doc,
            "prefix_size": 37, "key_source": "key", "key_version": 1, "plaintext_size": 100_000,
            "file_size": len(read(p.path("shared"))), "size_consistent": True}
    check(all(j.get(k) == v for k, v in want.items()), f"inspect --json: {j}")
    out, _ = expect(["inspect", p.path("shared")], EXIT_OK)
    check(f"document id:    {doc}" in out and "coffre shared file" in out, out)
    write(p.path("cut"), read(p.path("shared"))[:20])
    expect(["inspect", p.path("cut")], EXIT_AUTH, "truncated")


def test_publish(d):
    p = People(d, "AB")
    make_plain(p, "plain", 1000)
    good = read(p.record("A"))
    os.remove(p.record("A"))
    p.fails(["encrypt", "-r", p.user("A"), p.path("plain"), "-o", p.path("o"), *p.at("B")], EXIT_IO, "not_found",
            p.path("o"))
    out, _ = expect(["publish", *p.at("A")], EXIT_OK)
    check("suite key version 1" in out, out)
    new = read(p.record("A"))
    check(len(new) == RECORD_SIZE and new[:RECORD_SIGNED - 8 - 32] == good[:RECORD_SIGNED - 8 - 32],
          "the same keys published again")
    p.encrypt("B", ["A"], "plain", "shared")
    p.decrypt_ok("A", "shared", "plain")
    # Recovery publishes too (same keys); a new device of the account reads what was shared with it.
    wa = p.w["A"]
    write(p.path("phrase"), wa.phrase.encode())
    os.remove(p.record("A"))
    expect(["recover", "--user", p.user("A"), "--phrase-file", p.path("phrase"), "--no-passphrase", "--home",
            p.path("A2"), "--store", p.store], EXIT_OK)
    check(os.path.exists(p.record("A")), "recover published the record")
    out = p.path("out-A2")
    expect(["decrypt", p.path("shared"), "-o", out, "--home", p.path("A2"), "--store", p.store], EXIT_OK)
    check(read(out) == read(p.path("plain")), "the recovered device decrypts")
    p.scan(["plain"])


def record_field(p, n, at):
    return int.from_bytes(read(p.record(n))[at:at + 4], "big")


def accept_changed_key(p, viewer, contact):
    """`viewer` sees `contact`'s identity change (contacts: CHANGED, with the new safety number, which is the one
    `contact` shows) and cannot share until it verifies that number; then it can."""
    u = p.user(contact)
    p.fails(["encrypt", "-r", u, p.path("plain"), "-o", p.path("o"), *p.at(viewer)], EXIT_AUTH, "trust_mismatch",
            p.path("o"))
    trust = os.path.join(p.w[viewer].home(viewer), "trust.state")
    trust_before = read(trust)
    out, _ = expect(["contacts", *p.at(viewer)], EXIT_OK)
    number = r"((?:\d{5} ){11}\d{5})"
    m = re.search(rf"^{u}  \w+ .*CHANGED KEY.*\n    new identity generation (\d+), new safety number {number}$", out,
                  re.M)
    check(m, out)
    theirs = p.safety_number(contact, viewer)
    check(m.group(2) == theirs, f"contacts shows {m.group(2)}, {contact} shows {theirs}")
    check(read(trust) == trust_before, "a pending change was saved")
    out, _ = expect(["verify", u, theirs, *p.at(viewer)], EXIT_OK)
    check("changed key is now the pinned one" in out, out)
    out, _ = expect(["contacts", *p.at(viewer)], EXIT_OK)
    check(re.search(rf"^{u}  verified    identity generation {m.group(1)}, ", out, re.M), out)
    return int(m.group(1))


def test_revoke_publishes(d):
    """A revocation rotates Alice's identity key: her device publishes a record of generation 2 (continuity-signed
    by generation 1) with suite key version 2. Bob never follows an identity change by himself (a revoked device
    holds the old key): he sees it changed, with the new safety number, and shares again only after verifying it."""
    p = People(d, "AB")
    make_plain(p, "plain", 50_000)
    wa = p.w["A"]
    wa.enroll("A2", "A")
    p.encrypt("B", ["A"], "plain", "old")
    expect(["decrypt", p.path("old"), "-o", p.path("out-A2"), *wa.at("A2")], EXIT_OK)
    check(read(p.path("out-A2")) == read(p.path("plain")), "the second device decrypts")
    check(record_field(p, "A", 21) == 1 and record_field(p, "A", 57) == 1, "generation 1, suite key version 1")
    n1 = p.safety_number("B", "A")
    rec1 = read(p.record("A"))
    expect(["device", "revoke", wa.device_id("A2"), "--yes", *p.at("A")], EXIT_OK)
    check(record_field(p, "A", 21) == 2 and record_field(p, "A", 57) == 2, "the revocation published generation 2, "
          "suite key version 2")
    check(accept_changed_key(p, "B", "A") == 2 and p.safety_number("B", "A") != n1, "a new safety number")
    p.encrypt("B", ["A"], "plain", "new")
    p.decrypt_ok("A", "new", "plain")
    p.decrypt_ok("A", "old", "plain")  # wrapped to suite key version 1, which the account keeps
    # The revoked device reads nothing, new or old.
    for f in ("new", "old"):
        expect(["decrypt", p.path(f), "-o", p.path("out-A2x"), *wa.at("A2")], EXIT_AUTH, "device_not_enrolled")
        check(not os.path.exists(p.path("out-A2x")), "no output")
    # The store serving the old record again is older than Alice's device list: a rollback.
    rec2 = read(p.record("A"))
    write(p.record("A"), rec1)
    p.fails(["encrypt", "-r", p.user("A"), p.path("plain"), "-o", p.path("o"), *p.at("B")], EXIT_AUTH,
            "key_version_rollback", p.path("o"))
    write(p.record("A"), rec2)
    # A publish from the remaining device signs the continuity with the key of generation 1 again.
    os.remove(p.record("A"))
    out, _ = expect(["publish", *p.at("A")], EXIT_OK)
    check("identity generation 2" in out and record_field(p, "A", 21) == 2, out)
    p.encrypt("B", ["A"], "plain", "new2")
    p.decrypt_ok("A", "new2", "plain")
    p.scan(["plain"])


def test_revoked_device_record(d):
    """Issue 8 (d): A2, revoked from Alice's account, kept the identity key of generation 1 and publishes a record of
    generation 2 of its own (fresh identity and suite keys, continuity-signed by the old identity key). Bob refuses
    it: it is not what Alice's verified device list says (record_invalid), even when the store also hides the
    revocation from him. Alice's real record then shows as a changed key, which Bob must verify."""
    p = People(d, "AB")
    make_plain(p, "plain", 20_000)
    wa = p.w["A"]
    a = p.user("A")
    wa.enroll("A2", "A")
    p.encrypt("B", ["A"], "plain", "before")  # Bob pins Alice's record and device list
    old = wa.secrets("A2")
    expect(["device", "revoke", wa.device_id("A2"), "--yes", *p.at("A")], EXIT_OK)
    real = read(p.record("A"))
    expect(["test-forge-record", "--store", p.store, "--user", a, "--identity-seed", old[3], "--generation", "1",
            *sum((["--suite-seed", k] for k in old[4:]), [])], EXIT_OK, binary=at.COFFRE_HOOKS)
    check(read(p.record("A")) != real and record_field(p, "A", 21) == 2, "the forged record is of generation 2")
    # The store hides the revocation entry (Bob pinned Alice's list before it): the forged record is not the keys
    # of the list Bob verifies.
    revoke_entry = os.path.join(p.store, "accounts", a, "log", "2.entry")
    held = read(revoke_entry)
    os.remove(revoke_entry)
    p.fails(["encrypt", "-r", a, p.path("plain"), "-o", p.path("o"), *p.at("B")], EXIT_AUTH, "record_invalid",
            p.path("o"))
    write(revoke_entry, held)
    # Nor of the list with the revocation (generation 2, but Alice's new key).
    p.fails(["encrypt", "-r", a, p.path("plain"), "-o", p.path("o"), *p.at("B")], EXIT_AUTH, "record_invalid",
            p.path("o"))
    out, _ = expect(["contacts", *p.at("B")], EXIT_OK)
    check(re.search(rf"^{a}  unverified  identity generation 1, suite key version 1  directory: record_invalid$", out,
                    re.M), out)
    # contacts pinned Alice's list with the revocation: hiding it now is a rollback.
    os.remove(revoke_entry)
    p.fails(["encrypt", "-r", a, p.path("plain"), "-o", p.path("o"), *p.at("B")], EXIT_AUTH, "log_rollback",
            p.path("o"))
    write(revoke_entry, held)
    # Alice's genuine record: a changed key for Bob, to compare with her.
    write(p.record("A"), real)
    accept_changed_key(p, "B", "A")
    p.encrypt("B", ["A"], "plain", "after")
    p.decrypt_ok("A", "after", "plain")
    p.fails(["decrypt", p.path("after"), "-o", p.path("out-A2"), *wa.at("A2")], EXIT_AUTH, "device_not_enrolled",
            p.path("out-A2"))
    p.scan(["plain"])


def test_unexpected_device_blocks(d):
    """A device of Alice's account that device A never saw approved (A2 approved A3) stops every command of A that
    uses the account, with device_unexpected and nothing changed, until the user accepts it on A."""
    p = People(d, "AB")
    make_plain(p, "plain", 5000)
    wa = p.w["A"]
    b = p.user("B")
    wa.enroll("A2", "A")
    p.encrypt("B", ["A"], "plain", "shared")
    p.encrypt("A", ["B"], "plain", "mine")
    wa.enroll("A3", "A2")
    a3 = wa.device_id("A3")
    for args in (["encrypt", "-r", b, p.path("plain"), "-o", p.path("o")], ["decrypt", p.path("shared"), "-o",
                 p.path("o")], ["share", p.path("mine"), b], ["unshare", p.path("mine"), b], ["contacts"],
                 ["fingerprint", b], ["publish"], ["drive", "ls"], ["whoami"]):
        p.fails([*args, *p.at("A")], EXIT_AUTH, "device_unexpected", p.path("o"))
    _, err = expect(["encrypt", "-r", b, p.path("plain"), "-o", p.path("o"), *p.at("A")], EXIT_AUTH)
    check(a3 in err and "a3-device" in err and "added by device" in err and "coffre device accept" in err, err)
    # The other devices work: A2 approved A3, A3 joined with A and A2 there.
    for h in ("A2", "A3"):
        out = p.path(f"out-{h}")
        expect(["decrypt", p.path("shared"), "-o", out, *wa.at(h)], EXIT_OK)
        check(read(out) == read(p.path("plain")), f"{h} decrypts")
    expect(["device", "accept", a3, "--yes", *p.at("A")], EXIT_OK)
    p.decrypt_ok("A", "shared", "plain")
    p.encrypt("A", ["B"], "plain", "shared2")
    p.decrypt_ok("B", "shared2", "plain")
    p.scan(["plain"])


def pins_objects(p, owner, epoch):
    """The account pins objects of `owner`'s epoch in the store (SPEC 15.1): {n: path}."""
    d = os.path.join(p.store, "accounts", p.user(owner), "pins", str(epoch))
    if not os.path.isdir(d):
        return {}
    return {int(f[:-len(".pins")]): os.path.join(d, f) for f in os.listdir(d) if f.endswith(".pins")}


def test_account_pins(d):
    """Pins belong to the account (issue 8): what Alice's first device saw, her second device never accepts a
    rollback of, even though it never fetched the new access list itself."""
    p = People(d, "ABCD")
    make_plain(p, "plain", 40_000)
    wa = p.w["A"]
    wa.enroll("A2", "A")
    a, c, dave = p.user("A"), p.user("C"), p.user("D")
    a2 = wa.at("A2")
    a2_home = wa.home("A2")
    doc = p.encrypt("A", ["B", "C"], "plain", "shared")
    shutil.copy(p.path("shared"), p.path("shared-a2"))  # the copy Alice's second device has
    expect(["decrypt", p.path("shared-a2"), "-o", p.path("out-A2"), *a2], EXIT_OK)
    check(f"pin {a} {doc} 2 1 1\n" in read(os.path.join(a2_home, "pins.state")).decode(), "A2 pinned version 1")
    # A Drive revision pin on the first device travels with the account's pins (the hook for coffre drive).
    node = "ab" * 16
    with open(os.path.join(wa.home("A"), "pins.state"), "a") as f:
        f.write(f"drive {a} {node} 5\n")

    # The first device removes Carol: version 2. The account's pins object says so, sealed (no id in the clear).
    expect(["unshare", p.path("shared"), c, *p.at("A")], EXIT_OK)
    objs = pins_objects(p, "A", 1)
    check(objs, "no account pins object in epoch 1")
    newest = read(objs[max(objs)])
    check(newest[:5] == b"CFRP\x01" and int.from_bytes(newest[5:9], "big") == 1 and
          int.from_bytes(newest[9:17], "big") == max(objs), f"header of {objs[max(objs)]}")
    check(bytes.fromhex(doc) not in newest and bytes.fromhex(a) not in newest, "a pin in the clear")
    check(len(objs) <= 2, f"superseded pins objects are removed: {sorted(objs)}")
    pins_before = read(os.path.join(a2_home, "pins.state"))
    check(f"pin {a} {doc} 2 1 1\n" in pins_before.decode(), "A2 has not seen version 2 itself")

    # The store serves the second device the OLD access list (Carol still a member): it refuses to re-share or to
    # decrypt from it, and nothing changes in any home (nor in the store's documents).
    cur = p.access("A", doc, "current")
    good_cur = read(cur)
    write(cur, read(p.access("A", doc, "1.access")))
    docs_before = snapshot(os.path.join(p.store, "docs"))
    a2_before = snapshot(a2_home)
    p.fails(["share", p.path("shared-a2"), dave, *a2], EXIT_AUTH, "key_version_rollback", p.path("shared-a2"))
    p.fails(["decrypt", p.path("shared-a2"), "-o", p.path("o"), *a2], EXIT_AUTH, "key_version_rollback",
            p.path("o"))
    check(snapshot(a2_home) == a2_before, "the second device's home changed after a refused command")
    check(snapshot(os.path.join(p.store, "docs")) == docs_before, "store docs changed by a refused share")
    # A pins object modified, or served under another number, is refused too (wrap_invalid).
    top = objs[max(objs)]
    tampered = bytearray(newest)
    tampered[-1] ^= 1
    write(top, bytes(tampered))
    p.fails(["decrypt", p.path("shared-a2"), "-o", p.path("o"), *a2], EXIT_AUTH, "wrap_invalid", p.path("o"))
    moved = os.path.join(os.path.dirname(top), f"{max(objs) + 1}.pins")
    write(top, newest)
    os.rename(top, moved)
    p.fails(["decrypt", p.path("shared-a2"), "-o", p.path("o"), *a2], EXIT_AUTH, "wrap_invalid", p.path("o"))
    os.rename(moved, top)
    check(snapshot(a2_home) == a2_before, "the second device's home changed")

    # With the real list, the second device opens version 2 and keeps what the account knows in its own pins.
    write(cur, good_cur)
    expect(["decrypt", p.path("shared"), "-o", p.path("out-A2b"), *a2], EXIT_OK)
    pins_a2 = read(os.path.join(a2_home, "pins.state")).decode()
    check(f"pin {a} {doc} 2 2 2\n" in pins_a2 and f"drive {a} {node} 5\n" in pins_a2, pins_a2)
    # A store that then withholds every pins object only withholds what the device did not know: it still refuses
    # the old list.
    held = {n: read(f) for n, f in pins_objects(p, "A", 1).items()}
    for f in pins_objects(p, "A", 1).values():
        os.remove(f)
    write(cur, read(p.access("A", doc, "1.access")))
    p.fails(["decrypt", p.path("shared-a2"), "-o", p.path("o"), *a2], EXIT_AUTH, "key_version_rollback", p.path("o"))
    write(cur, good_cur)
    os.makedirs(os.path.join(p.store, "accounts", a, "pins", "1"), exist_ok=True)  # an HTTP mirror drops empty dirs
    for n, content in held.items():
        write(os.path.join(p.store, "accounts", a, "pins", "1", f"{n}.pins"), content)

    # Revoking the second device: a new epoch. The first device's next command (here a file for itself alone) carries
    # the pins over to epoch 2 (object 1), under a root key the revoked device never gets; the revoked device reads
    # nothing any more.
    old_root = wa.secrets("A2")[2]
    expect(["device", "revoke", wa.device_id("A2"), "--yes", *p.at("A")], EXIT_OK)
    check(not pins_objects(p, "A", 2), "no pins object in epoch 2 before a command of the new epoch")
    expect(["encrypt", "-r", a, p.path("plain"), "-o", p.path("mine"), *p.at("A")], EXIT_OK)
    objs2 = pins_objects(p, "A", 2)
    check(list(objs2) == [1], f"epoch 2 pins objects: {sorted(objs2)}")
    e2 = read(objs2[1])
    check(e2[:5] == b"CFRP\x01" and int.from_bytes(e2[5:9], "big") == 2, "header of epoch 2's object")
    check(bytes.fromhex(old_root) not in e2 and bytes.fromhex(doc) not in e2, "epoch 2's object in the clear")
    expect(["decrypt", p.path("shared"), "-o", p.path("out-A2c"), *a2], EXIT_AUTH, "device_not_enrolled")
    check(not os.path.exists(p.path("out-A2c")), "no output for the revoked device")
    # Epoch 2's object holds what epoch 1's did: a device that lost its local pins gets them back from it.
    os.remove(os.path.join(wa.home("A"), "pins.state"))
    expect(["encrypt", "-r", a, p.path("plain"), "-o", p.path("mine2"), *p.at("A")], EXIT_OK)
    pins_a = read(os.path.join(wa.home("A"), "pins.state")).decode()
    check(f"pin {a} {doc} 2 2 2\n" in pins_a and f"drive {a} {node} 5\n" in pins_a, pins_a)
    check(sorted(pins_objects(p, "A", 2)) == [1, 2], "the second command wrote object 2 (a new document's pin)")
    p.scan(["plain"])



ACCESS_GENERATION = slice(38, 42)  # "CFRA" 01 purpose owner[16] document[16] owner_identity_generation[4] (16.1)
ACCESS_REVISION = slice(46, 54)


def journal(p, n):
    return os.path.join(p.w[n].home(n), "resign.journal")


def forge_list(p, owner, doc, seed_hex, generation):
    """What a revoked device holding `owner`'s old identity key (`seed_hex`, of `generation`) can sign: the document's
    current access list at the next revision, naming that generation."""
    lst = bytearray(read(p.access(owner, doc, "current"))[:-64])
    lst[ACCESS_GENERATION] = generation.to_bytes(4, "big")
    rev = int.from_bytes(lst[ACCESS_REVISION], "big") + 1
    lst[ACCESS_REVISION] = rev.to_bytes(8, "big")
    _, sig = at.ed25519_sign(bytes.fromhex(seed_hex), at.frame(b"coffre/v1/access/signature") + bytes(lst))
    return bytes(lst) + sig


def test_revoke_resigns(d):
    """SPEC 15.4: a revocation gives Alice identity generation 2, and her device signs again, with the new key, the
    access lists she owns and the wraps she sent. Alice still decrypts her shared file; Bob does once he verified her
    new safety number; the revoked device does not. A list the revoked device signs afterwards with the old key is
    refused by both (trust_mismatch)."""
    p = People(d, "AB")
    make_plain(p, "plain", 50_000)
    wa = p.w["A"]
    wa.enroll("A2", "A")
    doc = p.encrypt("A", ["B"], "plain", "shared")
    p.decrypt_ok("B", "shared", "plain")
    old_seed = wa.secrets("A2")[3]
    old = {f: read(p.access("A", doc, f)) for f in ("1.access", "current")}
    _, err = expect(["device", "revoke", wa.device_id("A2"), "--yes", *p.at("A")], EXIT_OK)
    check("signed 4 access list(s) and wrap(s) again with identity generation 2" in err, err)
    check(not os.path.exists(journal(p, "A")), "the journal is removed once done")
    for f, before in old.items():
        now = read(p.access("A", doc, f))
        check(now[ACCESS_GENERATION] == (2).to_bytes(4, "big") and now[:38] == before[:38] and
              now[42:-64] == before[42:-64], f"{f}: the same list, signed by generation 2")
    for n in "AB":
        check(read(p.wrap("A", doc, 1, n))[58:62] == (2).to_bytes(4, "big"), f"{n}'s wrap signed by generation 2")
    p.decrypt_ok("A", "shared", "plain")
    p.decrypt_fails("B", "shared", EXIT_AUTH, "trust_mismatch")
    accept_changed_key(p, "B", "A")
    p.decrypt_ok("B", "shared", "plain")
    expect(["decrypt", p.path("shared"), "-o", p.path("out-A2"), *wa.at("A2")], EXIT_AUTH, "device_not_enrolled")
    check(not os.path.exists(p.path("out-A2")), "no output for the revoked device")
    # The revoked device plants a list signed with the old key: refused by everyone.
    good = read(p.access("A", doc, "current"))
    write(p.access("A", doc, "current"), forge_list(p, "A", doc, old_seed, 1))
    p.decrypt_fails("A", "shared", EXIT_AUTH, "trust_mismatch")
    p.decrypt_fails("B", "shared", EXIT_AUTH, "trust_mismatch")
    write(p.access("A", doc, "current"), good)
    p.decrypt_ok("A", "shared", "plain")
    p.decrypt_ok("B", "shared", "plain")
    p.scan(["plain"])


def test_revoke_resign_killed_at_every_step(d):
    """A revocation killed after each step that outlives it (the journal, the entry, the record, each re-signed wrap
    and list): the next command of Alice's device finishes it (or, before the entry, drops the journal). At the step
    after the entry, the revoked device plants a list signed with the old key: the resumed journal does not sign it
    again (it is not what Alice verified before the revocation), and everyone refuses it."""
    p = People(d, "AB")
    make_plain(p, "plain", 20_000)
    wa = p.w["A"]
    doc = p.encrypt("A", ["B"], "plain", "shared")
    p.decrypt_ok("B", "shared", "plain")
    step, generation, planted = 1, 1, False
    while True:
        victim = f"A{step + 1}"
        wa.enroll(victim, "A")
        old_seed = wa.secrets(victim)[3]
        rc, _, err = run_hooks(["device", "revoke", wa.device_id(victim), "--yes", *p.at("A")], step)
        if rc == EXIT_OK:
            check(step > 5, f"the revocation finished after only {step - 1} crash points")
            generation += 1
            accept_changed_key(p, "B", "A")
            p.decrypt_ok("B", "shared", "plain")
            break
        check(rc == -9 and f"killed at crash point {step}," in err, f"step {step}: exit {rc}: {err!r}")
        has_journal = os.path.exists(journal(p, "A"))
        revoked = os.path.exists(wa.log_path(2 * step))  # 0 init, then an add-device and a revoke entry per step
        check(has_journal or not revoked, f"step {step}: revoked without a journal")
        forged = None
        if revoked and not planted:
            planted = True
            forged = forge_list(p, "A", doc, old_seed, generation)
            write(p.access("A", doc, "current"), forged)
        if has_journal:
            _, err = expect(["decrypt", p.path("shared"), "-o", p.path("out-A"), *p.at("A")],
                            EXIT_AUTH if forged else EXIT_OK)
            check(not os.path.exists(journal(p, "A")), f"step {step}: the journal is still there")
            check(revoked or "changed nothing" in err, err)
        if forged:
            check("not signed again" in err and "trust_mismatch" in err, err)
            check(read(p.access("A", doc, "current")) == forged, "the planted list was signed again")
            p.decrypt_fails("B", "shared", EXIT_AUTH, "trust_mismatch")
            # Alice puts her own (re-signed) list of that version back as current.
            write(p.access("A", doc, "current"), read(p.access("A", doc, "1.access")))
        elif has_journal:
            os.remove(p.path("out-A"))
        if not revoked:
            # Killed before the entry: its epoch objects block the next revocation until --force removes them.
            _, err = expect(["device", "revoke", wa.device_id(victim), "--yes", "--force", *p.at("A")], EXIT_OK)
        generation += 1
        p.decrypt_ok("A", "shared", "plain")
        accept_changed_key(p, "B", "A")
        p.decrypt_ok("B", "shared", "plain")
        step += 1
    check(planted, "no crash point came after the entry")
    p.scan(["plain"])

TESTS = {name[len("test_"):]: f for name, f in sorted(globals().items()) if name.startswith("test_")}


if __name__ == "__main__":
    at.TESTS = TESTS  # account_test.py's runner
    sys.exit(at.main(prefix="coffre-sharing-"))
