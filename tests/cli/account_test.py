#!/usr/bin/env python3
"""Transcript tests of the account and device commands of `coffre` (docs/SPEC.md sections 9 to 14).

Several homes (--home, one per device) share one store (--store), as devices share a server. The store is treated as
malicious: tests edit it between commands and check that each attack fails with its own error code, exit code 1, and
leaves every home byte for byte as it was. After every flow the whole store is searched for the secrets of every
device (device seeds, root keys, identity and suite seeds, exported by `test-export-secrets`, a command only the test
build coffre-test-hooks has) and for the recovery phrase (any two consecutive words).

Each test_* function is one CTest test (tests/cli/CMakeLists.txt lists them with --list). Run one by hand:
    python3 tests/cli/account_test.py --coffre build/cli/coffre --coffre-hooks build/cli/coffre-test-hooks \
        enroll_revoke_recover
"""

import base64
import hashlib
import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import sys
import time

import store_mirror
from transcript import ANSWERED, Failure, answer_every, check, parse_args, run_cases, run_on_terminal  # noqa: F401

COFFRE = None
# The test build of coffre (target coffre_cli_test_hooks): the same commands plus the hidden `test-export-secrets`,
# which the shipped binary does not contain.
COFFRE_HOOKS = None

EXIT_OK, EXIT_AUTH, EXIT_USAGE, EXIT_IO = 0, 1, 2, 3


def run(args, env=None, timeout=120, binary=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    args, servers = store_mirror.before(args)
    try:
        p = subprocess.run([binary or COFFRE] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e,
                           start_new_session=True, timeout=timeout)
    finally:
        store_mirror.after(servers)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def expect(args, code, err_has=None, **kw):
    rc, out, err = run(args, **kw)
    check(rc == code, f"coffre {' '.join(args)}: exit {rc}, expected {code}; stdout: {out!r}; stderr: {err!r}")
    if err_has is not None:
        check(err_has in err, f"coffre {' '.join(args)}: {err_has!r} not in stderr {err!r}")
    return out, err


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, content):
    with open(path, "wb") as f:
        f.write(content)


def snapshot(d):
    """Every file and directory under d with its mode and content: to compare a home before and after."""
    snap = {}
    if not os.path.exists(d):
        return None
    for root, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(root, n)
            st = os.lstat(p)
            snap[os.path.relpath(p, d)] = (st.st_mode, None if stat.S_ISDIR(st.st_mode) else read(p))
    return snap


def frame(b):
    return len(b).to_bytes(4, "big") + b


def entry_hash(entry):
    return hashlib.blake2b(frame(b"coffre/v1/log/entry-hash") + frame(entry), digest_size=32).digest()


# Ed25519 (RFC 8032, section 6 reference code), to forge an entry signed by another identity than the account's.
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_G = (15112221349535400772501151409588531511454012693041857206046113283949847762202,
      46316835694926478169428394003475163141307993866256225615783033603165251855960, 1,
      46827403850823179245072216630277197565144205554125654976674165829533817101731)


def _add(a, b):
    A, B = (a[1] - a[0]) * (b[1] - b[0]) % _P, (a[1] + a[0]) * (b[1] + b[0]) % _P
    C, Dd = 2 * a[3] * b[3] * _D % _P, 2 * a[2] * b[2] % _P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % _P, G * H % _P, F * G % _P, E * H % _P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _enc(p):
    zi = pow(p[2], _P - 2, _P)
    x, y = p[0] * zi % _P, p[1] * zi % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def ed25519_sign(seed, msg):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    pk = _enc(_mul(a, _G))
    r = int.from_bytes(hashlib.sha512(h[32:] + msg).digest(), "little") % _L
    R = _enc(_mul(r, _G))
    k = int.from_bytes(hashlib.sha512(R + pk + msg).digest(), "little") % _L
    return pk, R + int.to_bytes((r + k * a) % _L, 32, "little")


def ed25519_pk(seed):
    return ed25519_sign(seed, b"")[0]


# Device-list entries (SPEC section 10, version 0x03): "CFRL" 03 | u64 seq | prev[32] | kind | frame(body) |
# author[16] | identity_sig[64] | author_sig[64] | tail[64] (the added device's pop, or the new identity's signature).
# Each signature covers every byte before the three signatures, under its own label.
ENTRY_SIGS = 3 * 64
BODY_AT = 50  # after the 46-byte header and the body's frame length


def genesis_fields(entry):
    """name -> (start, end) of each field of a genesis entry's body, in order."""
    fields, pos = {}, BODY_AT
    for name in ["user", "identity_pk", "generation", "suite_pk", "suite_version", "recovery_pk", "recovery_mac",
                 "recovery_sign_pk", "root_epoch", "device_id", "device_sign_pk", "device_kem_pk", "device_name",
                 "transcript"]:
        if name in ("generation", "suite_version", "root_epoch"):
            fields[name] = (pos, pos + 4)
            pos += 4
        else:
            n = int.from_bytes(entry[pos:pos + 4], "big")
            fields[name] = (pos + 4, pos + 4 + n)
            pos += 4 + n
    return fields


def resign_genesis(entry, identity_seed, device_seed):
    """The genesis `entry` with its identity key and its first device's signing key replaced by those of the seeds,
    and every signature made again: what a store can make from a genesis's public fields."""
    f = genesis_fields(entry)
    e = bytearray(entry)
    e[slice(*f["identity_pk"])] = ed25519_pk(identity_seed)
    e[slice(*f["device_sign_pk"])] = ed25519_pk(device_seed)
    signed = bytes(e[:-ENTRY_SIGS])
    field = lambda k: bytes(e[slice(*f[k])])  # noqa: E731
    pop_message = b"".join(frame(field(k)) for k in ["user", "device_id", "device_sign_pk", "device_kem_pk",
                                                       "transcript"])
    return (signed + ed25519_sign(identity_seed, frame(b"coffre/v1/log/entry") + signed)[1] +
            ed25519_sign(device_seed, frame(b"coffre/v1/log/author") + signed)[1] +
            ed25519_sign(device_seed, frame(b"coffre/v1/log/device-pop") + pop_message)[1])


# ---------------------------------------------------------------------------------------------------------------


