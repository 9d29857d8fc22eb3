#!/usr/bin/env python3
"""Print the output of the tests the last ctest run in a build tree failed.

ctest -j interleaves its progress lines, and the stages of scripts/test.sh keep only the
closing lines of them, so a failure's own output (the assertion, the log of the weir it
started) would be lost. This reads Testing/Temporary/LastTestsFailed.log and LastTest.log
and prints, for each failed test, the last --lines lines of its output.

usage: failed_test_output.py BUILD_DIR [--lines N]
"""
import argparse
import pathlib
import sys


def failed_tests(temporary: pathlib.Path) -> list[str]:
    path = temporary / "LastTestsFailed.log"
    if not path.exists():
        return []
    names = []
    for line in path.read_text(errors="replace").splitlines():
        number, _, name = line.partition(":")
        if number.strip().isdigit() and name:
            names.append(name.strip())
    return names


def outputs(temporary: pathlib.Path) -> dict[str, list[str]]:
    """Each test's output block in LastTest.log, by test name."""
    path = temporary / "LastTest.log"
    if not path.exists():
        return {}
    found: dict[str, list[str]] = {}
    name = None
    block: list[str] | None = None
    for line in path.read_text(errors="replace").splitlines():
        if " Testing: " in line and block is None:
            name = line.split(" Testing: ", 1)[1].strip()
        elif line == "Output:" and name is not None:
            block = []
        elif block is not None and line.startswith("<end of output>"):
            found[name] = block[1:] if block and set(block[0]) == {"-"} else block
            name, block = None, None
        elif block is not None:
            block.append(line)
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--lines", type=int, default=80)
    args = parser.parse_args()
    temporary = pathlib.Path(args.build_dir) / "Testing" / "Temporary"
    names = failed_tests(temporary)
    if not names:
        return 0
    blocks = outputs(temporary)
    for name in names:
        lines = blocks.get(name)
        print(f"---- output of the failed test {name}" + ("" if lines is not None else ": not found in LastTest.log"))
        if lines is None:
            continue
        if len(lines) > args.lines:
            print(f"[... {len(lines) - args.lines} earlier lines left out]")
        print("\n".join(lines[-args.lines:]))
    print("---- end of the failed tests' output")
    return 0


if __name__ == "__main__":
    sys.exit(main())
