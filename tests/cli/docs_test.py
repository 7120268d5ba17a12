#!/usr/bin/env python3
"""The CLI as people read it: every command's --help shows examples that parse, and the generated man page and
completions (coffre-docgen, cli/src/docgen.hpp) are valid and complete. The list of commands and options comes from
the binary's own --help, not from the generator.

Each test_* function is one CTest test (tests/cli/CMakeLists.txt lists them with --list). By hand:
  tests/cli/docs_test.py --coffre build/cli/coffre --coffre-hooks build/cli/coffre-test-hooks \
      --docs build/cli/docs [case...]
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

from transcript import check, parse_args, run_cases

COFFRE = COFFRE_HOOKS = DOCS = None


def run(args, env=None, input=None):
    full_env = dict(os.environ, **(env or {}))
    p = subprocess.run(args, capture_output=True, env=full_env, input=input, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def help_of(path):
    rc, out, err = run([COFFRE, *path, "--help"])
    check(rc == 0, f"coffre {' '.join(path)} --help: exit {rc}: {err}")
    return out


def section(text, title):
    """The lines of a --help section ("Options:", "Subcommands:"), up to the next blank line."""
    lines = text.split("\n")
    if title not in lines:
        return []
    rest = lines[lines.index(title) + 1:]
    return rest[:rest.index("")] if "" in rest else rest


def commands(path=()):
    """Every command path the binary's --help shows, depth first: (), ("encrypt",), ("drive",), ("drive", "put")..."""
    found = [path]
    for line in section(help_of(path), "Subcommands:"):
        name = line.split()[0]
        found += commands(path + (name,))
    return found


def options_of(help_text):
    """The option names of a --help text ("-o", "--output"), without -h/--help."""
    names = []
    for line in section(help_text, "Options:"):
        m = re.match(r"\s+(-[^ ]+)", line)
        if m:
            names += [n for n in m.group(1).split(",") if n not in ("-h", "--help")]
    return names


def example_argv(line):
    """The arguments of the coffre command in an example's shell line (pipes and redirections around it)."""
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    words = list(lex)
    start = words.index("coffre")
    argv = []
    for w in words[start + 1:]:
        if w in ("|", "||", "&&", ";", ">", "<", ">>"):
            break
        argv.append(w)
    return argv


def examples_in_help(text):
    """The example lines of a --help text's Examples block."""
    lines = text.split("\n")
    check("Examples:" in lines, "no Examples: block")
    block = lines[lines.index("Examples:") + 1:]
    return [l.strip() for l in block if l.startswith("  ") and not l.startswith("      ") and l.strip()]


def parses(argv, home):
    """Whether the test build's parser accepts argv (COFFRE_TEST_PARSE_ONLY: parse, run nothing)."""
    return run([COFFRE_HOOKS, *argv], env={"COFFRE_TEST_PARSE_ONLY": "1", "HOME": home, "COFFRE_STORE": ""})


# ---------------------------------------------------------------------------------------------------------------

def test_help_examples_parse(d):
    """Every command's --help ends with 2-4 examples, and each example's arguments parse."""
    paths = commands()
    check(("drive", "put") in paths and ("device", "revoke") in paths and ("vectors", "verify") in paths,
          f"commands found: {paths}")
    for path in paths:
        examples = examples_in_help(help_of(path))
        check(2 <= len(examples) <= 4, f"coffre {' '.join(path)}: {len(examples)} examples")
        for line in examples:
            argv = example_argv(line)
            rc, out, err = parses(argv, d)
            check(rc == 0 and out == "" and err == "", f"example '{line}' does not parse: exit {rc}: {err}")
    # The check can fail: a wrong option, a missing argument or an unknown command is refused.
    for argv in (["drive", "put", "--no-such-option", "a", "/b"], ["fingerprint"], ["drive", "copy", "a", "b"],
                 ["encrypt", "--key-file", "k", "--passphrase-file", "p"]):
        rc, _, err = parses(argv, d)
        check(rc == 2 and err, f"{argv} parsed: exit {rc}")


