#!/usr/bin/env python3
"""Transcript tests of `coffre drive` (docs/SPEC.md sections 15 and 18): an encrypted drive in the store.

Homes (one per device) share a store, as in account_test.py, whose World helpers this reuses. The store is treated as
malicious: tests move, swap, replay and modify its drive objects and check that each attack fails with its own error
code, exit code 1, and writes nothing locally. The store is searched for plaintext names, contents and secrets.

Each test_* function is one CTest test (tests/cli/CMakeLists.txt lists them with --list). Run one by hand:
    python3 tests/cli/drive_test.py --coffre build/cli/coffre round_trips
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import account_test as at  # noqa: E402
import store_mirror  # noqa: E402
from account_test import EXIT_OK, EXIT_AUTH, EXIT_USAGE, EXIT_IO, Failure, World, check, read, write  # noqa: E402

CHUNK = 65536


def expect(args, code, err_has=None, **kw):
    return at.expect(args, code, err_has, **kw)


class Drive:
    """`coffre drive` run from one home of a World."""

    def __init__(self, w, home):
        self.w, self.home = w, home

    def args(self, sub, *rest):
        return ["drive", sub, *self.w.at(self.home), *rest]

    def ok(self, sub, *rest):
        return expect(self.args(sub, *rest), EXIT_OK)[0]

    def fails(self, code, err_has, sub, *rest):
        return expect(self.args(sub, *rest), code, err_has)

    def ls(self, path="/", long=False):
        return self.ok("ls", *(["-l"] if long else []), path).splitlines()

    def get(self, remote, local, *extra):
        self.ok("get", remote, local, *extra)
        return read(local)


def account(d, home="A"):
    w = World(d)
    w.init(home)
    return w, Drive(w, home)


def owner_dir(w):
    return os.path.join(w.store, "drive", w.user)


def records(w, parent_hex=None):
    """Every node record file of the drive (under one parent if given): nodes/<parent>/<listing tag>/<node>.node."""
    return sorted(glob.glob(os.path.join(owner_dir(w), "nodes", parent_hex or "*", "*", "*.node")))


def claims(w):
    """Every name claim of the drive: names/<parent>/<listing tag>/<name hash>."""
    return sorted(glob.glob(os.path.join(owner_dir(w), "names", "*", "*", "*")))


def new_record(w, before):
    after = set(records(w)) - before
    check(len(after) == 1, f"expected one new record, got {after}")
    return after.pop()


def blob_files(w):
    """Every content object (blobs/<node>/<revision>), hidden ones (an upload's temporary file) included."""
    return sorted(glob.glob(os.path.join(owner_dir(w), "blobs", "*", "*")) +
                  glob.glob(os.path.join(owner_dir(w), "blobs", "*", ".*")))


def no_local(d, name):
    """Nothing under `name` in d, and no temporary file left next to it."""
    check(not os.path.exists(os.path.join(d, name)), f"{name} was written after a failure")
    left = [n for n in os.listdir(d) if n.endswith(".coffre-tmp")]
    check(not left, f"temporary files left: {left}")


def make_files(d):
    """Binary test files: several chunks (not a multiple of the chunk size), exactly two chunks, empty, small."""
    files = {
        "big.bin": os.urandom(3 * CHUNK + 12345),
        "two.bin": os.urandom(2 * CHUNK),
        "empty.bin": b"",
        "small.txt": b"hello \x00\xff drive\n",
    }
    for n, c in files.items():
        write(os.path.join(d, n), c)
    return files


# ---------------------------------------------------------------------------------------------------------------


def test_round_trips(d):
    w, a = account(d)
    files = make_files(d)
    check(a.ls() == [], "a new drive is empty")
    a.ok("mkdir", "/docs", "/photos")
    a.ok("mkdir", "-p", "/deep/er/est")
    a.ok("mkdir", "-p", "/deep/er")  # existing: no error with -p
    for n in files:
        a.ok("put", os.path.join(d, n), "/docs/" + n)
    a.ok("put", os.path.join(d, "small.txt"), "/photos/")  # into a folder, under the local name
    check(a.ls() == ["deep/", "docs/", "photos/"], a.ls())
    check(a.ls("/docs") == sorted(files), a.ls("/docs"))
    check(a.ls("/deep/er") == ["est/"], a.ls("/deep/er"))
    long = {l.split()[-1]: l.split() for l in a.ls("/docs", long=True)}
    for n, c in files.items():
        check(long[n][0] == "-" and int(long[n][1]) == len(c), f"ls -l {n}: {long[n]}")
    check(long["small.txt"][4] == "text/plain", long["small.txt"])
    check(a.ls("/docs/big.bin") == ["big.bin"], "ls of a file")

    for n, c in files.items():
        check(a.get("/docs/" + n, os.path.join(d, "out-" + n)) == c, f"get {n}")
    expect(a.args("get", "/docs/big.bin", os.path.join(d, "out-big.bin")), EXIT_USAGE, "exists")
    check(a.get("/docs/big.bin", os.path.join(d, "out-big.bin"), "--force") == files["big.bin"], "get --force")
    out = subprocess.run([at.COFFRE, *a.args("get", "/docs/small.txt", "-")], stdout=subprocess.PIPE)
    check(out.returncode == 0 and out.stdout == files["small.txt"], "get to standard output")

    # Ranges at and across chunk boundaries, and the ends.
    big = files["big.bin"]
    for off, n in [(0, 1), (0, CHUNK), (CHUNK - 1, 2), (CHUNK, CHUNK), (CHUNK - 1, CHUNK + 2), (2 * CHUNK, 1),
                   (3 * CHUNK, 12345), (len(big) - 1, 1), (100, 0), (0, len(big)), (len(big), 0)]:
        got = a.get("/docs/big.bin", os.path.join(d, f"r-{off}-{n}"), "--range", f"{off}:{n}")
        check(got == big[off:off + n], f"range {off}:{n}")
    two = files["two.bin"]
    check(a.get("/docs/two.bin", os.path.join(d, "r2"), "--range", f"{CHUNK}:{CHUNK}") == two[CHUNK:], "last chunk")
    a.fails(EXIT_USAGE, "range_out_of_bounds", "get", "/docs/big.bin", os.path.join(d, "oob"), "--range",
            f"{len(big)}:1")
    no_local(d, "oob")
    a.fails(EXIT_USAGE, "--range", "get", "/docs/big.bin", os.path.join(d, "oob"), "--range", "12")

    # From a pipe: the size recorded is the plaintext's, known only at the end.
    piped = os.urandom(CHUNK + 1)
    p = subprocess.run([at.COFFRE, *a.args("put", "-", "/docs/piped.bin")], input=piped, stderr=subprocess.PIPE)
    check(p.returncode == 0, f"put from standard input: {p.stderr!r}")
    check(a.ls("/docs/piped.bin", long=True)[0].split()[1] == str(len(piped)), "size of a piped file")
    check(a.get("/docs/piped.bin", os.path.join(d, "piped")) == piped, "piped file")
    a.ok("rm", "/docs/piped.bin")

    # A new revision of a file's content.
    new = os.urandom(CHUNK + 7)
    write(os.path.join(d, "new.bin"), new)
    a.fails(EXIT_USAGE, "already_exists", "put", os.path.join(d, "new.bin"), "/docs/big.bin")
    a.ok("put", "--force", os.path.join(d, "new.bin"), "/docs/big.bin")
    check(a.get("/docs/big.bin", os.path.join(d, "rev2")) == new, "new revision")

    # Rename, move, move into a folder, and the refusals.
    a.ok("mv", "/docs/small.txt", "/docs/renamed.txt")
    a.ok("mv", "/docs/renamed.txt", "/photos/moved.txt")
    a.ok("mv", "/docs/two.bin", "/deep/er/")
    check(a.ls("/docs") == ["big.bin", "empty.bin"], a.ls("/docs"))
    check(a.ls("/photos") == ["moved.txt", "small.txt"], a.ls("/photos"))
    check(a.get("/photos/moved.txt", os.path.join(d, "mv1")) == files["small.txt"], "moved file")
    check(a.get("/deep/er/two.bin", os.path.join(d, "mv2")) == two, "moved into a folder")
    a.ok("mv", "/deep", "/photos/deep")
    check(a.get("/photos/deep/er/two.bin", os.path.join(d, "mv3")) == two, "a moved folder keeps its subtree")
    a.fails(EXIT_USAGE, "into itself", "mv", "/photos", "/photos/deep/er/")
    a.fails(EXIT_USAGE, "already_exists", "mv", "/photos/moved.txt", "/photos/small.txt")
    a.fails(EXIT_IO, "not_found", "mv", "/nothing", "/x")

    # Removal.
    a.fails(EXIT_USAGE, "not empty", "rm", "/photos/deep")
    a.ok("rm", "/photos/moved.txt", "/docs/empty.bin")
    a.ok("mkdir", "/void")
    a.ok("rm", "/void")
    a.ok("rm", "-r", "/photos/deep")
    check(a.ls("/photos") == ["small.txt"], a.ls("/photos"))
    check(a.ls() == ["docs/", "photos/"], a.ls())
    a.fails(EXIT_IO, "not_found", "get", "/photos/moved.txt", os.path.join(d, "gone"))
    no_local(d, "gone")
    # What was removed left nothing behind: one record, claim and blob per remaining node.
    check(len(records(w)) == 4, records(w))
    check(len(blob_files(w)) == 2, blob_files(w))
    check(len(claims(w)) == 4, "name claims")

    a.fails(EXIT_USAGE, "not a drive path", "ls", "docs")
    a.fails(EXIT_USAGE, "is a file", "ls", "/docs/big.bin/x")
    a.fails(EXIT_USAGE, "is a folder", "get", "/docs", os.path.join(d, "dir"))


def test_collisions(d):
    w, a = account(d)
    write(os.path.join(d, "f"), b"content")
    a.ok("mkdir", "/docs")
    a.ok("put", os.path.join(d, "f"), "/docs/f")
    a.fails(EXIT_USAGE, "already_exists", "put", os.path.join(d, "f"), "/docs/f")
    a.fails(EXIT_USAGE, "already_exists", "mkdir", "/docs")
    a.fails(EXIT_USAGE, "already_exists", "mkdir", "/docs/f")
    write(os.path.join(d, "docs"), b"a file named as the folder")
    a.fails(EXIT_USAGE, "as a folder", "put", os.path.join(d, "docs"), "/")
    # The name claim is the store's exclusive create of (folder, lookup hash): a claim without a record (another
    # device creating the same name, or an interrupted write) makes the store refuse a second child of that name.
    held = claims(w)
    before = set(records(w))
    a.ok("mkdir", "/docs/new")
    rec = new_record(w, before)
    os.remove(rec)
    check(a.ls("/docs") == ["f"], a.ls("/docs"))
    a.fails(EXIT_USAGE, "already_exists", "mkdir", "/docs/new")
    check(len(claims(w)) == len(held) + 1, "claims")
    # Two records with one lookup hash in a folder (a store that ignores claims): the listing refuses them.
    before = set(records(w))
    a.ok("put", os.path.join(d, "f"), "/docs/g")
    g = new_record(w, before)
    f_rec = [r for r in before if os.path.dirname(r) == os.path.dirname(g)][0]
    data = bytearray(read(g))
    data[38:70] = read(f_rec)[38:70]  # f's lookup hash in g's header
    write(g, bytes(data))
    a.fails(EXIT_AUTH, "node_binding_invalid", "ls", "/docs")


def test_second_device(d):
    w, a = account(d)
    w.enroll("B", "A")
    b = Drive(w, "B")
    content = os.urandom(2 * CHUNK + 1)
    write(os.path.join(d, "f"), content)
    a.ok("mkdir", "/shared-by-devices")
    a.ok("put", os.path.join(d, "f"), "/shared-by-devices/f")
    check(b.ls("/shared-by-devices") == ["f"], "B sees A's drive")
    check(b.get("/shared-by-devices/f", os.path.join(d, "b-out")) == content, "B reads A's file")
    b.ok("put", os.path.join(d, "f"), "/from-b")
    check(a.ls() == ["from-b", "shared-by-devices/"], a.ls())
    check(len(glob.glob(os.path.join(w.store, "docs", w.user, "*", "3", "access", "current"))) == 1, "one root")
    # A drive first used on a second device is the first device's drive too.
    os.makedirs(os.path.join(d, "two"))
    w2, c = account(os.path.join(d, "two"))
    w2.enroll("B", "A")
    Drive(w2, "B").ok("mkdir", "/made-on-b")
    check(c.ls() == ["made-on-b/"], c.ls())


def test_revision_rollback_across_devices(d):
    """Device A saw revision 2 of a file; the store serves device B (which never read it) revision 1 again, record and
    content, both genuine once: B refuses it, because the account's pins (sealed, shared) say revision 2 was seen."""
    w, a = account(d)
    w.enroll("B", "A")
    b = Drive(w, "B")
    a.ok("mkdir", "/docs")
    v1, v2 = os.urandom(CHUNK + 5), os.urandom(CHUNK + 9)
    write(os.path.join(d, "v1"), v1)
    write(os.path.join(d, "v2"), v2)
    a.ok("put", os.path.join(d, "v1"), "/docs/f")
    store_copy = os.path.join(d, "store-at-v1")
    shutil.copytree(w.store, store_copy)
    a.ok("put", "--force", os.path.join(d, "v2"), "/docs/f")
    check(a.get("/docs/f", os.path.join(d, "a-out")) == v2, "A reads revision 2")
    # The store rolls the drive back to revision 1 (records and contents), keeping the account's objects as they are.
    drive_dir = os.path.join(w.store, "drive")
    shutil.rmtree(drive_dir)
    shutil.copytree(os.path.join(store_copy, "drive"), drive_dir)
    b.fails(EXIT_AUTH, "key_version_rollback", "get", "/docs/f", os.path.join(d, "b-out"))
    no_local(d, "b-out")
    a.fails(EXIT_AUTH, "key_version_rollback", "get", "/docs/f", os.path.join(d, "a-out2"))
    # ls never shows the rolled-back record as current: the folder's listing and the file alone, short or long.
    for args in [["/docs"], ["-l", "/docs"], ["/docs/f"], ["-l", "/docs/f"]]:
        out, _ = b.fails(EXIT_AUTH, "key_version_rollback", "ls", *args)
        check(out == "", f"ls {args} printed {out!r}")
    check(a.ls("/") == ["docs/"], "a listing without the file still works")


def test_revision_rollback_after_ls(d):
    """ls raises the pins it checks: Bob only listed Alice's shared folder (never read the file) after she replaced
    it; a store that then serves him the previous revision is refused, by ls and by get."""
    alice, a, bob, b, content = two_users(d)
    team = share(a, "/team", bob.user)
    check(b.ls(f"@{team}/sub") == ["h.bin"], "Bob lists the share")
    store_copy = os.path.join(d, "store-at-v1")
    shutil.copytree(alice.store, store_copy)
    v2 = os.urandom(CHUNK + 9)
    write(os.path.join(d, "v2"), v2)
    a.ok("put", "--force", os.path.join(d, "v2"), "/team/sub/h.bin")
    check(b.ls(f"@{team}/sub", long=True)[0].split()[1] == str(len(v2)), "Bob lists revision 2")
    drive_dir = os.path.join(alice.store, "drive")
    shutil.rmtree(drive_dir)
    shutil.copytree(os.path.join(store_copy, "drive"), drive_dir)
    b.fails(EXIT_AUTH, "key_version_rollback", "ls", "-l", f"@{team}/sub")
    b.fails(EXIT_AUTH, "key_version_rollback", "get", f"@{team}/sub/h.bin", os.path.join(d, "b-out"))
    no_local(d, "b-out")


def prepare(d):
    """An account with /docs/a.bin, /docs/b.bin and /other/; returns (world, drive, contents, ids)."""
    w, a = account(d)
    a.ok("mkdir", "/docs", "/other")
    contents = {}
    recs = {}
    for n in ["a.bin", "b.bin"]:
        contents[n] = os.urandom(CHUNK + 100)
        write(os.path.join(d, n), contents[n])
        before = set(records(w))
        a.ok("put", os.path.join(d, n), "/docs/" + n)
        recs[n] = new_record(w, before)
    return w, a, contents, recs


def node_hex(rec):
    return os.path.basename(rec)[:-len(".node")]


def blob_of(w, rec, revision=1):
    return os.path.join(owner_dir(w), "blobs", node_hex(rec), str(revision))


def refused(a, d, code, err, remote):
    """`get remote` fails with `err` and writes nothing locally."""
    a.fails(code, err, "get", remote, os.path.join(d, "out"))
    no_local(d, "out")


def test_malicious_moved_record(d):
    w, a, contents, recs = prepare(d)
    # The store files a's record under another folder (give /other a child first, to find its records directory).
    write(os.path.join(d, "x"), b"x")
    before = set(records(w))
    a.ok("put", os.path.join(d, "x"), "/other/x")
    other_dir = os.path.dirname(new_record(w, before))
    moved = os.path.join(other_dir, os.path.basename(recs["a.bin"]))
    shutil.move(recs["a.bin"], moved)
    a.fails(EXIT_AUTH, "node_binding_invalid", "ls", "/other")
    refused(a, d, EXIT_AUTH, "node_binding_invalid", "/other/a.bin")
    refused(a, d, EXIT_AUTH, "node_binding_invalid", "/other/x")
    shutil.move(moved, recs["a.bin"])
    check(a.get("/docs/a.bin", os.path.join(d, "ok")) == contents["a.bin"], "restored")
    # The store files a record under another record's name (its node id): refused too.
    shutil.copy(recs["a.bin"], os.path.join(os.path.dirname(recs["a.bin"]), "0" * 32 + ".node"))
    os.remove(recs["a.bin"])
    a.fails(EXIT_AUTH, "node_binding_invalid", "ls", "/docs")


def test_malicious_renamed(d):
    w, a, contents, recs = prepare(d)
    ra, rb = read(recs["a.bin"]), read(recs["b.bin"])
    # Swap the two files' names: b's lookup hash in a's header (a rename by the store).
    write(recs["a.bin"], ra[:38] + rb[38:70] + ra[70:])
    a.fails(EXIT_AUTH, "node_binding_invalid", "ls", "/docs")
    refused(a, d, EXIT_AUTH, "node_binding_invalid", "/docs/a.bin")
    # b's encrypted metadata (its name) in a's record.
    write(recs["a.bin"], ra[:94 + 48] + rb[94 + 48:])
    a.fails(EXIT_AUTH, "node_binding_invalid", "ls", "/docs")
    # The whole records swapped between the two files' names.
    write(recs["a.bin"], rb)
    write(recs["b.bin"], ra)
    refused(a, d, EXIT_AUTH, "node_binding_invalid", "/docs/b.bin")
    write(recs["a.bin"], ra)
    write(recs["b.bin"], rb)
    check(a.get("/docs/b.bin", os.path.join(d, "ok")) == contents["b.bin"], "restored")


def test_malicious_swapped_blob(d):
    w, a, contents, recs = prepare(d)
    shutil.copy(blob_of(w, recs["b.bin"]), blob_of(w, recs["a.bin"]))
    refused(a, d, EXIT_AUTH, "wrong_key", "/docs/a.bin")
    # No hint about encrypt/decrypt options, which drive commands do not take.
    _, err = a.fails(EXIT_AUTH, "wrong_key", "get", "/docs/a.bin", os.path.join(d, "out"))
    check("--key-file" not in err and "--id" not in err, f"a drive error suggests decrypt's options: {err}")
    a.fails(EXIT_AUTH, "wrong_key", "get", "/docs/a.bin", os.path.join(d, "out"), "--range", "0:10")
    no_local(d, "out")


def test_malicious_old_revision(d):
    w, a, contents, recs = prepare(d)
    old = read(blob_of(w, recs["a.bin"], 1))
    new = os.urandom(50)
    write(os.path.join(d, "new"), new)
    a.ok("put", "--force", os.path.join(d, "new"), "/docs/a.bin")
    check(not os.path.exists(blob_of(w, recs["a.bin"], 1)), "the old revision's blob is removed")
    write(blob_of(w, recs["a.bin"], 2), old)  # the store replays revision 1 as revision 2
    refused(a, d, EXIT_AUTH, "wrong_context", "/docs/a.bin")
    _, err = a.fails(EXIT_AUTH, "wrong_context", "get", "/docs/a.bin", os.path.join(d, "out"))
    check("--revision" not in err and "--id" not in err, f"a drive error suggests decrypt's options: {err}")
    a.fails(EXIT_AUTH, "wrong_context", "get", "/docs/a.bin", os.path.join(d, "out"), "--range", "0:1")
    no_local(d, "out")


def test_malicious_tampered(d):
    w, a, contents, recs = prepare(d)
    r = read(recs["a.bin"])
    for pos, err in [(0, "record_invalid"), (4, "record_invalid"), (5, "record_invalid"),
                     (6, "node_binding_invalid"), (60, "node_binding_invalid"),
                     (100, "node_binding_invalid"), (len(r) - 1, "node_binding_invalid")]:
        write(recs["a.bin"], r[:pos] + bytes([r[pos] ^ 1]) + r[pos + 1:])
        refused(a, d, EXIT_AUTH, err, "/docs/a.bin")
    write(recs["a.bin"], r + b"\0")  # not 158 + 64k bytes
    refused(a, d, EXIT_AUTH, "record_invalid", "/docs/b.bin")
    write(recs["a.bin"], r)
    blob = blob_of(w, recs["a.bin"])
    c = read(blob)
    write(blob, c[:-1] + bytes([c[-1] ^ 1]))  # the last chunk
    refused(a, d, EXIT_AUTH, "chunk_invalid", "/docs/a.bin")
    write(blob, c[:130 + CHUNK + 16])  # the last chunk dropped
    refused(a, d, EXIT_AUTH, "truncated", "/docs/a.bin")
    write(blob, c)
    # The root's wrap and access list.
    wraps = glob.glob(os.path.join(w.store, "docs", w.user, "*", "3", "wraps", "1", "*.wrap"))
    check(len(wraps) == 1, wraps)
    wr = read(wraps[0])
    write(wraps[0], wr[:-1] + bytes([wr[-1] ^ 1]))
    a.fails(EXIT_AUTH, "signature_invalid", "ls")
    write(wraps[0], wr)
    check(a.get("/docs/a.bin", os.path.join(d, "ok")) == contents["a.bin"], "restored")


def test_malicious_cut_blob_range(d):
    """The store cuts a blob at a chunk boundary, or appends a chunk: `get --range` refuses even a range far from the
    end, because the range reader authenticates the final chunk first (docs/SPEC.md 5.5)."""
    w, a = account(d)
    a.ok("mkdir", "/docs")
    content = os.urandom(3 * CHUNK)  # three full chunks: the final one is full
    write(os.path.join(d, "c.bin"), content)
    before = set(records(w))
    a.ok("put", os.path.join(d, "c.bin"), "/docs/c.bin")
    blob = blob_of(w, new_record(w, before))
    c = read(blob)
    check(a.get("/docs/c.bin", os.path.join(d, "r0"), "--range", "0:10") == content[:10], "range before")
    write(blob, c[:130 + 2 * (CHUNK + 16)])  # the final chunk dropped: chunks 0 and 1 still authenticate
    a.fails(EXIT_AUTH, "truncated", "get", "/docs/c.bin", os.path.join(d, "r1"), "--range", "0:10")
    no_local(d, "r1")
    write(blob, c + c[130:130 + CHUNK + 16])  # chunk 0 appended
    a.fails(EXIT_AUTH, "chunk_duplicated", "get", "/docs/c.bin", os.path.join(d, "r2"), "--range", "0:10")
    no_local(d, "r2")


def test_store_holds_no_plaintext(d):
    w, a = account(d)
    w.enroll("B", "A")
    names = ["Quarterly-report-CONFIDENTIAL.pdf", "Holiday-photos-folder", "notes-about-the-merger.txt"]
    content = b"The merger closes on Friday; tell nobody. " * 5000
    write(os.path.join(d, "src"), content)
    a.ok("mkdir", "/" + names[1])
    a.ok("put", os.path.join(d, "src"), f"/{names[1]}/{names[0]}")
    a.ok("put", os.path.join(d, "src"), "/" + names[2])
    a.ok("mv", "/" + names[2], f"/{names[1]}/{names[2]}")
    Drive(w, "B").ok("ls", "/" + names[1])
    bob = World(d)
    bob.init("C")
    share(a, "/" + names[1], bob.user)
    Drive(bob, "C").ok("ls", "--shared")
    needles = [n.encode() for n in names] + [n.encode("utf-16-le") for n in names]
    needles += [content[i:i + 16] for i in range(0, 200, 7)]
    for root, _, files in os.walk(w.store):
        for n in files:
            for needle in needles:
                check(needle not in n.encode(), f"a plaintext name in the store path {root}/{n}")
            data = read(os.path.join(root, n))
            for needle in needles:
                check(needle not in data, f"plaintext in the store file {root}/{n}")
    # Over HTTP: no column of the server's database, no file of its PostgreSQL cluster (store_mirror.py).
    where = at.store_mirror.database_holds(needles)
    check(where is None, f"a plaintext or a name is in {where}")
    w.scan_store(w.secrets("A") + w.secrets("B") + bob.secrets("C"))


def doc_dir(w, node):
    """The access lists and wraps of a node whose key is a content key (SPEC 15: docs/<owner>/<node>/3/)."""
    return os.path.join(w.store, "docs", w.user, node, "3")


def two_users(d):
    """Alice (home A) and Bob (home B), two accounts in one store; Alice has /team/sub/h.txt and /other/."""
    alice, a = account(d, "A")
    bob = World(d)
    bob.init("B")
    b = Drive(bob, "B")
    a.ok("mkdir", "-p", "/team/sub", "/other")
    content = os.urandom(CHUNK + 3)
    write(os.path.join(d, "h"), content)
    a.ok("put", os.path.join(d, "h"), "/team/sub/h.bin")
    return alice, a, bob, b, content


def share(a, folder, user):
    out = a.ok("share", folder, user)
    m = re.search(r"it is @([0-9a-f]{32}) in their", out)
    check(m, f"share printed no id: {out}")
    return m.group(1)


def test_share_folder(d):
    alice, a, bob, b, content = two_users(d)
    check(b.ok("ls", "--shared") == "", "nothing shared yet")
    team = share(a, "/team", bob.user)
    check(b.ok("ls", "--shared").split() == ["@" + team, "from", alice.user], b.ok("ls", "--shared"))
    at8 = "@" + team[:8]
    check(b.ls(at8) == ["sub/"], b.ls(at8))
    check(b.ls(f"{at8}/sub", long=True)[0].split()[1] == str(len(content)), "ls -l inside a share")
    check(b.get(f"{at8}/sub/h.bin", os.path.join(d, "b-h")) == content, "Bob reads inside the share")
    check(b.get(f"@{team}/sub/h.bin", os.path.join(d, "b-r"), "--range", f"{CHUNK}:3") == content[CHUNK:], "range")
    # Bob's own drive is his: Alice's paths are not in it.
    b.fails(EXIT_IO, "not_found", "get", "/team/sub/h.bin", os.path.join(d, "b-x"))
    no_local(d, "b-x")
    # Bob writes into the shared folder; Alice sees it.
    write(os.path.join(d, "reply"), b"from bob")
    b.ok("put", os.path.join(d, "reply"), f"{at8}/sub/reply.txt")
    check(a.get("/team/sub/reply.txt", os.path.join(d, "a-reply")) == b"from bob", "Alice reads Bob's file")
    # What cannot be shared.
    a.fails(EXIT_USAGE, "is a file", "share", "/team/sub/h.bin", bob.user)
    a.fails(EXIT_IO, "not_found", "share", "/team", "0" * 32)  # no such user in the directory
    a.fails(EXIT_USAGE, "already this account", "share", "/team", alice.user)
    b.fails(EXIT_USAGE, "own drive", "share", f"{at8}/sub", alice.user)
    b.fails(EXIT_IO, "not_found", "ls", "@" + "0" * 8)
    # Sharing again, and to a second user: the access list's next revision.
    carol = World(d)
    carol.init("C")
    share(a, "/team", bob.user)
    share(a, "/team", carol.user)
    check(Drive(carol, "C").get(f"@{team}/sub/h.bin", os.path.join(d, "c-h")) == content, "Carol reads")
    check(b.ls(at8) == ["sub/"], "Bob still reads")


def test_json_output(d):
    """drive ls --json (a folder, a file, --shared) and contacts --json against the known state; failures as one
    JSON line."""
    t0 = int(time.time())
    alice, a, bob, b, content = two_users(d)
    j = at.expect_json(a.args("ls", "--json", "/"))
    check(j["path"] == "/" and [(e["name"], e["kind"]) for e in j["entries"]] == [("other", "folder"),
                                                                                  ("team", "folder")], f"{j}")
    check(all(e["size"] == "0" and e["revision"] == "0" and re.fullmatch("[0-9a-f]{32}", e["id"])
              for e in j["entries"]), f"{j}")
    j = at.expect_json(a.args("ls", "--json", "/team/sub"))
    (h,) = j["entries"]
    check(j["path"] == "/team/sub" and h["name"] == "h.bin" and h["kind"] == "file", f"{j}")
    check(h["size"] == str(len(content)) and h["revision"] == "1", f"{j}")
    check(h["media_type"] == a.ls("/team/sub", long=True)[0].split()[4], f"{j}")
    check(all(t0 - 5 <= int(h[k]) <= time.time() + 5 for k in ("created", "modified")), f"{j}")
    check(at.expect_json(a.args("ls", "--json", "/team/sub/h.bin"))["entries"] == [h], "ls --json of a file")
    check(at.expect_json(b.args("ls", "--json", "--shared")) == {"shared": []}, "nothing shared yet")
    team = share(a, "/team", bob.user)
    j = at.expect_json(b.args("ls", "--json", "--shared"))
    check(j == {"shared": [{"id": "@" + team, "owner": alice.user}]}, f"{j}")
    # contacts: each side knows the other, unverified until the safety numbers are compared.
    j = at.expect_json(["contacts", "--json", *bob.at("B")])
    want = {"user_id": alice.user, "state": "unverified", "identity_generation": 1, "suite_version": 1,
            "changed_key": None, "directory_error": None}
    check(j == {"contacts": [want]}, f"{j}")
    bob_trusts_alice(alice, bob)
    check(at.expect_json(["contacts", "--json", *bob.at("B")]) == {"contacts": [dict(want, state="verified")]},
          "verified")
    check([c["user_id"] for c in at.expect_json(["contacts", "--json", *alice.at("A")])["contacts"]] == [bob.user],
          "Alice's contacts")
    carol = World(d)
    carol.init("C")
    check(at.expect_json(["contacts", "--json", *carol.at("C")]) == {"contacts": []}, "no contacts")
    # Failures: nothing on stdout, the error's name on stderr.
    at.expect_json_error(a.args("ls", "--json", "/nope"), EXIT_IO, "not_found")
    at.expect_json_error(a.args("ls", "--json", "--shared", "/team"), EXIT_USAGE, "usage")
    at.expect_json_error(["contacts", "--json", *World(d).at("D")], EXIT_USAGE, "usage")
    os.unlink(alice.log_path(0))  # the store withholds Alice's device list
    at.expect_json_error(["contacts", "--json", *alice.at("A")], EXIT_AUTH, "log_rollback")
    at.expect_json_error(a.args("ls", "--json", "/"), EXIT_AUTH, "log_rollback")


WRAP_GENERATION = slice(58, 62)  # a wrap's sender identity generation (SPEC 16.2)


def bob_trusts_alice(alice, bob):
    """Bob verifies Alice's current safety number (after each of her identity changes)."""
    out, _ = expect(["fingerprint", bob.user, *alice.at("A")], EXIT_OK)
    number = re.search(r"^  ((?:\d{5} ){11}\d{5})$", out, re.M).group(1)
    expect(["verify", alice.user, number, *bob.at("B")], EXIT_OK)


def shared_twice(d):
    """two_users, /team shared with Bob twice: returns the wrap file of /team's key to Bob and the bytes of the first
    one, a genuine wrap of the old identity generation that the account no longer has in the store (what a revoked
    device holding the old identity key can sign and plant)."""
    alice, a, bob, b, content = two_users(d)
    team = share(a, "/team", bob.user)
    wrap = os.path.join(doc_dir(alice, team), "wraps", "1", bob.user + ".wrap")
    planted = read(wrap)
    share(a, "/team", bob.user)
    check(read(wrap) != planted, "sharing again wrapped the key again")
    check(b.get(f"@{team}/sub/h.bin", os.path.join(d, "b-h"), "--force") == content, "Bob reads inside the share")
    return alice, a, bob, b, content, team, wrap, planted


def test_revoke_resigns_shared_folder(d):
    """SPEC 15.4: Alice's revocation signs her Drive's access lists (the root's and the shared folder's, purpose 3)
    and wraps again with her new identity key, the shared folder's wraps to its members too (the folder's key found
    by walking her drive: she holds no self-wrap of it). She still reads her drive; Bob is refused before he verified
    her new safety number (trust_mismatch), then reads; a wrap of the old generation planted afterwards is refused."""
    alice, a, bob, b, content, team, wrap, planted = shared_twice(d)
    alice.enroll("A2", "A")
    _, err = expect(["device", "revoke", alice.device_id("A2"), "--yes", *alice.at("A")], EXIT_OK)
    # The root's own wrap, 1.access and current; /team's wrap to Bob, 1.access and current.
    check("signed 6 access list(s) and wrap(s) again with identity generation 2" in err and "skipped" not in err, err)
    check(read(wrap)[WRAP_GENERATION] == (2).to_bytes(4, "big"), "/team's wrap to Bob signed by generation 2")
    check(a.get("/team/sub/h.bin", os.path.join(d, "a-h")) == content, "Alice reads her drive")
    b.fails(EXIT_AUTH, "trust_mismatch", "get", f"@{team}/sub/h.bin", os.path.join(d, "b-x"))
    no_local(d, "b-x")
    bob_trusts_alice(alice, bob)
    check(b.get(f"@{team}/sub/h.bin", os.path.join(d, "b-h2")) == content, "Bob reads after the revocation")
    # The revoked device plants a wrap signed by the old identity key: Bob refuses it.
    resigned = read(wrap)
    write(wrap, planted)
    b.fails(EXIT_AUTH, "trust_mismatch", "get", f"@{team}/sub/h.bin", os.path.join(d, "b-x"))
    no_local(d, "b-x")
    write(wrap, resigned)
    check(b.get(f"@{team}/sub/h.bin", os.path.join(d, "b-h3")) == content, "Bob reads again")
    # An older key version of a shared folder is re-keyed away (no content left under it): its wraps are left.
    carol = World(d)
    carol.init("C")
    share(a, "/team", carol.user)
    a.ok("unshare", "/team", carol.user)
    alice.enroll("A3", "A")
    _, err = expect(["device", "revoke", alice.device_id("A3"), "--yes", *alice.at("A")], EXIT_OK)
    check("an older key version of a shared Drive folder" in err, err)
    check(read(os.path.join(doc_dir(alice, team), "wraps", "2", bob.user + ".wrap"))[WRAP_GENERATION] ==
          (3).to_bytes(4, "big"), "the current version's wrap to Bob signed by generation 3")
    bob_trusts_alice(alice, bob)
    check(b.get(f"@{team}/sub/h.bin", os.path.join(d, "b-h4")) == content, "Bob reads after the second revocation")


# The crash points of a revocation's re-signing (cli/src/account_cmds.cpp, resign.cpp), in the order passed, for a
# drive whose root and one shared folder are its only documents: two wraps (the root's own, the folder's to Bob) and
# four lists (1.access and current of each) are signed again.
RESIGN_CRASH_POINTS = ["revoke: re-signing journal written", "revoke: entry appended", "revoke: record published",
                       "resign: a wrap replaced:1", "resign: a wrap replaced:2",
                       *(f"resign: an access list replaced:{n}" for n in range(1, 5))]


def test_revoke_resign_drive_killed_at_every_step(d):
    """A revocation killed at each crash point of its re-signing journal (written, the entry, the record, each
    re-signed wrap and list): Alice's next drive command finishes the re-signing (or, before the entry, drops the
    journal), and Bob, once he verified her new safety number, reads in her shared folder. At the first step after
    the entry, the revoked device plants a wrap of the folder's key to Bob signed by the old identity key: the
    resumed journal does not sign it again, and Bob refuses it until Alice shares the folder again."""
    alice, a, bob, b, content, team, wrap, planted = shared_twice(d)
    generation, was_planted = 1, False
    journal = os.path.join(alice.home("A"), "resign.journal")
    for step, point in enumerate([*RESIGN_CRASH_POINTS, None], 1):
        victim = f"A{step + 1}"
        alice.enroll(victim, "A")
        revoke = ["device", "revoke", alice.device_id(victim), "--yes", *alice.at("A")]
        if point is None:  # the last revocation runs to its end
            expect(revoke, EXIT_OK)
            check(not os.path.exists(journal), "the journal is removed once done")
        else:
            rc, _, err = at.run(revoke, env={"COFFRE_TEST_CRASH_AT": point}, binary=at.COFFRE_HOOKS)
            check(rc == -signal.SIGKILL and f"after {re.sub(r':[0-9]+$', '', point)}\n" in err, f"{point}: exit {rc}: {err!r}")
            has_journal = os.path.exists(journal)
            revoked = os.path.exists(alice.log_path(2 * step))  # 0 init, then an add-device and a revoke entry per step
            check(has_journal and revoked == (step > 1), f"{point}: journal {has_journal}, revoked {revoked}")
            plant = revoked and not was_planted
            if plant:
                check(read(wrap)[WRAP_GENERATION] == generation.to_bytes(4, "big"), "not re-signed yet")
                was_planted = True
                write(wrap, planted)
            # Alice's next command finishes the re-signing (or drops the journal of a revocation that never happened).
            _, err = expect(a.args("ls", "/team"), EXIT_OK)
            check(not os.path.exists(journal), f"{point}: the journal is still there")
            check(revoked or "changed nothing" in err, err)
            if plant:
                check("not signed again" in err and bob.user + ".wrap" in err, err)
                check(read(wrap) == planted, "the planted wrap was signed again")
                bob_trusts_alice(alice, bob)
                b.fails(EXIT_AUTH, "trust_mismatch", "get", f"@{team}/sub/h.bin", os.path.join(d, "b-x"))
                no_local(d, "b-x")
                share(a, "/team", bob.user)  # what Alice does about it: the wrap is made again, by the new generation
            if not revoked:
                # Killed before the entry: its epoch objects block the next revocation until --force removes them.
                expect([*revoke, "--force"], EXIT_OK)
        generation += 1
        check(read(wrap)[WRAP_GENERATION] == generation.to_bytes(4, "big"), f"step {step}: the wrap to Bob")
        check(a.get("/team/sub/h.bin", os.path.join(d, "a-h"), "--force") == content, f"step {step}: Alice reads")
        bob_trusts_alice(alice, bob)
        check(b.get(f"@{team}/sub/h.bin", os.path.join(d, "b-h"), "--force") == content, f"step {step}: Bob reads")
    check(was_planted, "no crash point came after the entry")


def test_share_malicious_store(d):
    alice, a, bob, b, content = two_users(d)
    team = share(a, "/team", bob.user)
    other = share(a, "/other", bob.user)
    check(b.ls("@" + team) == ["sub/"], "before")
    wrap = lambda node: os.path.join(doc_dir(alice, node), "wraps", "1", bob.user + ".wrap")
    # A wrap of another folder served as /team's: wrong_context; nothing written locally.
    wt, wo = read(wrap(team)), read(wrap(other))
    write(wrap(team), wo)
    b.fails(EXIT_AUTH, "wrong_context", "get", f"@{team}/sub/h.bin", os.path.join(d, "out"))
    no_local(d, "out")
    write(wrap(team), wt[:-1] + bytes([wt[-1] ^ 1]))
    b.fails(EXIT_AUTH, "signature_invalid", "ls", "@" + team)
    write(wrap(team), wt)
    # An older access list served after Bob saw a newer one: key_version_rollback.
    current = os.path.join(doc_dir(alice, team), "access", "current")
    old_list = read(current)
    carol = World(d)
    carol.init("C")
    share(a, "/team", carol.user)
    check(b.ls("@" + team) == ["sub/"], "Bob pins the new list")
    new_list = read(current)
    write(current, old_list)
    b.fails(EXIT_AUTH, "key_version_rollback", "ls", "@" + team)
    write(current, new_list)
    # An inbox entry for something never shared: refused, the real shares still listed.
    write(os.path.join(w_inbox(alice, bob), f"{alice.user}.{'ab' * 16}"), b"")
    if at.store_mirror.ENABLED:
        # The server refuses a non-member the list of a document, whether it exists or not: the client's finding.
        out, err = expect(b.args("ls", "--shared"), EXIT_AUTH, "not_a_member")
    else:
        out, err = expect(b.args("ls", "--shared"), EXIT_IO, "not_found")
    check(f"@{other}" in out, out)
    # The store names Alice's shared folder as her root: she has no wrap of it, nothing opens.
    root = os.path.join(owner_dir(alice), "root")
    write(root, bytes.fromhex(team))
    a.fails(EXIT_IO, "not_found", "ls")


def w_inbox(owner, recipient):
    return os.path.join(owner.store, "shared", recipient.user)


def test_interrupted_put(d):
    """Ctrl-C during an upload leaves its name claimed (no record, nothing readable); retrying says why and how, and
    --force takes the name over once the user says no device is uploading it."""
    w, a = account(d)
    a.ok("mkdir", "/up")
    before = set(claims(w))
    p = subprocess.Popen([at.COFFRE, *a.args("put", "-", "/up/f.bin")], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    p.stdin.write(os.urandom(3 * CHUNK))
    p.stdin.flush()
    deadline = time.time() + 30
    while set(claims(w)) == before:
        check(time.time() < deadline and p.poll() is None, "the upload never claimed its name")
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGINT)
    p.communicate()
    check(p.returncode == -signal.SIGINT, f"put ended with {p.returncode}")
    check(a.ls("/up") == [], "an interrupted upload is not in the listing")
    content = os.urandom(CHUNK + 7)
    src = os.path.join(d, "f.bin")
    write(src, content)
    a.fails(EXIT_USAGE, "interrupted upload", "put", src, "/up/f.bin")
    a.fails(EXIT_USAGE, "interrupted upload", "mkdir", "/up/f.bin")
    a.ok("put", "--force", src, "/up/f.bin")
    check(a.get("/up/f.bin", os.path.join(d, "back")) == content, "the retried upload came back different")
    check(len(blob_files(w)) == 1, f"the interrupted upload's blob was not removed: {blob_files(w)}")


def hooked(a, crash_at, sub, *rest):
    """Runs a drive command with the test build, killed (SIGKILL) at the crash point `crash_at` ("step" or "step:N")."""
    rc, out, err = at.run(a.args(sub, *rest), env={"COFFRE_TEST_CRASH_AT": crash_at}, binary=at.COFFRE_HOOKS)
    check(rc == -signal.SIGKILL, f"drive {sub} with a crash at {crash_at}: exit {rc}; {out!r} {err!r}")


def tidy(w):
    """What a finished command leaves: no re-keying journal, one listing directory per folder, exactly the current
    revision of each file's content (no temporary file), a record for every file with content."""
    rekey = os.path.join(owner_dir(w), "rekey")
    journals = os.listdir(rekey) if os.path.isdir(rekey) else []
    check(not journals, f"journals left: {journals}")
    for kind in ["nodes", "names"]:
        for folder in glob.glob(os.path.join(owner_dir(w), kind, "*")):
            check(len(os.listdir(folder)) <= 1, f"{kind} of {folder} under several listing tags: {os.listdir(folder)}")
    recorded = {node_hex(r) for r in records(w)}
    for blobs in glob.glob(os.path.join(owner_dir(w), "blobs", "*")):
        check(len(os.listdir(blobs)) == 1, f"content objects left in {blobs}: {os.listdir(blobs)}")
        check(os.path.basename(blobs) in recorded, f"content without a record: {blobs}")


def created(w, run):
    """The node id of the one record that `run` creates."""
    before = set(records(w))
    run()
    return node_hex(new_record(w, before))


def tags(w, node):
    """The listing directories of a folder (normally one)."""
    path = os.path.join(owner_dir(w), "nodes", node)
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def record_of(w, parent, node):
    found = glob.glob(os.path.join(owner_dir(w), "nodes", parent, "*", node + ".node"))
    check(len(found) == 1, f"records of {node} under {parent}: {found}")
    return found[0]


def access_version(w, node):
    """The key version of a shared folder's current access list (SPEC 16.1: u32 at byte 42)."""
    return int.from_bytes(read(os.path.join(doc_dir(w, node), "access", "current"))[42:46], "big")


def three_users(d):
    """Alice (A) shares /team with Bob (B) and Carol (C), /other with Carol only. /team/sub holds h.bin and
    deep/x.bin. Returns the drives, users, ids and contents."""
    alice, a = account(d, "A")
    bob, carol = World(d), World(d)
    bob.init("B")
    carol.init("C")
    b, c = Drive(bob, "B"), Drive(carol, "C")
    a.ok("mkdir", "/team", "/other")
    ids = {"team": share(a, "/team", bob.user)}
    share(a, "/team", carol.user)
    ids["other"] = share(a, "/other", carol.user)
    ids["sub"] = created(alice, lambda: a.ok("mkdir", "/team/sub"))
    files = {"h": os.urandom(2 * CHUNK + 5), "x": os.urandom(300)}
    for n, c_ in files.items():
        write(os.path.join(d, n), c_)
    ids["h"] = created(alice, lambda: a.ok("put", os.path.join(d, "h"), "/team/sub/h.bin"))
    a.ok("mkdir", "/team/sub/deep")
    a.ok("put", os.path.join(d, "x"), "/team/sub/deep/x.bin")
    return alice, a, bob, b, carol, c, ids, files


def reads(drive, d, remote, expected):
    check(drive.get(remote, os.path.join(d, "r"), "--force") == expected, f"{remote} came back different")


def test_move_out_rekeys(d):
    """A node moved out of a shared folder gets new keys: the folder's members who lose it cannot read its later
    revisions, names or children, even with the old keys they held and a store that serves them everything."""
    alice, a, bob, b, carol, c, ids, files = three_users(d)
    reads(b, d, f"@{ids['team']}/sub/h.bin", files["h"])
    sub_record = read(record_of(alice, ids["team"], ids["sub"]))
    h_record = read(record_of(alice, ids["sub"], ids["h"]))
    old_tag = tags(alice, ids["sub"])
    team_tag = tags(alice, ids["team"])  # kept by the moves below (an HTTP store has no empty listing left to show it)
    # Within one sharing scope a move is a new record only; out of /team (Bob loses it), new keys.
    out = a.ok("mv", "/team/sub", "/team/sub2")
    check("new keys" not in out and tags(alice, ids["sub"]) == old_tag, "a rename re-keyed")
    a.ok("mv", "/team/sub2", "/team/sub")
    out = a.ok("mv", "/team/sub", "/other/")
    check("new keys" in out and "4 node(s)" in out, out)
    check(tags(alice, ids["sub"]) != old_tag, "the folder's listing tag did not change")
    tidy(alice)
    check(os.listdir(os.path.join(owner_dir(alice), "blobs", ids["h"])) == ["2"], "h.bin is not at revision 2")
    # The owner and Carol (a member of /other) read everything; Bob sees nothing of it in /team.
    reads(a, d, "/other/sub/h.bin", files["h"])
    reads(a, d, "/other/sub/deep/x.bin", files["x"])
    reads(c, d, f"@{ids['other']}/sub/deep/x.bin", files["x"])
    check(b.ls(f"@{ids['team']}") == [], b.ls(f"@{ids['team']}"))
    # Later: a new revision and a new child.
    new = os.urandom(CHUNK + 9)
    write(os.path.join(d, "new"), new)
    a.ok("put", "--force", os.path.join(d, "new"), "/other/sub/h.bin")
    a.ok("put", os.path.join(d, "new"), "/other/sub/later.txt")
    reads(c, d, f"@{ids['other']}/sub/h.bin", new)
    reads(c, d, f"@{ids['other']}/sub/later.txt", new)
    tidy(alice)
    # Bob with the store on his side: sub's old record back in /team, the new records where his old key of sub
    # lists, the new content where his old record of h.bin points. Nothing opens.
    team_listing = os.path.join(owner_dir(alice), "nodes", ids["team"], team_tag[0])
    os.makedirs(team_listing, exist_ok=True)
    write(os.path.join(team_listing, ids["sub"] + ".node"), sub_record)
    stale = os.path.join(owner_dir(alice), "nodes", ids["sub"], old_tag[0])
    os.makedirs(stale)
    for r in records(alice, ids["sub"]):
        shutil.copy(r, stale)
    b.fails(EXIT_AUTH, "node_binding_invalid", "ls", f"@{ids['team']}/sub")
    for n in os.listdir(stale):
        os.remove(os.path.join(stale, n))
    write(os.path.join(stale, ids["h"] + ".node"), h_record)
    check(b.ls(f"@{ids['team']}/sub") == ["h.bin"], "the old record still opens with the old key")
    shutil.copy(os.path.join(owner_dir(alice), "blobs", ids["h"], "3"), os.path.join(owner_dir(alice), "blobs",
                                                                                      ids["h"], "1"))
    b.fails(EXIT_AUTH, "wrong_key", "get", f"@{ids['team']}/sub/h.bin", os.path.join(d, "bob-out"))
    no_local(d, "bob-out")
    # A single file moved out: re-keyed too (the next revision under a new key), readable where it went.
    solo = created(alice, lambda: a.ok("put", os.path.join(d, "new"), "/team/solo.bin"))
    reads(b, d, f"@{ids['team']}/solo.bin", new)
    out = a.ok("mv", "/team/solo.bin", "/other/")
    check("1 node(s)" in out, out)
    check(os.listdir(os.path.join(owner_dir(alice), "blobs", solo)) == ["2"], "solo.bin is not at revision 2")
    reads(c, d, f"@{ids['other']}/solo.bin", new)


def test_unshare(d):
    """drive unshare: the folder's next content-key version without the user, new keys below it; the user reads
    nothing new, the other members everything, a nested share keeps its members."""
    alice, a, bob, b, carol, c, ids, files = three_users(d)
    ids["inner"] = share(a, "/team/sub/deep", carol.user)  # a share inside the share
    team = f"@{ids['team']}"
    old_tag = tags(alice, ids["team"])
    old_list = read(os.path.join(doc_dir(alice, ids["team"]), "access", "current"))
    a.fails(EXIT_USAGE, "not_a_member", "unshare", "/other", bob.user)
    a.fails(EXIT_USAGE, "not_a_member", "unshare", "/team/sub/h.bin", bob.user)
    a.fails(EXIT_USAGE, "owner", "unshare", "/team", alice.user)
    b.fails(EXIT_USAGE, "owner", "unshare", f"{team}/sub", carol.user)
    out = a.ok("unshare", "/team", bob.user)
    check("content-key version 2 for 2 member(s)" in out and "5 node(s)" in out, out)
    tidy(alice)
    check(access_version(alice, ids["team"]) == 2 and access_version(alice, ids["inner"]) == 2, "key versions")
    wraps2 = os.path.join(doc_dir(alice, ids["team"]), "wraps", "2")
    check(sorted(os.listdir(wraps2)) == [carol.user + ".wrap"], os.listdir(wraps2))
    check(b.ok("ls", "--shared") == "", "Bob still has the share in his inbox")
    b.fails(EXIT_IO, "not_found", "ls", team)
    reads(a, d, "/team/sub/h.bin", files["h"])
    reads(c, d, f"{team}/sub/deep/x.bin", files["x"])
    reads(c, d, f"@{ids['inner']}/x.bin", files["x"])
    new = os.urandom(CHUNK)
    write(os.path.join(d, "new"), new)
    a.ok("put", "--force", os.path.join(d, "new"), "/team/sub/h.bin")
    a.ok("put", os.path.join(d, "new"), "/team/later.txt")
    reads(c, d, f"{team}/later.txt", new)
    reads(c, d, f"{team}/sub/h.bin", new)
    # Bob with the store on his side: the old list (his pin allows it) and his old wrap, the inbox entry, the new
    # records where his old key lists. He opens the old key, and nothing it lists.
    current = os.path.join(doc_dir(alice, ids["team"]), "access", "current")
    new_list = read(current)
    write(current, old_list)
    os.makedirs(w_inbox(alice, bob), exist_ok=True)  # an HTTP store has no empty folder left
    write(os.path.join(w_inbox(alice, bob), f"{alice.user}.{ids['team']}"), b"")
    stale = os.path.join(owner_dir(alice), "nodes", ids["team"], old_tag[0])
    os.makedirs(stale, exist_ok=True)
    for r in records(alice, ids["team"]):
        shutil.copy(r, stale)
    b.fails(EXIT_AUTH, "node_binding_invalid", "ls", team)
    shutil.rmtree(stale)
    write(current, new_list)
    # Sharing again: the key of version 2 wrapped to Bob.
    share(a, "/team", bob.user)
    check(b.ls(team) == ["later.txt", "sub/"], b.ls(team))
    reads(b, d, f"{team}/sub/h.bin", new)
    tidy(alice)


def old_or_new(a, b, c, d, ids, files, where):
    """After a crash and the recovery: everything readable in one place or the other, never half."""
    if where == "old":
        reads(a, d, "/team/sub/h.bin", files["h"])
        reads(a, d, "/team/sub/deep/x.bin", files["x"])
        reads(b, d, f"@{ids['team']}/sub/deep/x.bin", files["x"])
        check(a.ls("/other") == [], a.ls("/other"))
    else:
        reads(a, d, "/other/sub/h.bin", files["h"])
        reads(a, d, "/other/sub/deep/x.bin", files["x"])
        reads(c, d, f"@{ids['other']}/sub/h.bin", files["h"])
        check(b.ls(f"@{ids['team']}") == [], "Bob still sees the moved folder")


# Crash points of a re-keying (drive_rekey.cpp), in order, and the state a crash there leaves once recovered.
REKEY_STEPS = [("rekey-prepared", "old"), ("rekey-node:1", "old"), ("rekey-node:3", "old"),
               ("rekey-committed", "new"), ("rekey-switch:1", "new"), ("rekey-obsolete", "new"),
               ("rekey-collected", "new")]


def test_move_out_crash(d):
    """kill -9 at every step of a re-keying move: the next drive command finishes it or undoes it, and leaves one
    readable state with nothing left over."""
    alice, a, bob, b, carol, c, ids, files = three_users(d)
    for step, where in REKEY_STEPS:
        hooked(a, step, "mv", "/team/sub", "/other/")
        _, err = expect(a.args("ls"), EXIT_OK)
        check(("finished" if where == "new" else "undid") in err, f"{step}: recovery said {err!r}")
        tidy(alice)
        old_or_new(a, b, c, d, ids, files, where)
        if where == "old":
            a.ok("mv", "/team/sub", "/other/")
            old_or_new(a, b, c, d, ids, files, "new")
        a.ok("mv", "/other/sub", "/team/")  # back in: nobody loses it, no re-keying
        old_or_new(a, b, c, d, ids, files, "old")
    # A crash while undoing or finishing one: the next command goes on.
    for step, again, where in [("rekey-node:2", "rekey-undo", "old"), ("rekey-switch:1", "rekey-obsolete", "new")]:
        hooked(a, step, "mv", "/team/sub", "/other/")
        hooked(a, again, "ls")
        a.ok("ls")
        tidy(alice)
        old_or_new(a, b, c, d, ids, files, where)
        if where == "new":
            a.ok("mv", "/other/sub", "/team/")


def test_rekey_other_device(d):
    """An unfinished re-keying of one device (phase prepared) may still be running: the account's other devices
    leave it alone and say so; a committed one, any device finishes."""
    alice, a, bob, b, carol, c, ids, files = three_users(d)
    alice.enroll("A2", "A")
    a2 = Drive(alice, "A2")
    hooked(a, "rekey-node:1", "mv", "/team/sub", "/other/")
    _, err = expect(a2.args("ls"), EXIT_OK)
    check("is not finished" in err and alice.device_id("A") in err, err)
    check(os.listdir(os.path.join(owner_dir(alice), "rekey")), "another device removed a prepared journal")
    old_or_new(a2, b, c, d, ids, files, "old")
    a.ok("ls")  # the device that started it undoes it
    tidy(alice)
    hooked(a, "rekey-committed", "mv", "/team/sub", "/other/")
    _, err = expect(a2.args("ls"), EXIT_OK)
    check("finished" in err, err)
    tidy(alice)
    old_or_new(a2, b, c, d, ids, files, "new")


def test_unshare_crash(d):
    alice, a, bob, b, carol, c, ids, files = three_users(d)
    team = f"@{ids['team']}"
    for step, where in REKEY_STEPS:
        hooked(a, step, "unshare", "/team", bob.user)
        a.ok("ls")
        tidy(alice)
        reads(a, d, "/team/sub/h.bin", files["h"])
        reads(c, d, f"{team}/sub/deep/x.bin", files["x"])
        if where == "old":
            reads(b, d, f"{team}/sub/h.bin", files["h"])
            a.ok("unshare", "/team", bob.user)
        b.fails(EXIT_IO, "not_found", "ls", team)
        reads(c, d, f"{team}/sub/h.bin", files["h"])
        share(a, "/team", bob.user)
        reads(b, d, f"{team}/sub/deep/x.bin", files["x"])


def test_orphan_blobs(d):
    """What killed uploads leave (a content object without its record, a temporary file) goes with the next
    put --force or rm of that file; before, a killed put --force made every later one fail."""
    w, a = account(d)
    a.ok("mkdir", "/up")
    first, second = os.urandom(CHUNK + 1), os.urandom(CHUNK + 2)
    write(os.path.join(d, "1"), first)
    write(os.path.join(d, "2"), second)
    f = created(w, lambda: a.ok("put", os.path.join(d, "1"), "/up/f.bin"))
    blobs = os.path.join(owner_dir(w), "blobs", f)
    hooked(a, "put-uploaded", "put", "--force", os.path.join(d, "2"), "/up/f.bin")
    check(sorted(os.listdir(blobs)) == ["1", "2"], os.listdir(blobs))
    write(os.path.join(blobs, ".2.0123456789abcdef.coffre-tmp"), b"partial")  # what a kill mid-upload leaves
    reads(a, d, "/up/f.bin", first)
    a.ok("put", "--force", os.path.join(d, "2"), "/up/f.bin")
    check(os.listdir(blobs) == ["2"], os.listdir(blobs))
    reads(a, d, "/up/f.bin", second)
    # A killed new upload: taken over by put --force, its content object gone.
    before = set(glob.glob(os.path.join(owner_dir(w), "blobs", "*")))
    hooked(a, "put-uploaded", "put", os.path.join(d, "1"), "/up/g.bin")
    left = set(glob.glob(os.path.join(owner_dir(w), "blobs", "*"))) - before
    check(len(left) == 1, left)
    a.ok("put", "--force", os.path.join(d, "2"), "/up/g.bin")
    check(not os.path.exists(left.pop()), "the killed upload's content is still there")
    # rm: every revision and leftover of the file.
    hooked(a, "put-uploaded", "put", "--force", os.path.join(d, "1"), "/up/f.bin")
    a.ok("rm", "/up/f.bin")
    check(not os.path.exists(blobs), "rm left the content directory of the file")
    tidy(w)


def peak_rss_kib(args):
    """Runs coffre under GNU time (scripts/install-deps.sh installs it) and returns (exit code, its own peak resident
    set size in KiB). Not from os.wait4: a child forked from this Python process starts its peak at Python's size."""
    with tempfile.NamedTemporaryFile() as report:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, at.COFFRE, *args],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, timeout=120)
        return p.returncode, int(read(report.name).split()[-1])