class World:
    """Homes sharing a store, in a temporary directory."""

    def __init__(self, d, store="store"):
        self.d = d
        self.store = os.path.join(d, store)
        self.user = None
        self.phrase = None

    def home(self, name):
        return os.path.join(self.d, name)

    def at(self, home, store=None):
        return ["--home", self.home(home), "--store", store or self.store]

    def acct(self):
        return os.path.join(self.store, "accounts", self.user)

    def log_path(self, seq):
        return os.path.join(self.acct(), "log", f"{seq}.entry")

    def device_id(self, home):
        for line in read(os.path.join(self.home(home), "device.state")).decode().splitlines():
            if line.startswith("device "):
                return line.split()[1]
        raise Failure(f"no device line in {home}")

    def init(self, home="A", extra=()):
        out, err = expect(["init", "--name", home.lower() + "-device", *self.at(home), *(extra or ["--no-passphrase"])],
                          EXIT_OK)
        m = re.search(r"user id:\s+([0-9a-f]{32})", out)
        check(m, f"init printed no user id: {out}")
        self.user = m.group(1)
        tail = out[out.index("RECOVERY PHRASE"):]
        grid = [l for l in tail.splitlines() if re.fullmatch(r"(\s+\d+ [a-z]+)+\s*", l)]
        words = re.findall(r"(\d+) ([a-z]+)", "\n".join(grid))
        check([int(n) for n, _ in words] == list(range(1, 25)), f"24 numbered words: {tail}")
        self.phrase = " ".join(w for _, w in words)
        return out

    def secrets(self, home, extra=()):
        """The home's device seeds, current root key and account secrets (hex), from the hidden test command."""
        out, _ = expect(["test-export-secrets", *self.at(home), *extra], EXIT_OK, binary=COFFRE_HOOKS)
        j = json.loads(out)
        return [j["device_sign_seed"], j["device_kem_seed"], j["root_key"], j["identity_seed"]] + j["suite_seeds"]

    def forge_entry(self, identity_seed, author, author_seed, name="forged"):
        """Appends, after the store's head, an add-device entry for a new device, signed by the identity key
        `identity_seed` and, as device `author`, by `author_seed` (hex), with no check: the test build's
        test-forge-entry. Returns the new device's id."""
        out, _ = expect(["test-forge-entry", "--store", self.store, "--user", self.user, "--identity-seed",
                         identity_seed, "--author", author, "--author-seed", author_seed, "--name", name], EXIT_OK,
                        binary=COFFRE_HOOKS)
        return json.loads(out)["device_id"]

    def start_request(self, home, name=None, store=None, timeout=30, extra=()):
        """Starts `device request` in the background; returns (process, request id, stdout so far)."""
        args = [COFFRE, "device", "request", "--user", self.user, "--name", name or home.lower() + "-device",
                "--yes", "--timeout", str(timeout), *self.at(home, store), *(extra or ["--no-passphrase"])]
        args, _ = store_mirror.before(args)
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        seen = b""
        deadline = time.time() + 30
        while time.time() < deadline:
            r, _, _ = select.select([p.stdout], [], [], 0.5)
            if r:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
                m = re.search(rb"Request id: ([0-9a-f]{32})\n", seen)
                if m:
                    return p, m.group(1).decode(), seen.decode()
        p.kill()
        raise Failure(f"device request printed no request id: {seen!r} {p.stderr.read()!r}")

    def enroll(self, new, approver, approve_extra=(), request_extra=(), name_request=True):
        """Enrolls home `new` through home `approver`; checks that both printed the same security code.
        name_request=False: `device approve` finds the only pending request itself."""
        p, rid, seen = self.start_request(new, extra=request_extra)
        out_a, _ = expect(["device", "approve", *([rid] if name_request else []), "--yes", *self.at(approver),
                           *approve_extra], EXIT_OK)
        check(f"Enrollment request {rid} from a new device" in out_a, out_a)
        out_n, err_n = p.communicate(timeout=60)
        out_n = seen + out_n.decode()
        check(p.returncode == 0, f"device request: exit {p.returncode}: {err_n!r}")
        sas_a = re.findall(r"Security code: (\d{3} \d{3})", out_a)
        sas_n = re.findall(r"Security code: (\d{3} \d{3})", out_n)
        check(len(sas_a) == 1 and sas_a == sas_n, f"security codes differ: {sas_a} {sas_n}")
        check("This device is enrolled" in out_n, out_n)
        return rid

    def scan_store(self, secrets):
        """No store file holds a secret (raw, hex, base64, or a 16-byte half) or two consecutive recovery words."""
        needles = []
        for h in secrets:
            raw = bytes.fromhex(h)
            needles += [raw, h.encode(), h.upper().encode(), base64.b64encode(raw), base64.urlsafe_b64encode(raw),
                        raw[:16], raw[16:]]
        if self.phrase:
            needles += phrase_pieces(self.phrase)
        count = 0
        for root, _, files in os.walk(self.store):
            for n in files:
                check(not n.endswith(".coffre-tmp"), f"temporary file left in the store: {n}")
                content = read(os.path.join(root, n))
                count += 1
                for needle in needles:
                    check(needle not in content, f"a secret or a recovery word is in the store file {root}/{n}")
        check(count > 0, "empty store")
        where = store_mirror.database_holds(needles)
        check(where is None, f"a secret or a recovery word is in {where}")


def phrase_pieces(phrase):
    """The phrase, and every two consecutive words of it (single words are ordinary English: "device" is one)."""
    words = phrase.split()
    pieces = [phrase.encode(), "".join(words).encode()]
    for a, b in zip(words, words[1:]):
        pieces += [f"{a} {b}".encode(), f"{a}\n{b}".encode(), f"{a}{b}".encode()]
    return pieces


def list_devices(out):
    """(marker, id, name) for each line of `device list` under Devices:/Revoked: ('*' this device, '!' unexpected)."""
    return re.findall(r"^  ([*! ]) ([0-9a-f]{32}) \"([^\"]*)\"", out, re.M)


def expect_unchanged(w, homes, args, code, err_has):
    """Runs a command that must fail with `err_has`, and checks that no home changed. Returns (stdout, stderr)."""
    before = {h: snapshot(w.home(h)) for h in homes}
    res = expect(args, code, err_has)
    for h in homes:
        check(snapshot(w.home(h)) == before[h], f"{h} changed after a failed 'coffre {' '.join(args)}'")
    return res


# ---------------------------------------------------------------------------------------------------------------


def test_init_whoami(d):
    w = World(d)
    out = w.init("A")
    fp = re.search(r"fingerprint:\s+((?:[0-9a-f]{4} ){9}[0-9a-f]{4})", out)
    check(fp, out)
    # SPEC section 9, recomputed from the genesis entry: H(label, user_id, identity_pk, u32(generation)), 20 bytes.
    g = read(w.log_path(0))
    check(g[50:54] == (16).to_bytes(4, "big") and g[70:74] == (32).to_bytes(4, "big"), "genesis layout")
    check(g[54:70].hex() == w.user, "genesis user id")
    h = hashlib.blake2b(frame(b"coffre/v1/identity/fingerprint") + frame(g[54:70]) + frame(g[74:106]) +
                        frame(g[106:110]), digest_size=32).hexdigest()[:40]
    check(fp.group(1).replace(" ", "") == h, f"fingerprint {fp.group(1)} != {h}")
    check("shown this once" in out and "never again" in out, "recovery warning")
    home = w.home("A")
    check(stat.S_IMODE(os.stat(home).st_mode) == 0o700, "home mode 0700")
    check(os.listdir(home) == ["device.state"], f"home files {os.listdir(home)}")
    check(stat.S_IMODE(os.stat(os.path.join(home, "device.state")).st_mode) == 0o600, "state mode 0600")
    dev = w.device_id("A")
    out, _ = expect(["whoami", *w.at("A")], EXIT_OK)
    check(w.user in out and fp.group(1) in out and dev in out and "verified:     yes" in out, out)
    check(not any(p.decode() in out for p in phrase_pieces(w.phrase)), "whoami shows the phrase")
    out, _ = expect(["device", "list", *w.at("A")], EXIT_OK)
    check(list_devices(out) == [("*", dev, "a-device")], out)
    # The store: exactly genesis, sealed state, two wraps (device, recovery) and the directory record (SPEC 17).
    files = sorted(os.path.relpath(os.path.join(r, n), w.store) for r, _, fs in os.walk(w.store) for n in fs)
    u = w.user
    check(files == [f"accounts/{u}/log/0.entry", f"accounts/{u}/state/1.sealed",
                    f"accounts/{u}/wraps/1/{dev}.wrap", f"accounts/{u}/wraps/1/{'f' * 32}.wrap",
                    f"directory/{u}.record"], f"{files}")
    w.scan_store(w.secrets("A"))
    # A second init in the same home is refused, and changes nothing.
    expect_unchanged(w, ["A"], ["init", *w.at("A"), "--no-passphrase"], EXIT_USAGE, "already holds a device")
    # A second account in another home: a different user id, both verify.
    w2 = World(d)
    w2.init("B")
    check(w2.user != w.user, "two accounts, one user id")
    expect(["whoami", *w2.at("B")], EXIT_OK)
    expect(["whoami", *w.at("A")], EXIT_OK)


