#!/usr/bin/env python3
"""Instructions weir's worker executes per statement, counted by callgrind: exact and repeatable,
where the QPS and CPU of compare.py move by 10% between runs on a shared machine. Use it to judge a
change to weir's own code (the user part of its CPU); compare.py stays the judge of the whole.

  python3 bench/macro/instructions.py [--weir build/ci/app/weir] [--also NAME=BINARY ...]
      [--events 20000] [--workloads oltp_point_select,oltp_read_only]

For each binary and workload: weir (one worker) runs under `valgrind --tool=callgrind
--separate-threads=yes` in front of one MariaDB, sysbench sends a few statements and then
`--events` more on one connection, and the worker thread's instruction count (the thread that ran
the session) of the short run is subtracted from the long one's, so the login, the prepares and weir's start
cancel out. Prints instructions per statement and, with --also, the ratio to the first binary.
Needs valgrind (scripts/setup.sh installs it).
"""
import argparse
import glob
import os
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (the server, ports and sysbench of the main benchmark)

ROOT = compare.ROOT


def worker_file(out_prefix):
    """Among callgrind's per-thread files, the one of the worker thread: whose code ran sessions
    (Session::command_loop)."""
    paths = []
    for path in glob.glob(out_prefix + "-*"):
        with open(path) as f:
            if any("command_loop" in line for line in f):
                paths.append(path)
    if len(paths) != 1:
        raise RuntimeError(f"expected one worker thread in {out_prefix}-*, found {len(paths)}")
    return paths[0]


def worker_instructions(out_prefix):
    """The instruction count of the worker thread."""
    with open(worker_file(out_prefix)) as f:
        for line in f:
            if line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in the worker thread's file of {out_prefix}")


def run_under_callgrind(work, binary, backend_port, workload, events, tag):
    out = os.path.join(work, f"{tag}.callgrind")
    wrapper = ["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out}"]
    proc, port = compare.start_weir(work, binary, backend_port, "1", tag, wrapper=wrapper, timeout=120)
    try:
        queries = compare.parse_run(compare.sysbench(workload, port, 1, 0, events=events))["queries"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
    return worker_instructions(out), queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weir", default=os.path.join(ROOT, "build/ci/app/weir"))
    parser.add_argument("--also", action="append", default=[], metavar="NAME=BINARY")
    parser.add_argument("--events", type=int, default=20000, help="transactions of the long run")
    parser.add_argument("--workloads", default="oltp_point_select,oltp_read_only")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (scripts/setup.sh installs it)")
    binaries = [("weir", args.weir)]
    for spec in args.also:
        name, sep, binary = spec.partition("=")
        if not sep or not os.access(binary, os.X_OK):
            parser.error(f"--also {spec!r}: expected NAME=BINARY with an executable BINARY")
        binaries.append((name, binary))
    short = max(1, args.events // 10)
    work = tempfile.mkdtemp(prefix="weir-instructions-")
    server = compare.Server(work)
    try:
        compare.sysbench("oltp_read_only", server.port, 4, 0, "prepare")
        print("| workload | binary | instructions per statement (worker thread) | vs first |")
        print("|---|---|---|---|")
        for workload in args.workloads.split(","):
            first = None
            for name, binary in binaries:
                long_ir, long_q = run_under_callgrind(work, binary, server.port, workload, args.events, f"{name}-l")
                short_ir, short_q = run_under_callgrind(work, binary, server.port, workload, short, f"{name}-s")
                per = (long_ir - short_ir) / max(1, long_q - short_q)
                first = first or per
                print(f"| {workload} | {name} | {per:,.0f} | {per / first:.2f} |", flush=True)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
