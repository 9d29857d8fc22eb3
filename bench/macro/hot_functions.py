#!/usr/bin/env python3
"""Writes cmake/hot-functions.txt: the functions weir's worker runs for every statement, hottest
first, which the release build's linker places together at the start of the code (see
cmake/release_layout.cmake). Packed, a statement's path is fewer cache lines and pages of code that
do not evict each other; scattered over the binary, it missed the instruction cache about 1.5 times
as often (cachegrind, bench/README.md).

  python3 bench/macro/hot_functions.py [--weir build/ci/app/weir] [--events 20000]
      [--min-per-statement 0.05] [--output cmake/hot-functions.txt]

weir (one worker) runs under `valgrind --tool=callgrind --demangle=no` in front of one MariaDB while
sysbench sends --events transactions of oltp_point_select from 64 connections, then of
oltp_read_only and oltp_read_write from 8; the worker thread's own instructions per function
(without its callees) decide. A function stays in the list when it executes at least
--min-per-statement instructions per statement. Names are written as section patterns without
GCC's clone suffixes (.constprop.N, .lto_priv.N, ...), so that a list made from one build still
matches the next; a name no function has any more is ignored by the linker. The last line,
`.text.*`, places every other function after them. Run it again when the
statement path changed much. Needs valgrind (scripts/setup.sh installs it).
"""
import argparse
import collections
import os
import re
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (the server, ports and sysbench of the main benchmark)
from instructions import worker_file  # noqa: E402  (the worker thread's callgrind file)

ROOT = compare.ROOT
WORKLOADS = [("oltp_point_select", 64), ("oltp_read_only", 8), ("oltp_read_write", 8)]
NAME = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")
OBJECT = re.compile(r"^c?ob=\((\d+)\)(?: (.*))?$")


def named(pattern, line, table):
    """The name an `ob=`/`fn=` line (or its `c` form) gives: callgrind writes `(id) name` the first
    time and `(id)` after that."""
    m = pattern.match(line)
    if not m:
        return None
    if m.group(2):
        table[m.group(1)] = m.group(2)
    return table.get(m.group(1))


def self_costs(path, binary):
    """Instructions per function (self cost) in one callgrind file, for functions of `binary`."""
    names, objects = {}, {}
    costs = collections.Counter()
    function, in_binary, skip_next = None, False, False
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(("ob=", "cob=")):
                name = named(OBJECT, line, objects)
                if line.startswith("ob="):
                    in_binary = os.path.realpath(name or "") == binary
                continue
            if line.startswith(("fn=", "cfn=")):
                name = named(NAME, line, names)
                if line.startswith("fn="):
                    function = name
                continue
            if line.startswith("calls="):
                skip_next = True  # the next cost line is the call's inclusive cost
                continue
            if not line or not (line[0].isdigit() or line[0] in "+-*"):
                continue
            if skip_next:
                skip_next = False
                continue
            parts = line.split()
            if len(parts) >= 2 and in_binary and function:
                costs[function] += int(parts[1])
    return costs


def section_patterns(costs, statements, min_per_statement):
    patterns = []
    for name, cost in costs.most_common():
        if cost < min_per_statement * statements:
            break
        if not name.startswith("_Z"):
            continue
        base = name.split(".", 1)[0]  # without .constprop.0, .lto_priv.0, .part.0, .cold, ...
        pattern = f".text.{base}*"
        if pattern not in patterns:
            patterns.append(pattern)
    return patterns


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weir", default=os.path.join(ROOT, "build/ci/app/weir"))
    parser.add_argument("--events", type=int, default=20000, help="transactions per workload")
    parser.add_argument("--min-per-statement", type=float, default=0.05)
    parser.add_argument("--output", default=os.path.join(ROOT, "cmake/hot-functions.txt"))
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (scripts/setup.sh installs it)")
    binary = os.path.realpath(args.weir)
    work = tempfile.mkdtemp(prefix="weir-hot-functions-")
    server = compare.Server(work)
    try:
        compare.sysbench("oltp_read_only", server.port, 4, 0, "prepare")
        out = os.path.join(work, "hot.callgrind")
        wrapper = ["valgrind", "--tool=callgrind", "--separate-threads=yes", "--demangle=no",
                   f"--callgrind-out-file={out}"]
        proc, port = compare.start_weir(work, binary, server.port, "1", "hot", wrapper=wrapper, timeout=120)
        statements = 0
        try:
            for workload, threads in WORKLOADS:
                run = compare.parse_run(compare.sysbench(workload, port, threads, 0, events=args.events))
                statements += run["queries"]
                print(f"{workload} ({threads} connections): {run['queries']} statements", flush=True)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=300)
        costs = self_costs(worker_file(out), binary)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    patterns = section_patterns(costs, statements, args.min_per_statement)
    with open(args.output, "w") as f:
        # The last pattern takes every other function: without it gold puts the functions the file
        # does not name before those it does, and the hot ones end up anywhere.
        f.write("".join(p + "\n" for p in patterns) + ".text.*\n")
    print(f"{len(patterns)} functions (at least {args.min_per_statement} instructions per statement) -> {args.output}")


if __name__ == "__main__":
    main()