def man_sections(man):
    """The man page's command subsections: "coffre drive put" -> its roff text."""
    parts = re.split(r'^\.SS "(.*)"$', man, flags=re.M)
    return {parts[i].replace("\\-", "-"): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_man_page(d):
    """groff finds nothing to warn about, and the man page documents every command and each of its options."""
    page = os.path.join(DOCS, "coffre.1")
    rc, out, err = run(["groff", "-man", "-ww", "-z", page])
    check(rc == 0 and err == "", f"groff -man -ww: exit {rc}: {err}")
    man = open(page, encoding="utf-8").read()
    sections = man_sections(man)
    for path in commands():
        if not path:
            continue
        name = "coffre " + " ".join(path)
        check(name in sections, f"no section for {name}")
        text = sections[name].replace("\\-", "-")
        for opt in options_of(help_of(path)):
            check(re.search(r"\\fB" + re.escape(opt) + r"\\fR", text), f"{name}: {opt} not in the man page")
    for title in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLES", '"EXIT STATUS"', "ENVIRONMENT", "FILES"):
        check(re.search(r"^\.SH " + re.escape(title) + "$", man, flags=re.M), f"no .SH {title}")
    check("COFFRE_STORE" in man and "XDG_CONFIG_HOME" in man, "ENVIRONMENT misses COFFRE_STORE or XDG_CONFIG_HOME")
    check("coffre drive put \\-f report.pdf /work/report.pdf" in man, "an example is missing")


def syntax_check(shell, flag_args, name):
    exe = shutil.which(shell)
    check(exe, f"{shell} is not installed (scripts/install-deps.sh installs it)")
    rc, _, err = run([exe, *flag_args, os.path.join(DOCS, name)])
    check(rc == 0 and err == "", f"{shell} -n {name}: exit {rc}: {err}")


def test_completion_syntax(d):
    """bash -n, zsh -n and fish -n accept the generated completions."""
    syntax_check("bash", ["-n"], "coffre.bash")
    syntax_check("zsh", ["-n"], "_coffre")
    syntax_check("fish", ["-n"], "coffre.fish")


BASH_DRIVER = r"""
source "$1"
complete_line() {  # the words of a command line, the last one being completed
  COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _coffre
  printf '%s\n' "${COMPREPLY[*]}"
}
cd "$2"
complete_line coffre dr
complete_line coffre drive ''
complete_line coffre encrypt --ke
complete_line coffre encrypt --key-file my
complete_line coffre drive put --type te
complete_line coffre --version ''
complete_line coffre device revoke --y
complete_line coffre drive get -f /a my
"""


def test_bash_completion(d):
    """Sourced into bash: subcommands, nested ones, the options of a command, file names where a file goes."""
    for name in ("my.key", "my-notes.txt"):
        open(os.path.join(d, name), "w").close()
    rc, out, err = run(["bash", "-c", BASH_DRIVER, "driver", os.path.join(DOCS, "coffre.bash"), d])
    check(rc == 0 and err == "", f"bash: exit {rc}: {err}")
    got = out.split("\n")
    drive_help = help_of(("drive",))
    drive_subs = " ".join(l.split()[0] for l in section(drive_help, "Subcommands:"))
    want = ["drive", drive_subs, "--key-file --key-version", "my-notes.txt my.key", "",
            " ".join(l.split()[0] for l in section(help_of(()), "Subcommands:")), "--yes", "my-notes.txt my.key"]
    for i, w in enumerate(want):
        check(sorted(got[i].split()) == sorted(w.split()), f"completion {i}: {got[i]!r}, expected {w!r}")


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}


def main():
    global COFFRE, COFFRE_HOOKS, DOCS
    a = parse_args("--coffre", "--coffre-hooks", "--docs")
    if a.list:
        print("\n".join(TESTS))
        return 0
    COFFRE, COFFRE_HOOKS, DOCS = a.coffre, a.coffre_hooks, a.docs
    return run_cases(TESTS, a.cases, "coffre-docs-")


if __name__ == "__main__":
    sys.exit(main())
