"""What every CLI transcript script shares: its failure and check, the case runner, and coffre on a pseudo-terminal
(as a user at a keyboard)."""
import argparse
import os
import pty
import select
import signal
import tempfile
import time


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def parse_args(*paths):
    """A transcript script's arguments: --list, the cases to run, and the path options named (e.g. "--coffre"),
    made absolute (None when not given)."""
    ap = argparse.ArgumentParser()
    for p in paths:
        ap.add_argument(p)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    for p in paths:
        name = p.lstrip("-").replace("-", "_")
        setattr(a, name, os.path.abspath(getattr(a, name)) if getattr(a, name) else None)
    return a


def run_cases(tests, cases, prefix):
    """Runs each of `cases` (all of `tests` if none) in a fresh temporary directory; 1 if any failed, else 0."""
    failed = 0
    for case in cases or list(tests):
        with tempfile.TemporaryDirectory(prefix=prefix) as d:
            t = time.time()
            try:
                tests[case](d)
                print(f"ok    {case} ({time.time() - t:.1f} s)")
            except Failure as e:
                failed += 1
                print(f"FAIL  {case}: {e}")
    return 1 if failed else 0

ANSWERED = b"<answered>"  # put in the transcript after each reply, so a prompt already answered looks answered


class StillRunning(Exception):
    pass


def run_on_terminal(argv, respond=lambda seen: None, stdin=None, timeout=30):
    """Runs argv with a pseudo-terminal as its controlling terminal (and stdout/stderr; stdin too unless `stdin`
    names a file to read it from). After each output, respond(transcript) may return the bytes to type. Returns
    (exit code, transcript); kills the process and raises StillRunning if it outlives `timeout` seconds."""
    pid, fd = pty.fork()
    if pid == 0:
        if stdin is not None:
            os.dup2(os.open(stdin, os.O_RDONLY), 0)
        os.execv(argv[0], argv)
    seen = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            if not select.select([fd], [], [], 0.5)[0]:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the process closed the terminal's last descriptor
                break
            if not chunk:
                break
            seen += chunk
            reply = respond(seen)
            if reply:
                os.write(fd, reply)
                seen += ANSWERED
        while time.time() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status), seen
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise StillRunning(f"still running on the terminal after {timeout} s: {seen!r}")
    finally:
        os.close(fd)


def answers_at_colon(answers):
    """A responder typing each of `answers` (then Enter) at the next prompt, a line ending with ':'."""
    pending = list(answers)

    def respond(seen):
        if pending and seen.rstrip().endswith(b":"):
            return pending.pop(0) + b"\n"
        return None
    return respond


def answer_every(prompt, answer):
    """A responder typing `answer` at every appearance of `prompt`."""
    def respond(seen):
        return answer if seen.count(prompt) > seen.count(ANSWERED) else None
    return respond
