#!/usr/bin/env python3
"""Transcript tests of the `coffre` command-line tool (cli/README.md).

Each test_* function is one CTest test (tests/cli/CMakeLists.txt lists them with --list). Run one by hand:
    python3 tests/cli/cli_test.py --coffre build/cli/coffre --vectors vectors roundtrip_files
"""

import hashlib
import json
import os
import pty
import select
import signal
import stat
import subprocess
import sys
import time

from transcript import ANSWERED, Failure, answers_at_colon, check, parse_args, run_cases, run_on_terminal

COFFRE = None
VECTORS = None

EXIT_OK, EXIT_AUTH, EXIT_USAGE, EXIT_IO = 0, 1, 2, 3


def run(args, stdin=None, input=None, env=None, cwd=None, new_session=True):
    """Runs coffre; returns (exit code, stdout bytes, stderr text). No controlling terminal (new session)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([COFFRE] + args, stdin=stdin if input is None else None, input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, cwd=cwd,
                       start_new_session=new_session, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def expect(args, code, **kw):
    rc, out, err = run(args, **kw)
    check(rc == code, f"coffre {' '.join(args)}: exit {rc}, expected {code}; stderr: {err!r}")
    return out, err


def data(n, seed=1):
    """Deterministic bytes."""
    out = bytearray()
    block = hashlib.sha256(bytes([seed])).digest()
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block * 64
    return bytes(out[:n])


def write(path, content, mode=None):
    with open(path, "wb") as f:
        f.write(content)
    if mode is not None:
        os.chmod(path, mode)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def leftovers(d):
    """Temporary files coffre may have left in a directory."""
    return [n for n in os.listdir(d) if n.endswith(".coffre-tmp")]


def keygen(d, name="k.key"):
    path = os.path.join(d, name)
    expect(["keygen", "--symmetric", "-o", path], EXIT_OK)
    return path


# ---------------------------------------------------------------------------------------------------------------


def test_keygen_file_mode(d):
    path = keygen(d)
    st = os.stat(path)
    check(stat.S_IMODE(st.st_mode) == 0o600, f"key file mode {oct(st.st_mode)}")
    lines = [l for l in read(path).decode().splitlines() if l and not l.startswith("#")]
    check(len(lines) == 1 and lines[0].startswith("coffre-key-v1:"), f"key file lines {lines}")
    import base64
    check(len(base64.b64decode(lines[0][len("coffre-key-v1:"):], validate=True)) == 32, "32-byte key")
    before = read(path)
    _, err = expect(["keygen", "--symmetric", "-o", path], EXIT_USAGE)
    check("already exists" in err, err)
    check(read(path) == before, "keygen replaced an existing key file")
    other = keygen(d, "k2.key")
    check(read(other) != before, "two keygens gave the same key")
    check(leftovers(d) == [], f"leftovers {leftovers(d)}")


def test_key_file_vectors(d):
    """Each file of vectors/keyfile.json (docs/SPEC.md section 19) through --key-file: the refused ones are usage
    errors, the valid ones encrypt under their key (checked by decrypting with the key written canonically)."""
    import base64
    src = os.path.join(d, "p")
    write(src, b"hello")
    vectors = json.loads(read(os.path.join(VECTORS, "keyfile.json")))["vectors"]
    check(len(vectors) >= 30, f"{len(vectors)} key file vectors")
    for v in vectors:
        kf, enc, out = os.path.join(d, "v.key"), os.path.join(d, "v.coffre"), os.path.join(d, "v.out")
        write(kf, bytes.fromhex(v["file"]), 0o600)
        if v["expect"] != "success":
            _, err = expect(["encrypt", "--input", src, "-o", enc, "--key-file", kf], EXIT_USAGE)
            check("not a coffre key file" in err and not os.path.exists(enc), f"{v['name']}: {err}")
            continue
        expect(["encrypt", "--input", src, "-o", enc, "--key-file", kf], EXIT_OK)
        canonical = os.path.join(d, "canonical.key")
        write(canonical, b"coffre-key-v1:" + base64.b64encode(bytes.fromhex(v["key"])) + b"\n", 0o600)
        expect(["decrypt", "--input", enc, "-o", out, "--key-file", canonical], EXIT_OK)
        check(read(out) == b"hello", v["name"])
        for f in (enc, out):
            os.remove(f)


def test_roundtrip_files(d):
    key = keygen(d)
    # Sizes around chunk and block boundaries; small blocks (COFFRE_BLOCK) make many blocks out of little data.
    # COFFRE_NO_DIRECT_IO: the buffered write path, as on a file system that refuses O_DIRECT.
    for chunk, block, direct in [("65536", None, True), ("64", "4096", True), ("1000", "8192", False),
                                 ("1M", None, True), ("65536", "100000", False)]:
        env = {"COFFRE_BLOCK": block} if block else {}
        if not direct:
            env["COFFRE_NO_DIRECT_IO"] = "1"
        csize = 1 << 20 if chunk == "1M" else int(chunk)
        for n in [0, 1, csize - 1, csize, csize + 1, 3 * csize, 70000, 300001]:
            plain = data(n, n % 251)
            src, enc, dec = (os.path.join(d, x) for x in ("p", "p.enc", "p.dec"))
            write(src, plain)
            expect(["encrypt", "--input", src, "-o", enc, "--key-file", key, "--chunk-size", chunk], EXIT_OK, env=env)
            expect(["decrypt", "--input", enc, "-o", dec, "--key-file", key], EXIT_OK, env=env)
            check(read(dec) == plain, f"round trip of {n} bytes, chunk {chunk}, block {block}")
            check(stat.S_IMODE(os.stat(enc).st_mode) == 0o600, "output mode 0600")
            for p in (src, enc, dec):
                os.unlink(p)
    check(leftovers(d) == [], f"leftovers {leftovers(d)}")


def test_roundtrip_pipes(d):
    key = keygen(d)
    plain = data(5_000_000, 3)
    ct, _ = expect(["encrypt", "--key-file", key, "--id", "file-1", "--revision", "4"], EXIT_OK, input=plain)
    out, _ = expect(["decrypt", "--input", "-", "-o", "-", "--key-file", key, "--id", "file-1", "--revision", "4"],
                    EXIT_OK, input=ct)
    check(out == plain, "pipe round trip")
    out, _ = expect(["decrypt", "--threads", "1", "--key-file", key, "--id", "file-1", "--revision", "4"],
                    EXIT_OK, input=ct)
    check(out == plain, "one thread")
    # A pipeline of two processes, through the OS pipe (not a buffered Python input).
    cmd = (f"'{COFFRE}' encrypt --key-file '{key}' --chunk-size 4096 | '{COFFRE}' decrypt --key-file '{key}'")
    p = subprocess.run(["sh", "-c", cmd], input=plain, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                       start_new_session=True)
    check(p.returncode == 0 and p.stdout == plain, f"shell pipeline: {p.returncode} {p.stderr!r}")
    # File in, pipe out and back.
    write(os.path.join(d, "p"), plain)
    ct, _ = expect(["encrypt", "--input", os.path.join(d, "p"), "--key-file", key], EXIT_OK)
    write(os.path.join(d, "c"), ct)
    expect(["decrypt", "-o", os.path.join(d, "p2"), "--key-file", key], EXIT_OK, input=ct)
    check(read(os.path.join(d, "p2")) == plain, "pipe in, file out")


def peak_rss_kib(args, d):
    """Runs coffre under GNU time (scripts/install-deps.sh installs it); returns (exit code, coffre's peak resident
    set size in KiB). Not from os.wait4: a child forked from this Python process starts its peak at Python's size."""
    report = os.path.join(d, "rss")
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report, COFFRE] + args, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, start_new_session=True, timeout=60)
    return p.returncode, int(read(report).split()[-1])


