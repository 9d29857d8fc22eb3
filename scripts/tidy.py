#!/usr/bin/env python3
"""Runs clang-tidy (.clang-tidy's checks) on every file a build compiles, in parallel.

    python3 scripts/tidy.py [--build build/ci] [--jobs N] [--cache DIR] [--exclude PATH]... [FILTER...]

A file whose check passed once is not checked again while nothing it sees has changed: the key
is the file's preprocessed text (the checkout's path taken out, so a fresh clone elsewhere hits the
same entries), its compile flags, the .clang-tidy files that apply to it and clang-tidy's version.
A clean run on an unchanged tree takes the time of preprocessing only. FILTER keeps the files whose
path contains one of the words; --exclude PATH (repeatable) drops the files under PATH, relative to
the checkout (`--exclude proxy/session/`). Exit status 1 when any file has a finding (printed, with
the file's name), 2 on a usage error.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time

TIDY = os.environ.get("CLANG_TIDY", "clang-tidy-15")


def preprocess_command(arguments):
    """The compile command with -E instead of -c and no output file."""
    out = []
    skip = False
    for arg in arguments:
        if skip:
            skip = False
            continue
        if arg == "-o":
            skip = True
            continue
        if arg == "-c":
            continue
        out.append(arg)
    return out + ["-E", "-P"]


def configs(path, root):
    """The text of every .clang-tidy from the checkout's root down to the file's directory."""
    text = b""
    directory = os.path.dirname(path)
    while True:
        config = os.path.join(directory, ".clang-tidy")
        if os.path.exists(config):
            with open(config, "rb") as f:
                text = f.read() + text
        if directory == root or os.path.dirname(directory) == directory:
            return text
        directory = os.path.dirname(directory)


def cache_key(entry, root, build, salt):
    arguments = entry.get("arguments") or shlex.split(entry["command"])
    text = subprocess.run(preprocess_command(arguments), cwd=entry["directory"], capture_output=True, check=False)
    if text.returncode != 0:
        return None  # the compiler will say why in clang-tidy's own run
    digest = hashlib.sha256(salt)
    digest.update(configs(entry["file"], root))
    flags = " ".join(a for a in arguments if a.startswith(("-D", "-std", "-f")))
    digest.update(flags.encode())
    digest.update(os.path.relpath(entry["file"], root).encode())
    digest.update(text.stdout.replace(build.encode(), b"@BUILD@").replace(root.encode(), b"@ROOT@"))
    return digest.hexdigest()


def check(entry, root, build, cache, salt):
    started = time.monotonic()
    key = cache_key(entry, root, build, salt) if cache else None
    if key and os.path.exists(os.path.join(cache, key)):
        return entry["file"], 0, "", True, time.monotonic() - started
    # GCC's warning flags stay GCC's: clang's own warnings are not this check's business.
    result = subprocess.run(
        [TIDY, "-p", build, "--quiet", "--extra-arg=-Wno-everything", entry["file"]],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout.strip()
    if result.returncode == 0 and key:
        with open(os.path.join(cache, key), "w", encoding="utf-8"):
            pass
    return entry["file"], result.returncode, output, False, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/ci", help="a configured build directory (compile_commands.json)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/weir-clang-tidy"),
                        help="where passed checks are remembered; '' for none")
    parser.add_argument("--exclude", action="append", default=[], metavar="PATH",
                        help="skip the files whose path relative to the checkout starts with PATH (repeatable)")
    parser.add_argument("filters", nargs="*")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(args.build)
    database = os.path.join(build, "compile_commands.json")
    if not os.path.exists(database):
        print(f"tidy: {database} does not exist: configure the build first (cmake --preset ci)", file=sys.stderr)
        return 2
    with open(database, encoding="utf-8") as f:
        entries = [e for e in json.load(f) if e["file"].startswith(root + os.sep)]
    # Sources generated into the build tree are not ours to tidy.
    entries = [e for e in entries if not e["file"].startswith(build + os.sep)]
    entries = [e for e in entries if not os.path.relpath(e["file"], root).startswith(tuple(args.exclude))]
    if args.filters:
        entries = [e for e in entries if any(word in e["file"] for word in args.filters)]
    if args.cache:
        os.makedirs(args.cache, exist_ok=True)
    version = subprocess.run([TIDY, "--version"], capture_output=True, check=True).stdout
    salt = version

    started = time.monotonic()
    failed = []
    cached = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(check, e, root, build, args.cache, salt) for e in entries]
        for future in concurrent.futures.as_completed(futures):
            path, code, output, hit, _ = future.result()
            cached += hit
            if code != 0:
                failed.append(path)
                print(f"--- {os.path.relpath(path, root)}")
                print(output or f"clang-tidy exited with status {code}")
    elapsed = time.monotonic() - started
    print(f"clang-tidy: {len(entries)} files, {len(failed)} with findings, {cached} unchanged since a clean check "
          f"({elapsed:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