def test_enroll_revoke_recover(d):
    w = World(d)
    w.init("A")
    secrets = w.secrets("A")
    w.scan_store(secrets)

    # Enroll B through A: request / approve, the two security codes compared.
    w.enroll("B", "A")
    secrets += w.secrets("B")
    w.scan_store(secrets)
    a, b = w.device_id("A"), w.device_id("B")
    out_a, _ = expect(["device", "list", *w.at("A")], EXIT_OK)
    out_b, _ = expect(["device", "list", *w.at("B")], EXIT_OK)
    check(list_devices(out_a) == [("*", a, "a-device"), (" ", b, "b-device")], out_a)
    check(list_devices(out_b) == [(" ", a, "a-device"), ("*", b, "b-device")], out_b)
    out, _ = expect(["whoami", *w.at("B")], EXIT_OK)
    check("verified:     yes" in out and "root epoch 1" in out, out)
    check(w.secrets("A")[2] == w.secrets("B")[2], "A and B hold the same root key")

    # A recorded the device it approved; B, the one it joined.
    check(f"\nknown {b}\n" in read(os.path.join(w.home("A"), "device.state")).decode(), "A did not record B")
    check(f"\nknown {a}\n" in read(os.path.join(w.home("B"), "device.state")).decode(), "B did not record A")

    # Revoke B from A: new identity key and epoch, wrapped to A and the recovery key only.
    home_b = snapshot(w.home("B"))
    out, _ = expect(["device", "revoke", b[:8], "--yes", *w.at("A")], EXIT_OK)
    check("New identity key (generation 2), root epoch 2" in out, out)
    state_a = read(os.path.join(w.home("A"), "device.state")).decode()
    check(f"known {b}" not in state_a, "A still lists the revoked B as known")
    secrets += w.secrets("A")
    w.scan_store(secrets)
    wraps2 = sorted(os.listdir(os.path.join(w.acct(), "wraps", "2")))
    check(wraps2 == sorted([f"{a}.wrap", "f" * 32 + ".wrap"]), f"epoch 2 wraps {wraps2}")
    out, _ = expect(["whoami", *w.at("A")], EXIT_OK)
    check("root epoch 2" in out and "1 revoked" in out, out)
    # B can no longer open anything of epoch 2: it is not in the list, and nothing is wrapped to it.
    expect(["whoami", *w.at("B")], EXIT_AUTH, "device_not_enrolled")
    out, _ = expect(["device", "list", *w.at("B")], EXIT_AUTH, "device_not_enrolled")
    check(("*", b, "b-device") in list_devices(out), out)
    expect(["test-export-secrets", *w.at("B")], EXIT_AUTH, "device_not_enrolled", binary=COFFRE_HOOKS)
    check(snapshot(w.home("B")) == home_b, "the revoked device's home changed")
    expect(["device", "revoke", b, "--yes", *w.at("A")], EXIT_USAGE, "already revoked")
    expect(["device", "approve", "--yes", *w.at("B")], EXIT_AUTH, "device_not_enrolled")

    # Recover on a third home with the phrase (as printed, numbers included).
    numbered = " ".join(f"{i + 1}. {word}" for i, word in enumerate(w.phrase.split()))
    pf = os.path.join(d, "phrase.txt")
    write(pf, (numbered + "\n").encode())
    out, err = expect(["recover", "--user", w.user, "--phrase-file", pf, "--name", "c-device", "--no-passphrase",
                       *w.at("C")], EXIT_OK)
    check("enrolled with the recovery phrase" in out and "warning" not in err, out + err)
    # It published the record of identity generation 2 again, continuity-signed with the key of generation 1, which
    # the recovery key's wrap of epoch 1 opens.
    rec = read(os.path.join(w.store, "directory", w.user + ".record"))
    check(int.from_bytes(rec[21:25], "big") == 2, "the recovered device published generation 2")
    c = w.device_id("C")
    out, _ = expect(["whoami", *w.at("C")], EXIT_OK)
    check("root epoch 2" in out and c in out, out)
    secrets += w.secrets("C")
    w.scan_store(secrets)
    # A never saw C approved (the recovery phrase added it): the list flags it, and A stops until the user decides.
    out, err = expect(["device", "list", *w.at("A")], EXIT_OK, "device_unexpected")
    check(list_devices(out) == [("*", a, "a-device"), ("!", c, "c-device"), (" ", b, "b-device")], out)
    check("added by the recovery phrase" in out and f"coffre device accept {c}" in err, out + err)
    expect_unchanged(w, "AC", ["whoami", *w.at("A")], EXIT_AUTH, "device_unexpected")
    expect(["device", "accept", c[:6], "--yes", *w.at("A")], EXIT_OK)
    check(f"\nknown {c}\n" in read(os.path.join(w.home("A"), "device.state")).decode(), "C not recorded as known")
    out, _ = expect(["device", "list", *w.at("A")], EXIT_OK)
    check(list_devices(out) == [("*", a, "a-device"), (" ", c, "c-device"), (" ", b, "b-device")], out)
    out, _ = expect(["device", "list", *w.at("C")], EXIT_OK)  # C joined with A there: it knows A
    check(list_devices(out) == [(" ", a, "a-device"), ("*", c, "c-device"), (" ", b, "b-device")], out)
    check(w.secrets("A")[2] == w.secrets("C")[2], "A and C hold the same root key")

    # The recovered device can enroll another one and revoke; A still works.
    w.enroll("D", "C", name_request=False)
    secrets += w.secrets("D")
    expect(["device", "revoke", a, "--yes", *w.at("C")], EXIT_OK)
    expect(["whoami", *w.at("A")], EXIT_AUTH, "device_not_enrolled")
    out, _ = expect(["whoami", *w.at("D")], EXIT_OK)
    check("root epoch 3" in out, out)
    secrets += w.secrets("D")
    w.scan_store(secrets)
    for h in "ABCD":
        check(not [n for n in os.listdir(w.home(h)) if n != "device.state"], f"leftovers in {h}")


def test_passphrase_home(d):
    w = World(d)
    pw = os.path.join(d, "pw")
    write(pw, b"correct horse\n")
    w.init("A", ["--passphrase-file", pw])
    state = read(os.path.join(w.home("A"), "device.state"))
    check(b"\nkeys passphrase " in state, state)
    secrets = w.secrets("A", ["--passphrase-file", pw])
    for h in secrets[:2]:
        raw = bytes.fromhex(h)
        check(raw not in state and h.encode() not in state and base64.b64encode(raw) not in state,
              "a device seed in clear in a protected state")
    expect(["whoami", *w.at("A"), "--passphrase-file", pw], EXIT_OK)
    bad = os.path.join(d, "bad")
    write(bad, b"wrong horse\n")
    expect_unchanged(w, ["A"], ["whoami", *w.at("A"), "--passphrase-file", bad], EXIT_AUTH, "wrong_key")
    expect_unchanged(w, ["A"], ["whoami", *w.at("A")], EXIT_USAGE, "--passphrase-file")  # no terminal
    # Listing needs no secret.
    expect(["device", "list", *w.at("A")], EXIT_OK)
    # A protected approver, a protected new device.
    w.enroll("B", "A", approve_extra=["--passphrase-file", pw], request_extra=["--passphrase-file", pw])
    check(b"\nkeys passphrase " in read(os.path.join(w.home("B"), "device.state")), "B protected")
    expect(["whoami", *w.at("B"), "--passphrase-file", pw], EXIT_OK)
    # New keys need a choice when there is no terminal.
    expect(["init", *w.at("C")], EXIT_USAGE, "--no-passphrase")
    check(not os.path.exists(w.home("C")), "C created")
    w.scan_store(secrets + w.secrets("B", ["--passphrase-file", pw]))
    # Typed on a terminal, the passphrase is asked once per command, though an HTTP store's requests are signed
    # with the same keys the command then unlocks. `device list` needs no secret (an HTTP store's log is read by
    # any signer: it signs with a throwaway key).
    for args, prompts in ((["whoami"], 1), (["device", "list"], 0)):
        rc, seen = on_terminal([*args, *w.at("A")], b"correct horse\n")
        check(rc == EXIT_OK and seen.count(b"Passphrase to decrypt:") == prompts, f"{args}: {rc} {seen!r}")