def test_small_file_small_buffers(d):
    """A stream's buffers are sized from its input when the size is known: encrypting or decrypting a small file
    peaks within a few MiB of a command that streams nothing (inspect), where 4 MiB blocks (16 MiB of buffers, all
    wiped at the end) cost 8 MiB more and tens of ms of CPU per file. A stream of unknown size (a pipe) keeps them."""
    key = keygen(d)
    src, enc, dec = (os.path.join(d, x) for x in ("p", "p.enc", "p.dec"))
    plain = data(1000, 9)
    write(src, plain)
    rc, enc_rss = peak_rss_kib(["encrypt", "--input", src, "-o", enc, "--key-file", key], d)
    check(rc == EXIT_OK, f"encrypt exit {rc}")
    rc, dec_rss = peak_rss_kib(["decrypt", "--input", enc, "-o", dec, "--key-file", key], d)
    check(rc == EXIT_OK and read(dec) == plain, f"decrypt exit {rc}")
    rc, base = peak_rss_kib(["inspect", enc], d)
    check(rc == EXIT_OK, f"inspect exit {rc}")
    print(f"      peak RSS of a 1000-byte file: encrypt {enc_rss} KiB, decrypt {dec_rss} KiB, inspect {base} KiB")
    for what, rss in [("encrypt", enc_rss), ("decrypt", dec_rss)]:
        check(rss - base < 4 << 10, f"{what} of a 1000-byte file peaked at {rss} KiB, inspect at {base} KiB")


def test_roundtrip_passphrase(d):
    pw = os.path.join(d, "pw")
    write(pw, "correct horse battery staple\n".encode())
    pw_no_newline = os.path.join(d, "pw2")
    write(pw_no_newline, b"correct horse battery staple")
    plain = data(200_000, 5)
    src, enc, dec = (os.path.join(d, x) for x in ("p", "p.enc", "p.dec"))
    write(src, plain)
    expect(["encrypt", "--input", src, "-o", enc, "--passphrase-file", pw], EXIT_OK)
    # The trailing newline is not part of the passphrase.
    expect(["decrypt", "--input", enc, "-o", dec, "--passphrase-file", pw_no_newline], EXIT_OK)
    check(read(dec) == plain, "passphrase round trip")
    wrong = os.path.join(d, "wrong")
    write(wrong, b"correct horse battery stapler\n")
    _, err = expect(["decrypt", "--input", enc, "-o", os.path.join(d, "x"), "--passphrase-file", wrong], EXIT_AUTH)
    check("wrong_key" in err and "stapl" not in err, err)
    check(not os.path.exists(os.path.join(d, "x")), "output after a wrong passphrase")
    # A passphrase file is not a key file, and the reverse.
    key = keygen(d)
    _, err = expect(["decrypt", "--input", enc, "-o", os.path.join(d, "x"), "--key-file", key], EXIT_AUTH)
    check("passphrase" in err, err)
    empty = os.path.join(d, "empty")
    write(empty, b"\n")
    _, err = expect(["encrypt", "--input", src, "-o", os.path.join(d, "y"), "--passphrase-file", empty], EXIT_USAGE)
    check("empty" in err, err)
    check(leftovers(d) == [], f"leftovers {leftovers(d)}")


def test_passphrase_file_newlines(d):
    """docs/SPEC.md 5.1: exactly one trailing "\n" or "\r\n" is removed; nothing else."""
    src = os.path.join(d, "p")
    write(src, data(1000, 6))
    # ("pw\n" and "pw": test_roundtrip_passphrase.) Each case costs Argon2id at 256 MiB: few of them.
    cases = [(b"pw\r\n", b"pw"), (b"pw\n\n", b"pw\n"), (b"pw\r", b"pw\r"), (b" pw\r\r\n", b" pw\r")]
    for i, (content, passphrase) in enumerate(cases):
        pw, exact, enc = (os.path.join(d, f"{x}{i}") for x in ("pw", "exact", "enc"))
        write(pw, content)
        # The passphrase expected, written so that it reads back as itself: plus the newline that is removed, unless
        # it ends with "\r" (then "\r\n" would be removed): as is.
        write(exact, passphrase if passphrase.endswith(b"\r") else passphrase + b"\n")
        expect(["encrypt", "--input", src, "-o", enc, "--passphrase-file", pw], EXIT_OK)
        expect(["decrypt", "--input", enc, "-o", "-", "--passphrase-file", exact], EXIT_OK)
        if i == 1:  # "pw\n\n" is "pw\n", not "pw"
            other = os.path.join(d, "other")
            write(other, b"pw")
            _, err = expect(["decrypt", "--input", enc, "-o", "-", "--passphrase-file", other], EXIT_AUTH)
            check("wrong_key" in err, f"{content!r}: {err}")
    for content in (b"", b"\n", b"\r\n"):
        pw = os.path.join(d, "empty")
        write(pw, content)
        _, err = expect(["encrypt", "--input", src, "-o", os.path.join(d, "never"), "--passphrase-file", pw], EXIT_USAGE)
        check("empty" in err, f"{content!r}: {err}")
    # From standard input, the same rule.
    enc = os.path.join(d, "stdin.enc")
    expect(["encrypt", "--input", src, "-o", enc, "--passphrase-file", "/dev/stdin"], EXIT_OK, input=b"from stdin\r\n")
    write(os.path.join(d, "stdin.pw"), b"from stdin")
    expect(["decrypt", "--input", enc, "-o", "-", "--passphrase-file", os.path.join(d, "stdin.pw")], EXIT_OK)


