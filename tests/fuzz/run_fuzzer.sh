#!/bin/sh
# Runs one fuzz target for $WEIR_FUZZ_SECONDS (default 20) on a fresh copy of its seed corpus and
# regression inputs, so the tree's corpus is never modified. A crash leaves its input in
# <work>/artifacts/; copy it to tests/fuzz/regressions/<target>/ once understood.
#   run_fuzzer.sh <fuzzer binary> <seed dir> <regressions dir> <work dir>
set -eu
fuzzer=$1 seeds=$2 regressions=$3 work=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
[ -d "$seeds" ] && cp -r "$seeds"/. "$work/corpus/"
[ -d "$regressions" ] && cp -r "$regressions"/. "$work/corpus/"
rm -f "$work/corpus/README.md"
exec "$fuzzer" -max_total_time="${WEIR_FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus"
