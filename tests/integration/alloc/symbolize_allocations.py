#!/usr/bin/env python3
"""Groups the allocation (and mutex lock) backtraces that the allocation counter printed
(WEIR_ALLOC_TRACE_THREAD) into distinct call paths, symbolized with addr2line, most frequent first.

    symbolize_allocations.py weir.log [--frames N]
"""
import argparse
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^(?P<module>[^(\s]+)\((?P<symbol>[^)+]*)\+(?P<offset>0x[0-9a-f]+)\)\s*\[(?P<address>0x[0-9a-f]+)\]")


def read_traces(path):
    traces, current = [], None
    with open(path, errors="replace") as log:
        for line in log:
            if line.startswith("== allocation in thread"):
                current = []
                traces.append((line.split(" bytes ")[-1].strip() + " bytes", current))
            elif line.startswith("== mutex lock in thread"):
                current = []
                traces.append(("mutex lock", current))
            elif current is not None:
                match = FRAME.match(line)
                if match:
                    current.append((match["module"], match["symbol"], match["offset"]))
                else:
                    current = None
    return traces


def symbolize(module, offsets):
    """Function and source line of each offset in module (addr2line, inlined frames joined)."""
    if not offsets:
        return {}
    out = subprocess.run(["addr2line", "-f", "-C", "-i", "-a", "-e", module, *offsets],
                         capture_output=True, text=True, check=False).stdout.splitlines()
    names, key, frames = {}, None, []
    for line in out:
        if line.startswith("0x"):
            if key is not None:
                names[key] = " <- ".join(frames)
            key, frames = line, []
        elif not line.startswith("/") and not line.startswith("??:"):
            frames.append(line.split("(")[0][:90])
        elif frames:
            frames[-1] += " @" + line.rsplit("/", 1)[-1]
    if key is not None:
        names[key] = " <- ".join(frames)
    return {offset: names.get("0x%016x" % int(offset, 16), offset) for offset in offsets}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("log")
    parser.add_argument("--frames", type=int, default=8, help="frames of each path to show (after the allocator's)")
    args = parser.parse_args()
    traces = read_traces(args.log)
    if not traces:
        sys.exit(f"no allocation backtraces in {args.log}")
    wanted = collections.defaultdict(set)
    for _, trace in traces:
        for module, symbol, offset in trace:
            if not symbol and "allocation_counter" not in module:
                wanted[module].add(offset)
    names = {module: symbolize(module, sorted(offsets)) for module, offsets in wanted.items()}
    paths = collections.Counter()
    for size, trace in traces:
        frames = [f for f in trace if "allocation_counter" not in f[0]]
        shown = [f[1] or names.get(f[0], {}).get(f[2], f[2]) for f in frames[: args.frames]]
        paths[f"({size})\n    " + "\n    ".join(shown)] += 1
    for path, count in paths.most_common():
        print(f"{count:6d}  {path}\n")


if __name__ == "__main__":
    main()