def on_terminal(args, answer):
    """Runs coffre on a pseudo-terminal, answering `answer` to every passphrase prompt; (exit code, output)."""
    args, servers = store_mirror.before(args)
    try:
        return run_on_terminal([COFFRE, *args], answer_every(b"Passphrase to decrypt:", answer))
    finally:
        store_mirror.after(servers)


def test_sas_not_confirmed(d):
    """The approving user answers no on a terminal: nothing is appended, the new device gives up."""
    w = World(d)
    w.init("A")
    before = read(w.log_path(0))
    p, rid, _ = w.start_request("B", timeout=8)
    def refuse_once(seen):  # "n" to the security code's question
        return b"n\n" if b"[y/N]" in seen and ANSWERED not in seen else None
    approve, servers = store_mirror.before(["device", "approve", rid, *w.at("A")])
    try:
        rc, seen = run_on_terminal([COFFRE, *approve], refuse_once)
    finally:
        store_mirror.after(servers)
    check(ANSWERED in seen and rc == EXIT_AUTH and b"not approved" in seen, f"{seen!r}")
    check(re.search(rb"Security code: \d{3} \d{3}", seen), seen)
    # The answered request id was recorded (SPEC 12): a replay of it, while it is still valid, is refused.
    check(f"\nused {rid} ".encode() in read(os.path.join(w.home("A"), "device.state")), "request id not recorded")
    expect_unchanged(w, ["A"], ["device", "approve", rid, "--yes", *w.at("A")], EXIT_AUTH, "enrollment_replayed")
    out, err = p.communicate(timeout=60)
    check(p.returncode == EXIT_AUTH and b"did not add" in err, f"{p.returncode} {err!r}")
    check(not os.path.exists(w.home("B")), "the refused device saved a state")
    check(os.listdir(os.path.join(w.acct(), "log")) == ["0.entry"] and read(w.log_path(0)) == before, "log changed")
    # Once expired, the request is refused as such.
    expect_unchanged(w, ["A"], ["device", "approve", rid, "--yes", *w.at("A")], EXIT_AUTH, "enrollment_expired")


def expect_json(args, **kw):
    """Runs a --json command that must succeed: its stdout parsed, nothing on stderr."""
    out, err = expect(args, EXIT_OK, **kw)
    check(err == "", f"coffre {' '.join(args)}: stderr {err!r}")
    return json.loads(out)


def expect_json_error(args, code, error, **kw):
    """Runs a --json command that must fail: nothing on stdout, one JSON line on stderr (cli/README.md, "JSON
    output") with the error's name and the exit code."""
    out, err = expect(args, code, **kw)
    check(out == "", f"coffre {' '.join(args)}: a failure printed {out!r}")
    check(err.count("\n") == 1 and err.endswith("\n"), f"coffre {' '.join(args)}: not one line: {err!r}")
    e = json.loads(err)["error"]
    check(set(e) == {"code", "message", "exit"}, f"error fields {sorted(e)}")
    check(e["code"] == error and e["exit"] == code and e["message"], f"coffre {' '.join(args)}: {e}")
    return e


# ------------------------------------------------------------------------------------------------ malicious store


def two_devices(d):
    w = World(d)
    w.init("A")
    w.enroll("B", "A")
    return w


def test_json_output(d):
    """whoami --json and device list --json against the known state; their failures as one JSON line."""
    w = World(d)
    out = w.init("A")
    fp = re.search(r"fingerprint:\s+((?:[0-9a-f]{4} ){9}[0-9a-f]{4})", out).group(1)
    w.enroll("B", "A")
    a, b = w.device_id("A"), w.device_id("B")
    j = expect_json(["whoami", "--json", *w.at("B")])
    check(j == {"user_id": w.user, "fingerprint": fp, "device": {"id": b, "name": "b-device"}, "devices": 2,
                "revoked": 0, "head_seq": "1", "root_epoch": 1, "suite_version": 1, "verified": True}, f"{j}")
    j = expect_json(["device", "list", "--json", *w.at("A")])
    check(j["user_id"] == w.user and j["fingerprint"] == fp and j["root_epoch"] == 1 and j["head_seq"] == "1", f"{j}")
    check(j["devices"] == [{"id": a, "name": "a-device", "this_device": True, "unexpected": False},
                           {"id": b, "name": "b-device", "this_device": False, "unexpected": False}], f"{j}")
    check(j["revoked"] == [] and j["alert"] is None, f"{j}")
    expect(["device", "revoke", b, "--yes", *w.at("A")], EXIT_OK)
    j = expect_json(["device", "list", "--json", *w.at("A")])
    check([x["id"] for x in j["devices"]] == [a] and j["root_epoch"] == 2, f"{j}")
    check(j["revoked"] == [{"id": b, "name": "b-device", "this_device": False}], f"{j}")
    check(int(j["head_seq"]) == len(os.listdir(os.path.join(w.acct(), "log"))) - 1, f"{j}")
    # Failures: the library's error name (a store that withholds the newest entry), or the CLI's (no device here).
    os.unlink(w.log_path(int(j["head_seq"])))
    expect_json_error(["device", "list", "--json", *w.at("A")], EXIT_AUTH, "log_rollback")
    expect_json_error(["whoami", "--json", *w.at("A")], EXIT_AUTH, "log_rollback")
    expect_json_error(["whoami", "--json", *w.at("C")], EXIT_USAGE, "usage")
    expect_json_error(["device", "list", "--json", "--no-such-option", *w.at("A")], EXIT_USAGE, "usage")
    # Without --json the same failure is text.
    _, err = expect(["whoami", *w.at("A")], EXIT_AUTH, "log_rollback")
    check(err.startswith("coffre: "), err)


def test_malicious_rollback(d):
    w = two_devices(d)
    e0, e1 = read(w.log_path(0)), read(w.log_path(1))
    os.unlink(w.log_path(1))  # the store withholds the newest entry
    for h in "AB":
        expect_unchanged(w, "AB", ["device", "list", *w.at(h)], EXIT_AUTH, "log_rollback")
        expect_unchanged(w, "AB", ["whoami", *w.at(h)], EXIT_AUTH, "log_rollback")
    expect_unchanged(w, "AB", ["device", "revoke", w.device_id("B"), "--yes", *w.at("A")], EXIT_AUTH, "log_rollback")
    expect_unchanged(w, "AB", ["device", "approve", "--yes", *w.at("A")], EXIT_AUTH, "log_rollback")
    shutil.rmtree(os.path.join(w.acct(), "log"))  # or serves nothing at all
    expect_unchanged(w, "AB", ["device", "list", *w.at("A")], EXIT_AUTH, "log_rollback")
    os.makedirs(os.path.join(w.acct(), "log"))
    write(w.log_path(0), e0)
    write(w.log_path(1), e1)
    expect(["device", "list", *w.at("A")], EXIT_OK)
    write(w.log_path(2), e1)  # an old entry replayed after the head
    expect_unchanged(w, "AB", ["device", "list", *w.at("A")], EXIT_AUTH, "log_broken_chain")


