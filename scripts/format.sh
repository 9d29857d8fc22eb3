#!/usr/bin/env bash
# Formats every C++ file of the checkout with clang-format (.clang-format), or with --check only
# says which files are not formatted (exit 1; what CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
FORMAT=${CLANG_FORMAT:-clang-format-15}
command -v "$FORMAT" >/dev/null || { echo "format: $FORMAT not found (bash scripts/setup.sh installs it)" >&2; exit 2; }
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
if [ "${1:-}" = "--check" ]; then
  report=$(mktemp)
  trap 'rm -f "$report"' EXIT
  if ! "$FORMAT" --dry-run --Werror "${files[@]}" 2> "$report"; then
    grep -o '^[^:]*:[0-9]*:[0-9]*: error' "$report" | cut -d: -f1 | sort | uniq -c | sed 's/^ *\([0-9]*\) \(.*\)/not formatted: \2 (\1 places)/'
    echo "format: the files above differ from .clang-format; bash scripts/format.sh formats them"
    exit 1
  fi
  echo "format: ${#files[@]} files formatted as .clang-format says"
else
  "$FORMAT" -i "${files[@]}"
fi