def test_constant_memory(d):
    w, a = account(d)
    size = 48 << 20
    src = os.path.join(d, "large")
    with open(src, "wb") as f:
        for _ in range(size >> 20):
            f.write(os.urandom(1 << 20))
    rc, put_rss = peak_rss_kib(a.args("put", src, "/large"))
    check(rc == 0, f"put exit {rc}")
    rc, get_rss = peak_rss_kib(a.args("get", "/large", os.path.join(d, "back")))
    check(rc == 0, f"get exit {rc}")
    rc, range_rss = peak_rss_kib(a.args("get", "/large", os.path.join(d, "part"), "--range", f"1:{size - 2}"))
    check(rc == 0, f"get --range exit {rc}")
    with open(src, "rb") as f1, open(os.path.join(d, "back"), "rb") as f2:
        while True:
            x, y = f1.read(1 << 20), f2.read(1 << 20)
            check(x == y, "the large file came back different")
            if not x:
                break
    check(os.path.getsize(os.path.join(d, "part")) == size - 2, "range size")
    limit = 40 << 10  # KiB: well under the 48 MiB file
    print(f"      peak RSS of a {size >> 20} MiB put: {put_rss >> 10} MiB, get: {get_rss >> 10} MiB, "
          f"get --range: {range_rss >> 10} MiB")
    for what, rss in [("put", put_rss), ("get", get_rss), ("get --range", range_rss)]:
        check(rss < limit, f"{what} of a {size >> 20} MiB file peaked at {rss >> 10} MiB")