def test_passphrase_unicode(d):
    """docs/SPEC.md 5.1: a passphrase is used in NFKD (NFC and NFD open each other's files); not UTF-8: a usage error."""
    src, enc = (os.path.join(d, x) for x in ("p", "p.enc"))
    write(src, data(1000, 8))
    nfc, nfd, latin1 = (os.path.join(d, x) for x in ("nfc", "nfd", "latin1"))
    write(nfc, "caf\u00e9 \ud55c\n".encode())  # U+00E9, Hangul syllable U+D55C
    write(nfd, "cafe\u0301 \u1112\u1161\u11ab\n".encode())  # e + U+0301, its conjoining jamo
    write(latin1, "caf\u00e9\n".encode("latin-1"))
    expect(["encrypt", "--input", src, "-o", enc, "--passphrase-file", nfc], EXIT_OK)
    expect(["decrypt", "--input", enc, "-o", os.path.join(d, "out"), "--passphrase-file", nfd], EXIT_OK)
    check(read(os.path.join(d, "out")) == data(1000, 8), "NFD passphrase for an NFC one")
    for args in (["encrypt", "--input", src], ["decrypt", "--input", enc]):
        never = os.path.join(d, "never")
        _, err = expect(args + ["-o", never, "--passphrase-file", latin1], EXIT_USAGE)
        check("not valid UTF-8" in err and "caf" not in err, f"{args[0]}: {err}")
        check(not os.path.exists(never), f"{args[0]}: output for a passphrase not UTF-8")


def test_argon2_limits(d):
    """decrypt refuses a header asking for more Argon2id work than --max-argon2-passes / --max-argon2-mib."""
    src, enc, pw = (os.path.join(d, x) for x in ("p", "p.enc", "pw"))
    write(src, data(1000, 7))
    write(pw, b"pw\n")
    expect(["encrypt", "--input", src, "-o", enc, "--passphrase-file", pw], EXIT_OK)  # 3 passes, 256 MiB
    out = os.path.join(d, "out")
    _, err = expect(["decrypt", "--input", enc, "-o", out, "--passphrase-file", pw, "--max-argon2-passes", "2"], EXIT_AUTH)
    check("kdf_cost_exceeded" in err and "--max-argon2-passes" in err, err)
    _, err = expect(["decrypt", "--input", enc, "-o", out, "--passphrase-file", pw, "--max-argon2-mib", "255"], EXIT_AUTH)
    check("kdf_cost_exceeded" in err, err)
    check(not os.path.exists(out), "output after kdf_cost_exceeded")
    # A header altered to 1 GiB (within the format's bounds): refused by default, before Argon2id.
    big = bytearray(read(enc))
    big[22:26] = (1 << 20).to_bytes(4, "big")
    write(enc + "2", bytes(big))
    _, err = expect(["decrypt", "--input", enc + "2", "-o", out, "--passphrase-file", pw], EXIT_AUTH)
    check("kdf_cost_exceeded" in err, err)
    expect(["decrypt", "--input", enc, "-o", out, "--passphrase-file", pw], EXIT_OK)
    check(read(out) == data(1000, 7), "decrypt within the default limits")
    expect(["decrypt", "--input", enc, "-o", "-", "--passphrase-file", pw, "--max-argon2-mib", "1025"], EXIT_USAGE)


def test_no_terminal_for_passphrase(d):
    src = os.path.join(d, "p")
    write(src, b"hello")
    _, err = expect(["encrypt", "--input", src, "-o", os.path.join(d, "c")], EXIT_USAGE)
    check("--passphrase-file" in err, err)
    check(os.listdir(d) == ["p"], f"files {os.listdir(d)}")


def test_passphrase_typed_on_terminal(d):
    """Echo off, asked twice on encryption; the terminal is /dev/tty, so data can still come from stdin."""
    plain = data(100_000, 9)
    enc = os.path.join(d, "c")

    def on_tty(args, answers):  # the terminal asks; data comes from a file on stdin
        return run_on_terminal([COFFRE] + args, answers_at_colon(answers), stdin=os.path.join(d, "stdin"))

    write(os.path.join(d, "stdin"), plain)
    rc, t = on_tty(["encrypt", "-o", enc], [b"s3cret pass", b"s3cret pass"])
    check(rc == 0, f"encrypt on a terminal: {rc} {t!r}")
    check(b"s3cret" not in t, "the passphrase was echoed")
    check(t.count(ANSWERED) == 2, f"asked twice: {t!r}")
    write(os.path.join(d, "stdin"), read(enc))
    rc, t = on_tty(["decrypt", "-o", os.path.join(d, "p")], [b"s3cret pass"])
    check(rc == 0 and read(os.path.join(d, "p")) == plain, f"decrypt on a terminal: {rc} {t!r}")
    write(os.path.join(d, "stdin"), plain)
    rc, t = on_tty(["encrypt", "-o", os.path.join(d, "c2")], [b"one", b"two"])
    check(rc == EXIT_USAGE and b"differ" in t, f"mismatched passphrases: {rc} {t!r}")
    check(not os.path.exists(os.path.join(d, "c2")), "output after mismatched passphrases")


def test_input_shrinks_while_encrypting(d):
    """A regular input cut short while it is being encrypted: exit 3 and no output file."""
    key = keygen(d)
    src, enc = os.path.join(d, "p"), os.path.join(d, "c")
    write(src, data(200 << 20))
    p = subprocess.Popen([COFFRE, "encrypt", "--input", src, "-o", enc, "--key-file", key, "--threads", "1"],
                         stderr=subprocess.PIPE, start_new_session=True, env=dict(os.environ, COFFRE_BLOCK="65536"))
    deadline = time.time() + 20
    while not leftovers(d) and p.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    os.truncate(src, 1000)
    rc = p.wait(timeout=60)
    err = p.stderr.read().decode()
    if rc == 0:
        print("  (inconclusive: the run ended before the input was cut)")
        return
    check(rc == EXIT_IO and ("shrank" in err or "changed size" in err), f"exit {rc}: {err!r}")
    check(not os.path.exists(enc) and leftovers(d) == [], f"files after the cut: {os.listdir(d)}")


def test_interrupted_prompt_restores_echo(d):
    """Ctrl-C at the passphrase prompt (echo off) gives the terminal its echo back."""
    import termios
    src = os.path.join(d, "p")
    write(src, b"hello")
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(COFFRE, [COFFRE, "encrypt", "--input", src, "-o", os.path.join(d, "c")])
    transcript = b""
    while not transcript.rstrip().endswith(b":"):
        r, _, _ = select.select([fd], [], [], 10)
        check(r, f"no prompt: {transcript!r}")
        transcript += os.read(fd, 100)
    check(not termios.tcgetattr(fd)[3] & termios.ECHO, "echo is on at the prompt")
    os.write(fd, b"\x03")  # the terminal sends SIGINT to its foreground process
    for _ in range(200):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        raise Failure("coffre ignored Ctrl-C at the prompt")
    check(os.waitstatus_to_exitcode(status) == -signal.SIGINT, f"status {status}")
    check(termios.tcgetattr(fd)[3] & termios.ECHO, "echo still off after Ctrl-C")
    check(sorted(os.listdir(d)) == ["p"], f"files {os.listdir(d)}")


def test_wrong_key(d):
    key, other = keygen(d), keygen(d, "other.key")
    src, enc, dec = (os.path.join(d, x) for x in ("p", "p.enc", "p.dec"))
    write(src, data(300_000))
    expect(["encrypt", "--input", src, "-o", enc, "--key-file", key], EXIT_OK)
    _, err = expect(["decrypt", "--input", enc, "-o", dec, "--key-file", other], EXIT_AUTH)
    check("wrong_key" in err, err)
    check(not os.path.exists(dec) and leftovers(d) == [], "output after a wrong key")
    out, _ = expect(["decrypt", "--input", enc, "--key-file", other], EXIT_AUTH)
    check(out == b"", "stdout after a wrong key")


