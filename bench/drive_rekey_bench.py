#!/usr/bin/env python3
"""Cost of re-keying a Drive subtree (docs/SPEC.md 15.3, docs/PERFORMANCE.md): a folder of FILES files totalling
MIB MiB, shared with a second account, moved out of the share (re-keyed), then back in (a new record only), and
unshared in place (re-keyed again). Each re-keying reads and writes every byte of the subtree.

    python3 bench/drive_rekey_bench.py --coffre build/cli/coffre [--files 100] [--mib 64] [--runs 3]
"""

import argparse
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cli"))
import account_test as at  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--coffre", required=True)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    at.COFFRE = os.path.abspath(a.coffre)
    with tempfile.TemporaryDirectory(prefix="coffre-rekey-bench-") as d:
        alice, bob = at.World(d), at.World(d)
        alice.init("A")
        bob.init("B")
        drive = lambda *args: at.expect(["drive", args[0], *alice.at("A"), *args[1:]], at.EXIT_OK)[0]
        drive("mkdir", "-p", "/team/data", "/private")
        drive("share", "/team", bob.user)
        size = (a.mib << 20) // a.files
        src = os.path.join(d, "src")
        for i in range(a.files):
            with open(src, "wb") as f:
                f.write(os.urandom(size))
            drive("put", src, f"/team/data/f{i:04d}.bin")
        total = size * a.files

        def cpu():
            r = resource.getrusage(resource.RUSAGE_CHILDREN)
            return r.ru_utime + r.ru_stime

        def timed(*args):
            """Wall time and the command's CPU time (user + system): on a loaded machine the second is steadier."""
            t, c = time.perf_counter(), cpu()
            out = drive(*args)
            return time.perf_counter() - t, cpu() - c, out

        print(f"{a.files} files, {total / 1e6:.1f} MB")
        for run in range(a.runs):
            out_s, out_cpu, out = timed("mv", "/team/data", "/private/")
            back_s, back_cpu, _ = timed("mv", "/private/data", "/team/")
            unshare_s, unshare_cpu, _ = timed("unshare", "/team", bob.user)
            drive("share", "/team", bob.user)
            mb = total / 1e6
            print(f"run {run + 1}: move out (re-keyed) {out_s:.2f} s wall = {mb / out_s:.0f} MB/s "
                  f"({out_cpu:.2f} s CPU); move back (record only) {back_s:.2f} s ({back_cpu:.2f} s CPU); "
                  f"unshare {unshare_s:.2f} s = {mb / unshare_s:.0f} MB/s ({unshare_cpu:.2f} s CPU)")
        print(out.strip())


if __name__ == "__main__":
    main()