def test_small_files_small_buffers(d):
    """A stream's buffers are sized from its input (cli_test.py small_file_small_buffers): a re-keying (unshare) of
    small files, a stream per file in one process, peaks within a few MiB of a command that streams nothing (ls),
    where 4 MiB blocks (16 MiB of buffers per stream, wiped page by page) cost about 40 ms of CPU per file and grew
    the heap by tens of MiB."""
    alice, a, bob, b, content = two_users(d)
    share(a, "/team", bob.user)
    small = os.path.join(d, "small")
    write(small, os.urandom(1000))
    for i in range(20):
        a.ok("put", small, f"/team/sub/s{i:02d}.bin")
    rc, base = peak_rss_kib(a.args("ls", "/team/sub"))
    check(rc == 0, f"ls exit {rc}")
    rc, unshare_rss = peak_rss_kib(a.args("unshare", "/team", bob.user))
    check(rc == 0, f"unshare exit {rc}")
    reads(a, d, "/team/sub/s19.bin", read(small))
    reads(a, d, "/team/sub/h.bin", content)
    print(f"      peak RSS: ls {base >> 10} MiB, unshare of 23 nodes {unshare_rss >> 10} MiB")
    check(unshare_rss - base < 4 << 10, f"unshare of small files peaked at {unshare_rss >> 10} MiB, ls at "
                                        f"{base >> 10} MiB")