def test_wrong_context(d):
    key = keygen(d)
    src, enc, dec = (os.path.join(d, x) for x in ("p", "p.enc", "p.dec"))
    write(src, data(1000))
    ctx = ["--id", "drive-file-42", "--revision", "7", "--key-version", "3"]
    expect(["encrypt", "--input", src, "-o", enc, "--key-file", key] + ctx, EXIT_OK)
    for bad in (["--id", "drive-file-43", "--revision", "7", "--key-version", "3"],
                ["--id", "drive-file-42", "--revision", "8", "--key-version", "3"],
                ["--id", "drive-file-42", "--revision", "7", "--key-version", "2"], []):
        _, err = expect(["decrypt", "--input", enc, "-o", dec, "--key-file", key] + bad, EXIT_AUTH)
        check("wrong_context" in err and "--id" in err, err)
        check(not os.path.exists(dec), "output after a wrong context")
    expect(["decrypt", "--input", enc, "-o", dec, "--key-file", key] + ctx, EXIT_OK)
    check(read(dec) == read(src), "right context")


def test_tampered_file(d):
    key = keygen(d)
    src, enc, dec = (os.path.join(d, x) for x in ("p", "p.enc", "p.dec"))
    plain = data(1_000_000)
    write(src, plain)
    expect(["encrypt", "--input", src, "-o", enc, "--key-file", key], EXIT_OK)
    good = read(enc)
    chunk = 65536 + 16
    cases = {
        "flipped payload byte": (good[:500_000] + bytes([good[500_000] ^ 1]) + good[500_001:], "chunk_invalid"),
        "flipped header byte": (good[:20] + bytes([good[20] ^ 1]) + good[21:], None),
        "flipped last byte": (good[:-1] + bytes([good[-1] ^ 0x80]), "chunk_invalid"),
        "cut at a chunk boundary": (good[:130 + 5 * chunk], "truncated"),
        "cut inside a chunk": (good[:-100], None),
        "bytes appended": (good + b"x", "trailing_data"),
        "header only": (good[:130], "truncated"),
        "half a header": (good[:60], "truncated"),
        "empty": (b"", "truncated"),
        "not coffre": (b"hello world, this is not an envelope" * 10, "bad_magic"),
    }
    for what, (bad, code) in cases.items():
        write(enc, bad)
        _, err = expect(["decrypt", "--input", enc, "-o", dec, "--key-file", key], EXIT_AUTH)
        check(code is None or code in err, f"{what}: {err}")
        check(not os.path.exists(dec) and leftovers(d) == [], f"{what}: output file left")
    # To stdout: what authenticated before the failure is streamed, and the exit code says it is incomplete.
    bad = good[:500_000] + bytes([good[500_000] ^ 1]) + good[500_001:]
    out, err = expect(["decrypt", "--key-file", key], EXIT_AUTH, input=bad)
    released = ((500_000 - 130) // chunk) * 65536
    check(out == plain[:released], f"stdout released {len(out)} bytes, expected the {released} that authenticated")
    check("INCOMPLETE" in err, err)


def test_refuses_to_overwrite(d):
    key = keygen(d)
    src, enc, dec = (os.path.join(d, x) for x in ("p", "p.enc", "p.dec"))
    write(src, data(1000))
    write(enc, b"precious")
    _, err = expect(["encrypt", "--input", src, "-o", enc, "--key-file", key], EXIT_USAGE)
    check("--force" in err and read(enc) == b"precious", err)
    expect(["encrypt", "--input", src, "-o", enc, "--key-file", key, "--force"], EXIT_OK)
    write(dec, b"precious")
    expect(["decrypt", "--input", enc, "-o", dec, "--key-file", key], EXIT_USAGE)
    check(read(dec) == b"precious", "decrypt replaced an existing file")
    expect(["decrypt", "--input", enc, "-o", dec, "--key-file", key, "-f"], EXIT_OK)
    check(read(dec) == read(src), "--force replaced the file")
    # A failed decryption with --force leaves the old file alone.
    write(dec, b"precious")
    other = keygen(d, "o.key")
    expect(["decrypt", "--input", enc, "-o", dec, "--key-file", other, "--force"], EXIT_AUTH)
    check(read(dec) == b"precious", "a failed --force decryption touched the existing file")
    # In place, with --force: read fully before the rename.
    expect(["encrypt", "--input", src, "-o", src, "--key-file", key, "--force"], EXIT_OK)
    expect(["decrypt", "--input", src, "-o", src, "--key-file", key, "--force"], EXIT_OK)
    check(read(src) == data(1000), "in-place round trip")
    check(leftovers(d) == [], f"leftovers {leftovers(d)}")


def is_dev_null():
    st = os.stat("/dev/null")
    return stat.S_ISCHR(st.st_mode) and (os.major(st.st_rdev), os.minor(st.st_rdev)) == (1, 3)


def fifo_reader(path):
    """Starts a reader of the fifo `path` in the background; join() it, then read .data."""
    import threading

    class Reader(threading.Thread):
        data = b""

        def run(self):
            with open(path, "rb") as f:
                self.data = f.read()

    r = Reader(daemon=True)
    r.start()
    return r


def test_output_kinds(d):
    """-o names a new or existing regular file (temporary file, rename; --force to replace), a character device or a
    FIFO (written in place, never replaced; no --force needed), a directory or a link to a file (refused)."""
    check(is_dev_null(), "/dev/null is not the null device before the test")
    try:
        key = keygen(d)
        src, enc, out = (os.path.join(d, x) for x in ("p", "p.enc", "out"))
        plain = data(300_000)
        write(src, plain)
        expect(["encrypt", "--input", src, "-o", enc, "--key-file", key], EXIT_OK)
        dec = ["decrypt", "--input", enc, "--key-file", key, "-o"]
        # Regular: new, existing without and with --force.
        expect(dec + [out], EXIT_OK)
        check(read(out) == plain, "new file")
        write(out, b"precious")
        expect(dec + [out], EXIT_USAGE)
        check(read(out) == b"precious", "replaced without --force")
        expect(dec + [out, "--force"], EXIT_OK)
        check(read(out) == plain, "--force did not replace the file")
        # /dev/null, with or without --force, decrypting and encrypting: written in place, still the device.
        for args in (dec + ["/dev/null"], dec + ["/dev/null", "--force"],
                     ["encrypt", "--input", src, "--key-file", key, "-o", "/dev/null", "--force"]):
            expect(args, EXIT_OK)
            check(is_dev_null(), f"/dev/null is no longer the null device after {args}")
        # Through a link to the device: the link stays a link.
        link = os.path.join(d, "null-link")
        os.symlink("/dev/null", link)
        expect(dec + [link], EXIT_OK)
        check(os.path.islink(link) and is_dev_null(), "the link to /dev/null was replaced")
        # A FIFO read by another process: the plaintext goes through it; the FIFO stays.
        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        r = fifo_reader(fifo)
        expect(dec + [fifo], EXIT_OK)
        r.join(20)
        check(r.data == plain and stat.S_ISFIFO(os.lstat(fifo).st_mode), f"fifo got {len(r.data)} bytes")
        # A damaged file to a FIFO: only authenticated chunks went through, and the exit code and message say so.
        ct = read(enc)
        bad = os.path.join(d, "bad.enc")
        write(bad, ct[:200_000] + bytes([ct[200_000] ^ 1]) + ct[200_001:])
        r = fifo_reader(fifo)
        _, err = expect(["decrypt", "--input", bad, "--key-file", key, "-o", fifo], EXIT_AUTH)
        r.join(20)
        released = ((200_000 - 130) // (65536 + 16)) * 65536
        check(r.data == plain[:released] and "INCOMPLETE" in err and fifo in err, f"{len(r.data)} bytes; {err!r}")
        # A directory, a link to a file, a dangling link: refused even with --force, nothing touched.
        sub = os.path.join(d, "sub")
        os.mkdir(sub)
        file_link, dangling = os.path.join(d, "file-link"), os.path.join(d, "dangling")
        os.symlink(out, file_link)
        os.symlink(os.path.join(d, "nowhere"), dangling)
        for target in (sub, file_link, dangling):
            for force in ([], ["--force"]):
                _, err = expect(dec + [target] + force, EXIT_USAGE)
                check("directory" in err or "symbolic link" in err, err)
        check(os.listdir(sub) == [] and os.path.islink(file_link) and read(out) == plain, "a refused output changed")
        check(not os.path.exists(os.path.join(d, "nowhere")), "written through a dangling link")
        check(leftovers(d) == [], f"leftovers {leftovers(d)}")
    finally:
        check(is_dev_null(), "/dev/null is not the null device after the test")


def start_on_fifo(d, name, args, feed):
    """Starts coffre reading from a new fifo; returns (process, fifo write end, its temporary file) once it exists."""
    fifo = os.path.join(d, name + ".fifo")
    os.mkfifo(fifo)
    p = subprocess.Popen([COFFRE] + args + ["--input", fifo, "-o", os.path.join(d, name)], stderr=subprocess.PIPE,
                         start_new_session=True)
    w = os.open(fifo, os.O_WRONLY)
    os.write(w, feed)
    deadline = time.time() + 20
    mine = lambda: [t for t in leftovers(d) if t.startswith(f".{name}.")]  # noqa: E731
    while not mine() and time.time() < deadline:
        time.sleep(0.02)
    check(len(mine()) == 1, f"{name}: temporary files {leftovers(d)}")
    temp = mine()[0]
    check(temp.startswith(f".{name}.{p.pid}."), f"the temporary file {temp} does not name its writer {p.pid}")
    return p, w, temp


def test_stale_temps_removed(d):
    """A run killed with SIGKILL leaves its temporary file; the next run writing in that directory removes it, but
    never the temporary file of a run still going (locked), nor one it cannot tell is stale."""
    import fcntl
    key = keygen(d)
    src, ct = os.path.join(d, "p"), os.path.join(d, "ct")
    write(src, data(1_000_000))
    expect(["encrypt", "--input", src, "-o", ct, "--key-file", key], EXIT_OK)
    # A run still going, holding its temporary file.
    alive, alive_w, alive_temp = start_on_fifo(d, "e0", ["encrypt", "--key-file", key], data(200_000))
    # Killed encrypt and decrypt: their temporary files stay.
    runs = [start_on_fifo(d, "e1", ["encrypt", "--key-file", key], data(200_000)),
            start_on_fifo(d, "d1", ["decrypt", "--key-file", key], read(ct)[:300_000])]
    dead = []
    for p, w, temp in runs:
        p.kill()
        p.wait(20)
        os.close(w)
        check(temp in leftovers(d), f"{temp} vanished after SIGKILL")
        dead.append(temp)
    # A name of the right form, from a process that is gone, but locked (a writer we cannot see): kept while locked.
    gone = subprocess.Popen(["true"])
    gone.wait()
    locked = f".x.{gone.pid}.{'ab' * 8}.coffre-tmp"
    lf = open(os.path.join(d, locked), "wb")
    fcntl.flock(lf, fcntl.LOCK_EX)
    # An older version's temporary file (no pid, no lock): nothing tells it is stale; kept.
    old = f".y.{'cd' * 8}.coffre-tmp"
    write(os.path.join(d, old), b"x")
    _, err = expect(["encrypt", "--input", src, "-o", os.path.join(d, "o1"), "--key-file", key], EXIT_OK)
    now = leftovers(d)
    for t in dead:
        check(t not in now and t in err, f"{t} not removed: {now}; {err!r}")
    check(alive_temp in now and locked in now and old in now, f"a temporary file in use was removed: {now}")
    # The run still going finishes normally.
    os.write(alive_w, data(1000))
    os.close(alive_w)
    check(alive.wait(20) == 0, f"the running encrypt failed: {alive.stderr.read()!r}")
    check(alive_temp not in leftovers(d), "the finished run left its temporary file")
    expect(["decrypt", "--input", os.path.join(d, "e0"), "-o", os.path.join(d, "e0.dec"), "--key-file", key], EXIT_OK)
    check(read(os.path.join(d, "e0.dec")) == data(200_000) + data(1000), "the run still going wrote other bytes")
    # Unlocked, the one of the gone process goes at the next run (decrypting, this time).
    lf.close()
    _, err = expect(["decrypt", "--input", ct, "-o", os.path.join(d, "o2"), "--key-file", key], EXIT_OK)
    check(leftovers(d) == [old] and locked in err, f"leftovers {leftovers(d)}; {err!r}")


def interrupted_run(d, sig, args, feed):
    """Starts coffre reading from a fifo, feeds `feed`, waits for its temporary file, sends `sig`."""
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    out = os.path.join(d, "out")
    p = subprocess.Popen([COFFRE] + args + ["--input", fifo, "-o", out], stderr=subprocess.PIPE,
                         start_new_session=True)
    w = os.open(fifo, os.O_WRONLY)  # blocks until coffre opened it
    os.write(w, feed)
    deadline = time.time() + 20
    while not leftovers(d) and time.time() < deadline and p.poll() is None:
        time.sleep(0.02)
    check(leftovers(d), f"no temporary file appeared (exit {p.poll()}, {p.stderr.read() if p.poll() is not None else ''})")
    time.sleep(0.1)
    p.send_signal(sig)
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        raise Failure(f"coffre did not stop on signal {sig}")
    finally:
        os.close(w)
    check(rc == -sig, f"exit status {rc}, expected death by signal {sig}")
    check(leftovers(d) == [], f"temporary file left after signal {sig}: {leftovers(d)}")
    check(not os.path.exists(out), f"output file exists after signal {sig}")
    os.unlink(fifo)


def test_interrupted_encrypt(d):
    key = keygen(d)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        interrupted_run(d, sig, ["encrypt", "--key-file", key], data(100_000))


def test_interrupted_decrypt(d):
    key = keygen(d)
    src, enc = os.path.join(d, "p"), os.path.join(d, "p.enc")
    write(src, data(1_000_000))
    expect(["encrypt", "--input", src, "-o", enc, "--key-file", key], EXIT_OK)
    ct = read(enc)
    os.unlink(src)
    os.unlink(enc)
    for sig in (signal.SIGINT, signal.SIGTERM):
        interrupted_run(d, sig, ["decrypt", "--key-file", key], ct[:300_000])


def test_inspect_json(d):
    key = keygen(d)
    src, enc = os.path.join(d, "p"), os.path.join(d, "p.enc")
    write(src, data(1_000_000))
    expect(["encrypt", "--input", src, "-o", enc, "--key-file", key, "--chunk-size", "4K", "--key-version", "9"], EXIT_OK)
    out, _ = expect(["inspect", "--json", enc], EXIT_OK)
    j = json.loads(out)
    n = -(-1_000_000 // 4096)
    want = {"format": "coffre-file", "version": 1, "suite": 1, "key_source": "key", "chunk_size": 4096,
            "key_version": 9, "argon2id": None, "header_size": 130, "file_size": 130 + 1_000_000 + 16 * n,
            "chunks": n, "plaintext_size": 1_000_000, "armored": False, "size_consistent": True,
            "size_authenticated": False}
    check(j == want, f"inspect --json: {j}")
    out, _ = expect(["inspect", enc], EXIT_OK)
    for text in (b"chunk size:", b"4096", b"plaintext size:", b"1000000", b"key version:", b"NOT authenticated"):
        check(text in out, f"inspect text lacks {text}: {out}")
    # From a pipe: same fields.
    out, _ = expect(["inspect", "--json", "-"], EXIT_OK, input=read(enc))
    check(json.loads(out) == want, "inspect from a pipe")

    pw = os.path.join(d, "pw")
    write(pw, b"pw\n")
    expect(["encrypt", "--input", src, "-o", enc + "2", "--passphrase-file", pw], EXIT_OK)
    j = json.loads(expect(["inspect", "--json", enc + "2"], EXIT_OK)[0])
    check(j["key_source"] == "passphrase" and j["header_size"] == 154 and
          j["argon2id"] == {"opslimit": 3, "memlimit_kib": 262144} and j["plaintext_size"] == 1_000_000, f"{j}")

    write(enc + "3", read(enc)[:130 + 3 * (4096 + 16) + 8])  # no room for the last chunk's tag
    out, err = expect(["inspect", enc + "3"], EXIT_AUTH)
    check(b"does not fit the format" in out and "truncated" in err, err)
    write(enc + "4", b"not a coffre file at all")
    _, err = expect(["inspect", enc + "4"], EXIT_AUTH)
    check("bad_magic" in err, err)
    expect(["inspect", os.path.join(d, "missing")], EXIT_IO)
    # With --json a failure prints nothing on stdout and one JSON line on stderr (cli/README.md, "JSON output").
    for args, code, name in (([enc + "3"], EXIT_AUTH, "truncated"), ([enc + "4"], EXIT_AUTH, "bad_magic"),
                             ([os.path.join(d, "missing")], EXIT_IO, "io"), ([], EXIT_USAGE, "usage"),
                             ([enc, enc], EXIT_USAGE, "usage")):
        out, err = expect(["inspect", "--json", *args], code)
        check(out == b"" and err.count("\n") == 1, f"inspect --json {args}: {out!r} {err!r}")
        e = json.loads(err)["error"]
        check(e["code"] == name and e["exit"] == code and e["message"], f"inspect --json {args}: {e}")
    # A document envelope (from the vectors): its own fields.
    docs = json.loads(read(os.path.join(VECTORS, "document.json")))["vectors"]
    doc = next(v for v in docs if v["expect"] == "success")
    write(enc + "5", bytes.fromhex(doc["ciphertext"]))
    j = json.loads(expect(["inspect", "--json", enc + "5"], EXIT_OK)[0])
    check(j["format"] == "coffre-document" and j["key_version"] == doc["context"]["key_version"] and
          j["plaintext_size"] == len(bytes.fromhex(doc["ciphertext"])) - 102, f"document: {j}")


def test_usage_errors(d):
    key = keygen(d)
    src = os.path.join(d, "p")
    write(src, b"hello")
    o = os.path.join(d, "o")
    usage = [
        [],
        ["frobnicate"],
        ["encrypt", "--bogus"],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--passphrase-file", key],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--chunk-size", "10"],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--chunk-size", "2M"],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--revision", "-1"],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--revision", "x"],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--key-version", "4294967296"],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--id", "x" * 1025],
        ["encrypt", "--input", src, "-o", o, "--key-file", key, "--threads", "-2"],
        ["keygen", "-o", os.path.join(d, "k2")],
        ["keygen", "--symmetric"],
        ["inspect"],
        ["vectors"],
        ["vectors", "verify"],
    ]
    for args in usage:
        expect(args, EXIT_USAGE)
    check(sorted(os.listdir(d)) == ["k.key", "p"], f"files after usage errors: {os.listdir(d)}")
    # A key file that is not one.
    bad = os.path.join(d, "bad.key")
    for content in (b"", b"coffre-key-v1:AAAA\n", b"hello\n", read(key) + read(key)):
        write(bad, content, 0o600)
        _, err = expect(["encrypt", "--input", src, "-o", o, "--key-file", bad], EXIT_USAGE)
        check("not a coffre key file" in err, err)
    # A key-encrypted file needs --key-file: no passphrase prompt.
    expect(["encrypt", "--input", src, "-o", o, "--key-file", key], EXIT_OK)
    _, err = expect(["decrypt", "--input", o], EXIT_USAGE)
    check("--key-file" in err, err)
    # Help and version succeed and document the exit codes and streaming.
    out, _ = expect(["--help"], EXIT_OK)
    check(b"Exit codes" in out, out)
    out, _ = expect(["decrypt", "--help"], EXIT_OK)
    check(b"STREAMED" in out and b"exit code 0" in out, out)
    out, _ = expect(["--version"], EXIT_OK)
    check(out.startswith(b"coffre "), out)