def test_malicious_injected_entry(d):
    w = two_devices(d)
    # An add-device entry in the right place (seq, prev), well formed, authored and signed by A's device key, but
    # signed by another identity key than the account's.
    w.forge_entry(os.urandom(32).hex(), w.device_id("A"), w.secrets("A")[0], "intruder")
    for h in "AB":
        expect_unchanged(w, "AB", ["device", "list", *w.at(h)], EXIT_AUTH, "signature_invalid")
        expect_unchanged(w, "AB", ["whoami", *w.at(h)], EXIT_AUTH, "signature_invalid")
    # Appended after the real head, so nobody's pin is in the way: the chain checks out, the signature does not.
    os.unlink(w.log_path(2))
    expect(["whoami", *w.at("A")], EXIT_OK)


def test_malicious_replaced_key(d):
    w = World(d)
    w.init("A")
    shutil.copytree(w.home("A"), w.home("A0"))  # a client pinned before B's entry
    w.enroll("B", "A")
    e0, e1 = read(w.log_path(0)), read(w.log_path(1))
    check(e0[110:114] == (1216).to_bytes(4, "big") and e1[106:110] == (1216).to_bytes(4, "big"), "entry layout")
    # B's KEM key replaced by another valid X-Wing key (the suite key of the genesis): wraps would go to the store.
    write(w.log_path(1), e1[:110] + e0[114:1330] + e1[1326:])
    expect_unchanged(w, ["A0", "A", "B"], ["device", "list", *w.at("A0")], EXIT_AUTH, "signature_invalid")
    expect_unchanged(w, ["A0", "A", "B"], ["device", "list", *w.at("A")], EXIT_AUTH, "log_fork")
    expect_unchanged(w, ["A0", "A", "B"], ["whoami", *w.at("B")], EXIT_AUTH, "log_fork")
    write(w.log_path(1), e1)
    # The identity key replaced in the genesis: the pinned genesis no longer matches.
    forged = bytearray(e0)
    forged[74:106] = ed25519_sign(os.urandom(32), b"")[0]
    write(w.log_path(0), bytes(forged))
    for h in ["A0", "A", "B"]:
        expect_unchanged(w, ["A0", "A", "B"], ["whoami", *w.at(h)], EXIT_AUTH, "log_fork")
    write(w.log_path(0), e0)
    expect(["whoami", *w.at("A")], EXIT_OK)
    expect(["device", "list", *w.at("A0")], EXIT_OK)