def http_test_killed_put_resumes(d):
    """Over HTTP, `put` killed after some parts reached the server resumes there: the rerun sends only the parts the
    server does not hold (the same bytes again: its randomness comes from the home's record of the upload), says so,
    and what lands reads back whole; no part, record or upload is left behind."""
    check(store_mirror.ENABLED, "this case needs the HTTP store (COFFRE_TEST_STORE=http)")
    w, a = account(d)
    a.ok("mkdir", "/up")
    parts = 6  # 16 chunks per part (STORE.md 3.4); the first part also holds the header
    content = os.urandom((parts - 1) * 16 * CHUNK + 1000)
    src = os.path.join(d, "f.bin")
    write(src, content)
    hooked(a, "upload-part:3", "put", src, "/up/f.bin")
    check(a.ls("/up") == [], "a killed upload is in the listing")
    # The rerun crashes if it sends a 4th part: resumed, it sends only the 3 the server does not hold.
    rc, out, err = at.run(a.args("put", src, "/up/f.bin"), env={"COFFRE_TEST_CRASH_AT": "upload-part:4"},
                          binary=at.COFFRE_HOOKS)
    check(rc == 0, f"the resumed put sent parts the server held, or failed: exit {rc}; {err!r}")
    check("resuming the interrupted upload" in err, f"the rerun did not say it resumed: {err!r}")
    check(a.get("/up/f.bin", os.path.join(d, "back")) == content, "the resumed upload came back different")
    check(len(blob_files(w)) == 1, f"blobs left beside the file's content: {blob_files(w)}")
    check(not os.path.exists(os.path.join(w.home("A"), "uploads")), "the home keeps a record of a finished upload")


TESTS = {name[len("test_"):]: f for name, f in sorted(globals().items()) if name.startswith("test_")}
# Cases that need the HTTP store (registered by http_cases.cmake only; --list does not show them).
HTTP_TESTS = {name[len("http_test_"):]: f for name, f in sorted(globals().items()) if name.startswith("http_test_")}


if __name__ == "__main__":
    at.TESTS, at.HTTP_TESTS = TESTS, HTTP_TESTS  # account_test.py's runner
    sys.exit(at.main(prefix="coffre-drive-"))