def test_io_errors(d):
    key = keygen(d)
    src = os.path.join(d, "p")
    write(src, b"hello")
    expect(["encrypt", "--input", os.path.join(d, "missing"), "-o", os.path.join(d, "o"), "--key-file", key], EXIT_IO)
    expect(["encrypt", "--input", src, "-o", os.path.join(d, "no", "such", "dir"), "--key-file", key], EXIT_IO)
    expect(["encrypt", "--input", src, "-o", os.path.join(d, "o"), "--key-file", os.path.join(d, "nokey")], EXIT_IO)
    expect(["encrypt", "--input", d, "-o", os.path.join(d, "o"), "--key-file", key], EXIT_IO)
    if os.path.exists("/dev/full"):
        p = subprocess.run([COFFRE, "encrypt", "--input", src, "--key-file", key], stdout=open("/dev/full", "wb"),
                           stderr=subprocess.PIPE, start_new_session=True, timeout=60)
        check(p.returncode == EXIT_IO and b"No space" in p.stderr, f"/dev/full: {p.returncode} {p.stderr!r}")
    check(sorted(os.listdir(d)) == ["k.key", "p"], f"files after I/O errors: {os.listdir(d)}")


def test_refuses_ciphertext_to_terminal(d):
    key = keygen(d)
    src = os.path.join(d, "p")
    write(src, b"hello")
    rc, out = run_on_terminal([COFFRE, "encrypt", "--input", src, "--key-file", key])
    check(rc == EXIT_USAGE and b"terminal" in out, f"{rc} {out!r}")
    # ASCII armor is text: it may go to a terminal, as with age -a.
    rc, out = run_on_terminal([COFFRE, "encrypt", "-a", "--input", src, "--key-file", key])
    check(rc == EXIT_OK and ARMOR_BEGIN in out, f"armored: {rc} {out!r}")