def test_malicious_replayed_enrollment(d):
    w = two_devices(d)
    box = os.path.join(w.store, "enroll")
    (old,) = os.listdir(box)
    old_request = read(os.path.join(box, old, "request"))
    old_response = read(os.path.join(box, old, "response"))
    old_reveal = read(os.path.join(box, old, "reveal"))
    # The old request again, in its own mailbox and under a new one.
    expect_unchanged(w, "AB", ["device", "approve", old, "--yes", *w.at("A")], EXIT_AUTH, "enrollment_replayed")
    fresh = os.urandom(16).hex()
    os.makedirs(os.path.join(box, fresh))
    write(os.path.join(box, fresh, "request"), old_request)
    expect_unchanged(w, "AB", ["device", "approve", fresh, "--yes", *w.at("A")], EXIT_AUTH, "enrollment_replayed")
    # B never saw it, but the requesting device id was added before.
    expect_unchanged(w, "AB", ["device", "approve", fresh, "--yes", *w.at("B")], EXIT_AUTH, "already_exists")
    shutil.rmtree(os.path.join(box, fresh))
    # The old response, served to a new device's request: it answers another request.
    p, rid, _ = w.start_request("C")
    store_mirror.sync_all()  # the store as the request left it (HTTP mode), edited while the request waits
    write(os.path.join(box, rid, "response"), old_response)
    store_mirror.push_all()
    _, err = p.communicate(timeout=60)
    check(p.returncode == EXIT_AUTH and b"enrollment_invalid" in err, f"{p.returncode} {err!r}")
    check(not os.path.exists(w.home("C")), "C saved a state")
    # The old reveal, served to A for a new request (the new device is stopped after posting its request).
    p, rid, _ = w.start_request("D")
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=60)
    before = read(os.path.join(w.home("A"), "device.state"))
    args, _ = store_mirror.before(["device", "approve", rid, "--yes", "--timeout", "30", *w.at("A")])
    a = subprocess.Popen([COFFRE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 30
    while not os.path.exists(os.path.join(box, rid, "response")) and time.time() < deadline:
        time.sleep(0.05)
        store_mirror.sync_all()
    write(os.path.join(box, rid, "reveal"), old_reveal)
    store_mirror.push_all()
    _, err = a.communicate(timeout=60)
    store_mirror.sync_all()
    check(a.returncode == EXIT_AUTH and b"enrollment_invalid" in err, f"{a.returncode} {err!r}")
    after = read(os.path.join(w.home("A"), "device.state"))
    # Only the answered request id was recorded (SPEC 12), nothing else changed.
    check(after.replace(f"used {rid} ".encode(), b"") != after, "request id not recorded")
    strip = lambda s: [l for l in s.split(b"\n") if not l.startswith(b"used ")]
    check(strip(after) == strip(before), "the approver's state changed beyond the used request id")
    check(sorted(os.listdir(os.path.join(w.acct(), "log"))) == ["0.entry", "1.entry"], "an entry was appended")


def test_malicious_tampered_wrap(d):
    w = two_devices(d)
    a, b = w.device_id("A"), w.device_id("B")
    wrap_a = os.path.join(w.acct(), "wraps", "1", f"{a}.wrap")
    wrap_b = os.path.join(w.acct(), "wraps", "1", f"{b}.wrap")
    sealed = os.path.join(w.acct(), "state", "1.sealed")
    orig_a, orig_b, orig_s = read(wrap_a), read(wrap_b), read(sealed)
    for pos in (0, 9, 40, 600, len(orig_a) - 20, len(orig_a) - 1):
        t = bytearray(orig_a)
        t[pos] ^= 0x01
        write(wrap_a, bytes(t))
        expect_unchanged(w, "AB", ["whoami", *w.at("A")], EXIT_AUTH, "wrap_invalid")
    write(wrap_a, orig_b)  # B's wrap served as A's
    expect_unchanged(w, "AB", ["whoami", *w.at("A")], EXIT_AUTH, "wrap_invalid")
    expect_unchanged(w, "AB", ["device", "revoke", b, "--yes", *w.at("A")], EXIT_AUTH, "wrap_invalid")
    write(wrap_a, orig_a[:-1])
    expect_unchanged(w, "AB", ["whoami", *w.at("A")], EXIT_AUTH, "wrap_invalid")
    write(wrap_a, orig_a)
    t = bytearray(orig_s)
    t[50] ^= 0x80
    write(sealed, bytes(t))
    expect_unchanged(w, "AB", ["whoami", *w.at("B")], EXIT_AUTH, "wrap_invalid")
    write(sealed, orig_s)
    expect(["whoami", *w.at("A")], EXIT_OK)
    expect(["whoami", *w.at("B")], EXIT_OK)


def test_malicious_fork(d):
    w = World(d)
    w.init("A")
    fork_store = os.path.join(d, "fork-store")
    shutil.copytree(w.store, fork_store)
    w.enroll("B", "A")
    # Another branch after the genesis (a device added with the recovery phrase), in a copy of the store.
    pf = os.path.join(d, "phrase")
    write(pf, w.phrase.encode())
    expect(["recover", "--user", w.user, "--phrase-file", pf, "--no-passphrase", "--name", "other",
            *w.at("X", fork_store)], EXIT_OK)
    fork_log = os.path.join(fork_store, "accounts", w.user, "log")
    check(read(os.path.join(fork_log, "1.entry")) != read(w.log_path(1)), "no fork")
    # The store serves that branch to A and B, which pinned entry 1 of theirs.
    shutil.rmtree(os.path.join(w.acct(), "log"))
    shutil.copytree(fork_log, os.path.join(w.acct(), "log"))
    for h in "AB":
        expect_unchanged(w, "AB", ["device", "list", *w.at(h)], EXIT_AUTH, "log_fork")
        expect_unchanged(w, "AB", ["whoami", *w.at(h)], EXIT_AUTH, "log_fork")
    expect_unchanged(w, "AB", ["device", "approve", "--yes", *w.at("A")], EXIT_AUTH, "log_fork")


def test_malicious_forged_genesis(d):
    """SPEC section 13: the store serves, to a device that recovers, a genesis with the account's real user id,
    recovery public keys and recovery MAC (all public) but its own identity key and first device, validly signed: the
    log verifies on its own, but the phrase pins the genesis. recover fails with log_fork and writes nothing; the real
    log recovers."""
    w = World(d)
    w.init("A")
    e0 = read(w.log_path(0))
    check(e0[:5] == b"CFRL\x03", "entry version 0x03")
    f = genesis_fields(e0)
    check(f["root_epoch"] == (f["recovery_sign_pk"][1], f["recovery_sign_pk"][1] + 4) and
          e0[slice(*f["root_epoch"])] == (1).to_bytes(4, "big"), "genesis layout: root epoch 1 after the recovery keys")
    # The store's own identity and first device, every signature made again.
    seed, device_seed = os.urandom(32), os.urandom(32)
    forged = resign_genesis(e0, seed, device_seed)
    forged_store = os.path.join(d, "forged-store")
    shutil.copytree(w.store, forged_store)
    write(os.path.join(forged_store, "accounts", w.user, "log", "0.entry"), forged)
    pf = os.path.join(d, "phrase")
    write(pf, w.phrase.encode())
    before = snapshot(forged_store)
    _, err = expect(["recover", "--user", w.user, "--phrase-file", pf, "--no-passphrase", *w.at("R", forged_store)],
                    EXIT_AUTH, "log_fork")
    check("forged" in err and "nothing was changed" in err, err)
    check(not os.path.exists(os.path.join(w.home("R"), "device.state")), "a device state after a refused recovery")
    check(snapshot(forged_store) == before, "the store changed after a refused recovery")
    # An edited MAC (the real identity kept, re-signed by the store) fails the same way; so does a zero MAC.
    mac_at = slice(*f["recovery_mac"])
    for mac in [bytes(32), bytes(a ^ 1 for a in e0[mac_at])]:
        edited = bytearray(e0)
        edited[mac_at] = mac
        write(os.path.join(forged_store, "accounts", w.user, "log", "0.entry"),
              resign_genesis(bytes(edited), seed, device_seed))
        expect(["recover", "--user", w.user, "--phrase-file", pf, "--no-passphrase", *w.at("R", forged_store)],
               EXIT_AUTH, "log_fork")
    check(not os.path.exists(os.path.join(w.home("R"), "device.state")), "a device state after a refused recovery")
    # The genuine log recovers into the same home; the phrase as a phone may type it (no-break and ideographic spaces,
    # which BIP-39's NFKD maps to U+0020: SPEC section 13).
    write(pf, ("\u3000" + "\u00a0".join(w.phrase.split()) + "\u202f\n").encode())
    out, _ = expect(["recover", "--user", w.user, "--phrase-file", pf, "--no-passphrase", *w.at("R")], EXIT_OK)
    check("enrolled with the recovery phrase" in out, out)
    expect(["whoami", *w.at("R")], EXIT_OK)


def test_concurrent_revocations(d):
    """SPEC section 15: the objects of a new epoch are created exclusively. A revocation caught between writing its
    epoch objects and appending its entry (simulated: its entry held back) and a second revocation of the same
    epoch: the second stops (already_exists) without touching the first one's files or any home."""
    w = World(d)
    w.init("A")
    w.enroll("B", "A")
    w.enroll("C", "A")
    w.enroll("D", "A")
    # B joined before A added C and D: the user accepts them on B (else B stops at device_unexpected).
    for dev in "CD":
        expect(["device", "accept", w.device_id(dev), "--yes", *w.at("B")], EXIT_OK)
    expect(["device", "revoke", w.device_id("C"), "--yes", *w.at("A")], EXIT_OK)
    # Hold back A's entry: the store now looks as while A is between its epoch objects and its log append.
    held = {seq: read(w.log_path(seq)) for seq in (4,)}
    for seq in held:
        os.unlink(w.log_path(seq))
    epoch2 = {p: read(os.path.join(w.acct(), p)) for p in
              [os.path.join("state", "2.sealed")] + [os.path.join("wraps", "2", n)
                                                      for n in os.listdir(os.path.join(w.acct(), "wraps", "2"))]}
    expect_unchanged(w, "BD", ["device", "revoke", w.device_id("D"), "--yes", *w.at("B")], EXIT_USAGE,
                     "already_exists")
    for p, content in epoch2.items():
        check(read(os.path.join(w.acct(), p)) == content, f"the first revocation's {p} changed")
    check(sorted(os.listdir(os.path.join(w.acct(), "wraps", "2"))) == sorted(os.path.basename(p) for p in epoch2
                                                                             if p.startswith("wraps")),
          "the second revocation left a wrap of epoch 2")
    check(sorted(os.listdir(os.path.join(w.acct(), "log"))) == ["0.entry", "1.entry", "2.entry", "3.entry"],
          "the second revocation appended an entry")
    # A's entries land: every remaining device opens epoch 2 with the first revocation's objects.
    for seq, entry in held.items():
        write(w.log_path(seq), entry)
    for h in "ABD":
        out, _ = expect(["whoami", *w.at(h)], EXIT_OK)
        check("root epoch 2" in out, out)
    expect(["whoami", *w.at("C")], EXIT_AUTH, "device_not_enrolled")


def test_crashed_revocation_taken_over(d):
    """A revocation that crashed between its epoch objects and its log entry blocks the next revocation of that
    epoch (already_exists, nothing changed) until the user passes --force: the leftovers go, the new revocation
    lands, and every remaining device opens the new epoch. B never saw C approved: revoking C is allowed during
    that alert (nothing is wrapped to C)."""
    w = World(d)
    w.init("A")
    w.enroll("B", "A")
    w.enroll("C", "A")
    # The crash, a real one (a store cannot be told to forget an entry it verified): A is killed after its epoch
    # objects, before its entry, so the entry never reached the store and A pinned nothing.
    point = "revoke: re-signing journal written"
    rc, _, err = run(["device", "revoke", w.device_id("C"), "--yes", *w.at("A")],
                     env={"COFFRE_TEST_CRASH_AT": point}, binary=COFFRE_HOOKS)
    check(rc == -9 and f"after {point}" in err, f"revoke killed: exit {rc}: {err!r}")
    check(not os.path.exists(w.log_path(3)), "the killed revocation appended its entry")
    leftovers = sorted(os.listdir(os.path.join(w.acct(), "wraps", "2")))
    expect_unchanged(w, "ABC", ["device", "revoke", w.device_id("C"), "--yes", *w.at("B")], EXIT_USAGE,
                     "--force removes them")
    check(sorted(os.listdir(os.path.join(w.acct(), "wraps", "2"))) == leftovers, "leftovers changed without --force")
    expect(["device", "revoke", w.device_id("C"), "--yes", "--force", *w.at("B")], EXIT_OK)
    for h in "AB":
        out, _ = expect(["whoami", *w.at(h)], EXIT_OK)
        check("root epoch 2" in out and "1 revoked" in out, out)
    expect(["whoami", *w.at("C")], EXIT_AUTH, "device_not_enrolled")
    check(w.device_id("C") + ".wrap" not in os.listdir(os.path.join(w.acct(), "wraps", "2")), "C kept a wrap")
    w.scan_store(w.secrets("A") + w.secrets("B"))


def test_repair_missing_wrap(d):
    """SPEC section 15: an add-device entry whose root wrap never reached the store (a crash between the two, as an
    older client or another implementation may leave it): the new device cannot open the account, and the next
    'whoami' of the device that approved it writes the missing wrap. No other device does, even one that accepted
    it: a device wraps the root key only to devices it approved itself (and, revoking, to those it accepted)."""
    w = World(d)
    w.init("A")
    w.enroll("B", "A")
    b_wrap = os.path.join(w.acct(), "wraps", "1", w.device_id("B") + ".wrap")
    os.unlink(b_wrap)
    expect_unchanged(w, "AB", ["whoami", *w.at("B")], EXIT_IO, "not_found")
    _, err = expect(["whoami", *w.at("A")], EXIT_OK)
    check(f"repaired: wrote the missing root key of epoch 1 for device {w.device_id('B')}" in err, err)
    check(os.path.exists(b_wrap), "no wrap written")
    out, _ = expect(["whoami", *w.at("B")], EXIT_OK)
    check("verified:     yes" in out, out)
    check(w.secrets("A")[2] == w.secrets("B")[2], "A and B hold the same root key")
    _, err = expect(["whoami", *w.at("A")], EXIT_OK)
    check("repaired" not in err, err)
    # C, approved by A and accepted on B, lost its wrap: B leaves it missing; A, its approver, writes it.
    w.enroll("C", "A")
    expect(["device", "accept", w.device_id("C"), "--yes", *w.at("B")], EXIT_OK)
    c_wrap = os.path.join(w.acct(), "wraps", "1", w.device_id("C") + ".wrap")
    os.unlink(c_wrap)
    _, err = expect(["whoami", *w.at("B")], EXIT_OK)
    check("repaired" not in err and not os.path.exists(c_wrap), "B wrapped the root key to a device it did not approve")
    _, err = expect(["whoami", *w.at("A")], EXIT_OK)
    check(f"for device {w.device_id('C')}, which this device approved" in err and os.path.exists(c_wrap), err)
    # The recovery key's wrap too; a wrap that is there (even a bad one) is left alone.
    r_wrap = os.path.join(w.acct(), "wraps", "1", "f" * 32 + ".wrap")
    os.unlink(r_wrap)
    _, err = expect(["whoami", *w.at("B")], EXIT_OK)
    check("for the recovery key" in err and os.path.exists(r_wrap), err)
    pf = os.path.join(d, "phrase")
    write(pf, w.phrase.encode())
    expect(["recover", "--user", w.user, "--phrase-file", pf, "--no-passphrase", *w.at("R")], EXIT_OK)
    w.scan_store(w.secrets("A") + w.secrets("B") + w.secrets("C") + w.secrets("R"))


def test_revoked_device_attacks(d):
    """Issue 8 (revocation did not revoke): M, revoked, kept its home and every secret it ever held (exported before
    the revocation). Each thing it can write to the store is refused by the honest devices A and B with its own
    error, and changes neither their homes nor the root wraps."""
    w = World(d)
    w.init("A")
    w.enroll("B", "A")
    w.enroll("M", "A")
    a, b, m = w.device_id("A"), w.device_id("B"), w.device_id("M")
    expect(["device", "accept", m, "--yes", *w.at("B")], EXIT_OK)
    old = w.secrets("M")  # device sign seed, device KEM seed, root key, identity seed, suite seeds
    expect(["device", "revoke", m, "--yes", *w.at("A")], EXIT_OK)
    new = w.secrets("A")
    check(new[3] != old[3] and new[2] != old[2], "the revocation kept the identity key or the root key")
    check(len(new) == len(old) + 1 and new[4:-1] == old[4:] and new[-1] not in old, "a new suite key, the old kept")
    check(w.secrets("B")[2:] == new[2:], "B opens the new epoch's root key and secrets")
    wraps = os.path.join(w.acct(), "wraps")
    check(sorted(os.listdir(os.path.join(wraps, "2"))) == sorted([f"{a}.wrap", f"{b}.wrap", "f" * 32 + ".wrap"]),
          "epoch 2 is wrapped to A, B and the recovery key only")

    # (a) An add-device entry for a device M controls, signed with the old identity key and authored by M itself.
    wraps_before = snapshot(wraps)
    log_before = sorted(os.listdir(os.path.join(w.acct(), "log")))
    w.forge_entry(old[3], m, old[0], "m-again")
    for h in "AB":
        expect_unchanged(w, "AB", ["whoami", *w.at(h)], EXIT_AUTH, "device_revoked")
        expect_unchanged(w, "AB", ["device", "list", *w.at(h)], EXIT_AUTH, "device_revoked")
    expect_unchanged(w, "AB", ["device", "approve", "--yes", *w.at("A")], EXIT_AUTH, "device_revoked")
    check(snapshot(wraps) == wraps_before, "a root key was wrapped after a forged entry")
    os.unlink(w.log_path(len(log_before)))

    # (b) The same entry claiming honest A as its author: M cannot sign for A, and its identity key was superseded
    # (checked first: the identity signature comes before the author's).
    w.forge_entry(old[3], a, old[0], "m-as-a")
    for h in "AB":
        expect_unchanged(w, "AB", ["whoami", *w.at(h)], EXIT_AUTH, "identity_superseded")
    check(snapshot(wraps) == wraps_before, "a root key was wrapped after a forged entry")
    os.unlink(w.log_path(len(log_before)))
    for h in "AB":
        expect(["whoami", *w.at(h)], EXIT_OK)

    # (c) M asks to join again and the user, tricked, approves it on B: a legitimate entry, but A never saw that
    # approval. A stops (device_unexpected) for everything that uses the account, shows it in its list, and
    # wraps nothing to it, until the user accepts or revokes it there.
    w.enroll("M2", "B")
    m2 = w.device_id("M2")
    _, err = expect_unchanged(w, "AB", ["whoami", *w.at("A")], EXIT_AUTH, "device_unexpected")
    check(m2 in err and f"added by device {b} \"b-device\"" in err and f"coffre device accept {m2}" in err and
          f"coffre device revoke {m2}" in err, err)
    expect_unchanged(w, "AB", ["device", "approve", "--yes", *w.at("A")], EXIT_AUTH, "device_unexpected")
    # Revoking another device would wrap the new root key to M2: refused too.
    expect_unchanged(w, "AB", ["device", "revoke", b, "--yes", *w.at("A")], EXIT_AUTH, "device_unexpected")
    before = snapshot(w.home("A"))
    out, _ = expect(["device", "list", *w.at("A")], EXIT_OK, "device_unexpected")
    check(("!", m2, "m2-device") in list_devices(out), out)
    check(snapshot(w.home("A")) == before, "device list pinned a list with an unexpected device")
    expect(["whoami", *w.at("B")], EXIT_OK)  # B approved it
    # The user does not recognize it: A revokes it (allowed during the alert), and the alert ends.
    expect(["device", "revoke", m2[:8], "--yes", *w.at("A")], EXIT_OK)
    check(m2 + ".wrap" not in os.listdir(os.path.join(wraps, "3")), "the new epoch was wrapped to M2")
    for h in "AB":
        expect(["whoami", *w.at(h)], EXIT_OK)

    # (e) M reads nothing of the epochs after its revocation: its old home is refused, and no secret of the new
    # epochs (identity key, root keys, suite keys) is among those it kept or in the store.
    for h in ("M", "M2"):
        expect(["whoami", *w.at(h)], EXIT_AUTH, "device_not_enrolled")
        expect(["test-export-secrets", *w.at(h)], EXIT_AUTH, "device_not_enrolled", binary=COFFRE_HOOKS)
    latest = w.secrets("A")
    later = latest[2:4] + [k for k in latest[4:] if k not in old[4:]]  # root, identity, suite keys after M's
    check(len(later) == 4 and not set(later) & set(old), "M holds a key of an epoch after its revocation")
    w.scan_store(old + new + latest + w.secrets("B"))


def test_killed_init_cleaned_up(d):
    """init killed after each of its store writes: the account it was creating can never be used (no saved device,
    no recovery phrase shown); the next init in that home removes it from the store, then creates its own. Killed
    after its device state was saved, the account is usable and the home refuses a second init."""
    w = World(d)
    accounts = os.path.join(w.store, "accounts")
    step = 1
    while True:
        args = ["init", "--name", "a-device", *w.at("A"), "--no-passphrase"]
        rc, _, err = run(args, env={"COFFRE_TEST_CRASH_AT": str(step)}, binary=COFFRE_HOOKS)
        check(rc == -9 and f"killed at crash point {step}," in err, f"step {step}: exit {rc}: {err!r}")
        if os.path.exists(os.path.join(w.home("A"), "device.state")):
            break  # past the last store write of the account: the publish of its directory record
        check(os.path.exists(os.path.join(w.home("A"), "init.pending")), "no init.pending")
        left = os.listdir(accounts)
        check(len(left) == 1, f"step {step}: accounts in the store: {left}")
        out, err = expect(args, EXIT_OK)
        check(f"account {left[0]}" in err and "interrupted 'coffre init'" in err, err)
        user = re.search(r"user id:\s+([0-9a-f]{32})", out).group(1)
        # An HTTP store never deletes what the lost claimant wrote (STORE.md section 4): it stays, unusable.
        expected = sorted([user, left[0]]) if store_mirror.ENABLED else [user]
        check(sorted(os.listdir(accounts)) == expected, f"step {step}: accounts in the store: {os.listdir(accounts)}")
        check(not os.path.exists(os.path.join(w.home("A"), "init.pending")), "init.pending left")
        w.user = user
        out, _ = expect(["whoami", *w.at("A")], EXIT_OK)
        check("verified:     yes" in out, out)
        shutil.rmtree(w.home("A"))
        shutil.rmtree(w.store)
        step += 1
    check(step >= 4, f"init had only {step - 1} store writes before its device state")
    expect(["init", "--name", "again", *w.at("A"), "--no-passphrase"], EXIT_USAGE, "already holds a device")


def test_usage_errors(d):
    w = World(d)
    w.init("A")
    a = w.device_id("A")
    expect(["whoami", *w.at("Z")], EXIT_USAGE, "holds no device")
    expect(["device", "list", *w.at("Z")], EXIT_USAGE)
    expect(["device", "request", "--user", "xyz", "--yes", "--no-passphrase", *w.at("Z")], EXIT_USAGE, "--user")
    expect(["device", "request", "--yes", "--no-passphrase", *w.at("Z")], EXIT_USAGE)
    expect(["device", "request", "--user", w.user, "--no-passphrase", *w.at("Z")], EXIT_USAGE, "no terminal")
    expect(["device", "request", "--user", w.user, "--yes", "--no-passphrase", "--timeout", "0", *w.at("Z")],
           EXIT_USAGE)
    expect(["device", "request", "--user", "0" * 32, "--yes", "--no-passphrase", *w.at("Z")], EXIT_IO, "not_found")
    expect(["device", "request", "--user", w.user, "--yes", *w.at("A")], EXIT_USAGE, "already holds")
    expect(["device", "approve", "nothex", "--yes", *w.at("A")], EXIT_USAGE)
    expect(["device", "approve", "--yes", *w.at("A")], EXIT_IO, "no pending")
    expect(["device", "approve", "ab" * 16, "--yes", *w.at("A")], EXIT_IO, "not_found")
    expect(["device", "revoke", a, "--yes", *w.at("A")], EXIT_USAGE, "the device you are on")
    expect(["device", "revoke", "0123", "--yes", *w.at("A")], EXIT_USAGE, "no enrolled device")
    expect(["device", "revoke", a, *w.at("A")], EXIT_USAGE, "no terminal")
    expect(["device", "accept", a, "--yes", *w.at("A")], EXIT_USAGE, "the device you are on")
    expect(["device", "accept", "0123", "--yes", *w.at("A")], EXIT_USAGE, "no enrolled device")
    expect(["device", "accept", a, *w.at("A")], EXIT_USAGE, "no terminal")
    expect(["device", "frobnicate", *w.at("A")], EXIT_USAGE)
    expect(["init", "--name", "x" * 65, "--no-passphrase", *w.at("Y")], EXIT_USAGE, "64 bytes")
    expect(["init", "--no-passphrase", "--passphrase-file", "f", *w.at("Y")], EXIT_USAGE)
    # The shipped binary has no secret-export command at all.
    expect(["test-export-secrets", *w.at("A")], EXIT_USAGE)
    out, _ = expect(["--help"], EXIT_OK)
    check("test-export-secrets" not in out and "device" in out, out)
    # Recovery: mistyped, wrong length, another account's phrase.
    pf = os.path.join(d, "p")
    words = w.phrase.split()
    for bad, msg in [(words[:23], "recovery_phrase_invalid"), (words + words[:1], "recovery_phrase_invalid"),
                     (words[:5] + ["zzzzz"] + words[6:], "word 6"),
                     # Reordered: a bad checksum (or, 1 time in 256, a valid phrase of another recovery key).
                     (words[1:] + words[:1], "nothing was changed")]:
        write(pf, " ".join(bad).encode())
        expect(["recover", "--user", w.user, "--phrase-file", pf, "--no-passphrase", *w.at("R")], EXIT_AUTH, msg)
    w2 = World(d, "store2")
    w2.init("B")
    write(pf, w2.phrase.encode())
    expect(["recover", "--user", w.user, "--phrase-file", pf, "--no-passphrase", *w.at("R")], EXIT_AUTH,
           "wrap_invalid")
    expect(["recover", "--user", w.user, "--no-passphrase", *w.at("R")], EXIT_USAGE, "no terminal")
    for h in "YZR":
        check(not os.path.exists(w.home(h)), f"{h} created by a failed command")
    # A damaged state is refused, not repaired.
    state = os.path.join(w.home("A"), "device.state")
    good = read(state)
    write(state, good.replace(b"\nhead ", b"\nhead x"))
    expect(["whoami", *w.at("A")], EXIT_USAGE, "not a coffre device state")
    write(state, good)
    expect(["whoami", *w.at("A")], EXIT_OK)


TESTS = {name[len("test_"):]: f for name, f in sorted(globals().items()) if name.startswith("test_")}
HTTP_TESTS = {}  # cases only the HTTP mode runs (http_cases.cmake names them; --list does not)


def main(prefix="coffre-account-"):
    """The runner of every transcript script: --coffre, --coffre-hooks, --list, a temporary directory per case."""
    global COFFRE, COFFRE_HOOKS
    a = parse_args("--coffre", "--coffre-hooks")
    if a.list:
        print("\n".join(TESTS))
        return 0
    COFFRE, COFFRE_HOOKS = a.coffre, a.coffre_hooks
    return run_cases({**TESTS, **HTTP_TESTS}, a.cases or list(TESTS), prefix)


if __name__ == "__main__":
    sys.exit(main())