def test_progress_only_on_terminal(d):
    key = keygen(d)
    src = os.path.join(d, "p")
    write(src, data(80 << 20))
    # stderr is a pipe: no progress bar.
    _, err = expect(["encrypt", "--input", src, "-o", os.path.join(d, "c1"), "--key-file", key], EXIT_OK)
    check(err == "", f"stderr not a terminal, yet: {err!r}")
    # stderr is a terminal: a progress bar.
    master, slave = pty.openpty()
    p = subprocess.Popen([COFFRE, "encrypt", "--input", src, "-o", os.path.join(d, "c2"), "--key-file", key],
                         stderr=slave, stdout=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    rc = p.wait(timeout=60)
    check(rc == 0 and b"encrypting [" in seen and b"%" in seen, f"progress: {rc} {seen!r}")


def test_vectors_verify(d):
    out, _ = expect(["vectors", "verify", VECTORS], EXIT_OK)
    summary = out.decode().strip().splitlines()[-1]
    check(" 0 failed" in summary and "FAIL" not in out.decode(), summary)
    check(int(summary.split()[0]) > 50, f"few vectors: {summary}")
    # One altered vector: that one fails, exit 1.
    name = sorted(n for n in os.listdir(VECTORS) if n.endswith(".json"))[0]
    v = json.loads(read(os.path.join(VECTORS, name)))
    first = v["vectors"][0]
    first["expect"] = "chunk_duplicated" if first["expect"] != "chunk_duplicated" else "success"
    write(os.path.join(d, name), json.dumps(v).encode())
    out, _ = expect(["vectors", "verify", d], EXIT_AUTH)
    check(out.decode().count("FAIL") == 1 and first["name"] in out.decode(), out)
    write(os.path.join(d, name), b"{ not json")
    expect(["vectors", "verify", d], EXIT_AUTH)
    empty = os.path.join(d, "empty")
    os.mkdir(empty)
    expect(["vectors", "verify", empty], EXIT_AUTH)
    expect(["vectors", "verify", os.path.join(d, "missing")], EXIT_IO)


ARMOR_BEGIN, ARMOR_END = b"-----BEGIN COFFRE ENCRYPTED FILE-----", b"-----END COFFRE ENCRYPTED FILE-----"


def check_armor_layout(text):
    """The writer's form (docs/SPEC.md section 20): BEGIN, lines of 64 columns but the last, END, LF line ends."""
    lines = text.split(b"\n")
    check(lines[0] == ARMOR_BEGIN and lines[-2] == ARMOR_END and lines[-1] == b"", f"armor frame {text[:80]!r}")
    body = lines[1:-2]
    check(all(len(l) == 64 for l in body[:-1]) and 4 <= len(body[-1]) <= 64, "64 columns per line but the last")
    import base64
    check(base64.b64encode(base64.b64decode(b"".join(body), validate=True)) == b"".join(body), "canonical base64")
    return base64.b64decode(b"".join(body))


def test_armor_roundtrip(d):
    """encrypt -a: armored output that decrypt and inspect detect, from files and pipes; a multi-chunk file of several
    MiB crosses many read blocks (COFFRE_BLOCK) and armor blocks."""
    key = keygen(d)
    src, enc, dec, binary = (os.path.join(d, x) for x in ("p", "p.asc", "p.dec", "p.bin"))
    plain = data(5_000_000, 4)
    write(src, plain)
    env = {"COFFRE_BLOCK": "65536"}
    expect(["encrypt", "-a", "--input", src, "-o", enc, "-i", key, "--chunk-size", "4K"], EXIT_OK, env=env)
    decoded = check_armor_layout(read(enc))
    expect(["encrypt", "--input", src, "-o", binary, "-i", key, "--chunk-size", "4K"], EXIT_OK)
    check(len(decoded) == os.path.getsize(binary) and decoded[:6] == b"COFFRE", "armor holds a file envelope")
    expect(["decrypt", enc, "-o", dec, "--identity", key], EXIT_OK, env=env)
    check(read(dec) == plain, "armored file round trip")
    out, _ = expect(["decrypt", "--key-file", key], EXIT_OK, input=read(enc), env=env)
    check(out == plain, "armored pipe round trip")
    # A shell pipeline through the OS pipe, and the armored form's liberties: CR LF lines, whitespace after END.
    cmd = f"'{COFFRE}' encrypt -a -i '{key}' | '{COFFRE}' decrypt -i '{key}'"
    p = subprocess.run(["sh", "-c", cmd], input=plain, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                       start_new_session=True)
    check(p.returncode == 0 and p.stdout == plain, f"armored shell pipeline: {p.returncode} {p.stderr!r}")
    write(enc + "2", read(enc).replace(b"\n", b"\r\n") + b"\n \t\n")
    out, _ = expect(["decrypt", enc + "2", "-i", key], EXIT_OK)
    check(out == plain, "CR LF armor")
    # inspect decodes it: the decoded file's fields, from a file or a pipe.
    want = json.loads(expect(["inspect", "--json", binary], EXIT_OK)[0])
    want["armored"] = True
    for args, kw in ((["inspect", "--json", enc], {}), (["inspect", "--json", "-"], {"input": read(enc)})):
        j = json.loads(expect(args, EXIT_OK, **kw)[0])
        check(j == want, f"inspect of armor: {j} != {want}")
    out, _ = expect(["inspect", enc], EXIT_OK)
    check(b"ASCII armor" in out, out)
    # A passphrase file, armored.
    pw = os.path.join(d, "pw")
    write(pw, b"armored passphrase\n")
    small = data(1000, 5)
    ct, _ = expect(["encrypt", "-a", "--passphrase-file", pw], EXIT_OK, input=small)
    check_armor_layout(ct)
    out, _ = expect(["decrypt", "--passphrase-file", pw], EXIT_OK, input=ct)
    check(out == small, "armored passphrase round trip")
    check(leftovers(d) == [], f"leftovers {leftovers(d)}")


def armor_variants(text):
    """(name, problem, altered armor) for each rule of docs/SPEC.md section 20; `text` has a padded last line."""
    lines = text.split(b"\n")
    body = b"".join(lines[1:-2])
    last = lines[-3]
    check(last.endswith(b"==") and not last.endswith(b"==="), f"a last line with '==' {last!r}")
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    c = alphabet.index(last[-3])
    check(c & 1 == 0, "canonical unused bits")
    bits = last[:-3] + bytes([alphabet[c | 1]]) + b"=="
    rewrap = [body[i:i + 76] for i in range(0, len(body), 76)]
    join = lambda ls: b"\n".join(ls)
    return [
        ("non_canonical", "non_canonical", join(lines[:-3] + [bits] + lines[-2:])),
        ("wrapped_at_76", "line_length", join([lines[0]] + rewrap + lines[-2:])),
        ("short_line_inside", "line_length", join(lines[:2] + [lines[2][:32], lines[2][32:]] + lines[3:])),
        ("no_end_line", "missing_end", join(lines[:-2]) + b"\n"),
        ("cut_in_half", "missing_end", text[:len(text) // 2]),
        ("garbage_after_end", "trailing_data", text + b"garbage\n"),
        ("space_in_line", "base64_character", join(lines[:3] + [lines[3][:10] + b" " + lines[3][11:]] + lines[4:])),
        ("age_label", "begin_line", text.replace(b"BEGIN COFFRE", b"BEGIN AGE")),
        ("mixed_line_ends", "line_ending", join(lines[:4]) + b"\r\n" + join(lines[4:])),
        ("padding_removed", "padding", join(lines[:-3] + [last[:-2]] + lines[-2:])),
        ("end_line_mangled", "end_line", text.replace(b"-----END COFFRE", b"-----END AGE")),
    ]


def test_armor_strict_refusals(d):
    """Each broken rule of the armor: exit 1 with armor_invalid and its problem; no output file, and to standard
    output not one byte (a one-chunk file: its only chunk is final, and the decoder holds its last byte back)."""
    key = keygen(d)
    plain = data(1001, 6)  # 130 + 1001 + 16 = 1147 bytes of ciphertext: the last line ends in '=='
    text, _ = expect(["encrypt", "-a", "-i", key], EXIT_OK, input=plain)
    out, _ = expect(["decrypt", "-i", key], EXIT_OK, input=text)
    check(out == plain, "the unaltered armor decrypts")
    dec = os.path.join(d, "out")
    for name, problem, bad in armor_variants(text):
        path = os.path.join(d, name + ".asc")
        write(path, bad)
        _, err = expect(["decrypt", path, "-o", dec, "-i", key], EXIT_AUTH)
        check(f"armor_invalid: {problem}" in err, f"{name}: {err}")
        check(not os.path.exists(dec) and leftovers(d) == [], f"{name}: output left")
        out, err = expect(["decrypt", "-i", key], EXIT_AUTH, input=bad)
        check(out == b"" and f"armor_invalid: {problem}" in err, f"{name}: {len(out)} bytes to stdout: {err}")
        _, err = expect(["inspect", path], EXIT_AUTH)
        check(f"armor_invalid: {problem}" in err, f"inspect {name}: {err}")


def test_armor_multichunk_stdout(d):
    """A multi-chunk armored file with data after its END line: to a file nothing; to standard output only chunks
    that authenticated, never the final one, and exit 1 saying to discard them."""
    key = keygen(d)
    plain = data(300_000, 7)
    text, _ = expect(["encrypt", "-a", "-i", key, "--chunk-size", "4K"], EXIT_OK, input=plain)
    bad = text + b"-----BEGIN COFFRE ENCRYPTED FILE-----\n"
    dec = os.path.join(d, "out")
    write(os.path.join(d, "bad.asc"), bad)
    _, err = expect(["decrypt", os.path.join(d, "bad.asc"), "-o", dec, "-i", key], EXIT_AUTH)
    check("armor_invalid: trailing_data" in err and not os.path.exists(dec), err)
    out, err = expect(["decrypt", "-i", key], EXIT_AUTH, input=bad)
    check("armor_invalid: trailing_data" in err and "INCOMPLETE" in err, err)
    check(len(out) < len(plain) and plain.startswith(out), f"{len(out)} bytes released")


def test_identity_option(d):
    """-i/--identity is the key file (age's -i); the input is IN or --input; -i with --key-file is a usage error."""
    key = keygen(d)
    src, enc = os.path.join(d, "p"), os.path.join(d, "p.enc")
    write(src, b"identity")
    expect(["encrypt", src, "-o", enc, "-i", key], EXIT_OK)
    out, _ = expect(["decrypt", "--input", enc, "--identity", key], EXIT_OK)
    check(out == b"identity", "-i round trip")
    out, _ = expect(["decrypt", enc, "--key-file", key], EXIT_OK)
    check(out == b"identity", "--key-file reads what -i wrote")
    _, err = expect(["decrypt", enc, "-i", key, "--key-file", key], EXIT_USAGE)
    check("exclude" in err.lower(), err)
    # The old meaning (-i IN) now names a key file: refused before anything is written.
    _, err = expect(["encrypt", "-i", src, "-o", os.path.join(d, "never")], EXIT_USAGE)
    check("not a coffre key file" in err and not os.path.exists(os.path.join(d, "never")), err)


def test_recipients_file_errors(d):
    """encrypt -R FILE: a line that is not a user id is a usage error naming FILE:LINE, before any account is
    opened; so is a file with no user; a missing file is an I/O error."""
    src = os.path.join(d, "p")
    write(src, b"x")
    rf = os.path.join(d, "recipients")
    write(rf, b"# team\n\n  0123456789abcdef0123456789ABCDEF  \r\nalice@example.org\n")
    _, err = expect(["encrypt", src, "-o", os.path.join(d, "o"), "-R", rf], EXIT_USAGE)
    check(f"{rf}:4:" in err and not os.path.exists(os.path.join(d, "o")), err)
    write(rf, b"# only comments\n\n   \n")
    _, err = expect(["encrypt", src, "-o", os.path.join(d, "o"), "-R", rf], EXIT_USAGE)
    check("names no user" in err, err)
    write(rf, b"0123456\n")  # 7 digits: too short for a prefix
    _, err = expect(["encrypt", src, "-o", os.path.join(d, "o"), "-r", "0" * 32, "-R", rf], EXIT_USAGE)
    check(f"{rf}:1:" in err, err)
    expect(["encrypt", src, "-o", os.path.join(d, "o"), "-R", os.path.join(d, "missing")], EXIT_IO)


TESTS = {name[len("test_"):]: f for name, f in sorted(globals().items()) if name.startswith("test_")}


def main():
    global COFFRE, VECTORS
    a = parse_args("--coffre", "--vectors")
    if a.list:
        print("\n".join(TESTS))
        return 0
    COFFRE, VECTORS = a.coffre, a.vectors
    return run_cases(TESTS, a.cases, "coffre-cli-")


if __name__ == "__main__":
    sys.exit(main())
