#!/usr/bin/env bash
# Sets up this machine, builds weir and runs every test: the release build with warnings as
# errors (all tests, among them the container image, the Debian package, a
# real single-node Kubernetes cluster with the tutorial's walk-through and the status page in a
# headless browser), the ASan+UBSan build (unit and integration tests), each fuzz target for a
# bounded time, the ThreadSanitizer build (unit and integration tests) when the run's time allows
# it (WEIR_TSAN, below), and last the integration tests and driver suites once more with
# pool.multiplexing on. Ends with ctest's summary of the main run; exits non-zero on
# any failure. clang-tidy checks every file the release build compiles (WEIR_TIDY=0 skips it for a
# quicker local run).
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${WEIR_FUZZ_SECONDS:-10}
# The ThreadSanitizer stage comes last. WEIR_TSAN=auto (the default) runs it when the run so far
# took less than WEIR_TSAN_START_BEFORE seconds (35 min): with warm caches it costs about 9
# minutes, on a machine with empty caches more than half an hour more (a cold tsan build; README,
# "Tests and sanitizers"), which would take the whole run past CI's budget. WEIR_TSAN=1 always runs it,
# WEIR_TSAN=0 never; WEIR_TSAN_LABEL / WEIR_TSAN_REGEX narrow what it runs (ctest -L / -R).
RUN_TSAN=${WEIR_TSAN:-auto}
TSAN_START_BEFORE=${WEIR_TSAN_START_BEFORE:-2100}
TSAN_TESTS_LABEL=${WEIR_TSAN_LABEL:-unit|integration}
TSAN_TESTS_REGEX=${WEIR_TSAN_REGEX:-}
JOBS=${WEIR_JOBS:-$(nproc)}
status=0
step() { printf '\n==> %s\n' "$*"; }
fail() { echo "FAILED: $*"; status=1; }

step "setup"
bash scripts/setup.sh || { echo "setup failed"; exit 1; }
bash scripts/setup-drivers.sh || { echo "setup-drivers failed"; exit 1; }
bash scripts/setup-k8s-tools.sh || { echo "setup-k8s-tools failed"; exit 1; }

step "format: every C++ file as .clang-format says (bash scripts/format.sh fixes it)"
bash scripts/format.sh --check || fail "format"

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/weir-ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Paths relative to the checkout and no build directory in the hash: a fresh clone elsewhere
# (as CI makes) reuses what an earlier build compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

build() {  # preset
  cmake --preset "$1" >"build/configure-$1.log" 2>&1 || { cat "build/configure-$1.log"; return 1; }
  cmake --build --preset "$1" -j "$JOBS" 2>&1 | tail -n 50 | grep -v '^\[' ; return "${PIPESTATUS[0]}"
}
# The output of each test the last ctest run in build/$1 failed (ctest -j and the tails below
# would lose it): the assertion and the log of the processes it started.
show_failures() {  # preset build directory
  python3 scripts/failed_test_output.py "build/$1" --lines "${WEIR_FAILED_OUTPUT_LINES:-60}"
}
mkdir -p build
rm -f build/main-tests-summary.txt

step "build: asan-ubsan"
if build asan-ubsan; then
  step "tests under ASan+UBSan (unit, integration)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan-ubsan -L 'unit|integration' -j "$JOBS" 2>&1 | tail -n 30 \
    || { show_failures asan-ubsan; fail "sanitizer tests"; }
else
  fail "asan-ubsan build"
fi

step "build: fuzz (clang + libFuzzer)"
if build fuzz; then
  step "fuzz targets, ${FUZZ_SECONDS}s each"
  WEIR_FUZZ_SECONDS=$FUZZ_SECONDS ctest --test-dir build/fuzz -L fuzz --output-on-failure 2>&1 | tail -n 30 || fail "fuzz"
else
  fail "fuzz build"
fi

step "build: release, warnings are errors"
if build ci; then
  # Every file the release build compiles, against its compile_commands.json; files that passed
  # before and did not change are skipped (scripts/tidy.py keeps them in ~/.cache/weir-clang-tidy).
  if [ "${WEIR_TIDY:-1}" = 1 ]; then
    step "clang-tidy (.clang-tidy) on every compiled file"
    python3 scripts/tidy.py --build build/ci --jobs "$JOBS" || fail "clang-tidy"
  else
    step "clang-tidy stage skipped (WEIR_TIDY=0)"
  fi
  # The image build compiles weir inside the image on every core: alone, before the others, so
  # that it does not slow the timing-sensitive integration tests down.
  step "container image (buildah build from the Dockerfile, podman run)"
  ctest --preset ci -L image --output-on-failure 2>&1 | tail -n 30
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "image test"
  # The Debian package (cpack) installed, checked and removed in a clean Debian root, alone too.
  step "Debian package (cpack; dpkg -i, weir.service, dpkg -r/-P in a clean Debian root under podman)"
  ctest --preset ci -L package --output-on-failure 2>&1 | tail -n 40
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "package test"
  # A real single-node Kubernetes cluster and the tutorial's walk-through on it, twice: alone too
  # (one cluster at a time, and it keeps both cores busy).
  step "Kubernetes for real: single-node cluster, walk-through with weir deploy and with helm"
  ctest --preset ci -L k8s-real --output-on-failure 2>&1 | tail -n 60
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "k8s-real tests"
  # The status page in a real headless Chromium (chromedriver), in front of a real topology; it
  # leaves build/ci/tests/browser/status-page.png.
  step "status page in a headless browser"
  ctest --preset ci -L browser --output-on-failure 2>&1 | tail -n 30
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "browser test"
  step "all tests"
  ctest --preset ci -LE 'known_failure|image|package|k8s-real|browser' -j "$JOBS" 2>&1 | tail -n 40 \
    | tee build/main-tests-summary.txt
  [ "${PIPESTATUS[0]}" -eq 0 ] || { show_failures ci; fail "tests"; }
else
  fail "release build"
fi

if [ "$RUN_TSAN" = auto ] && [ "$SECONDS" -ge "$TSAN_START_BEFORE" ]; then
  step "ThreadSanitizer stage skipped: the run took $((SECONDS / 60)) min before it (it starts before $((TSAN_START_BEFORE / 60)) min; WEIR_TSAN=1 runs it anyway)"
elif [ "$RUN_TSAN" = 0 ]; then
  step "ThreadSanitizer stage skipped (WEIR_TSAN=0)"
elif tsan_build_started=$SECONDS && step "build: tsan" && build tsan; then
  echo "tsan build took $((SECONDS - tsan_build_started)) s"
  tsan_started=$SECONDS
  step "tests under ThreadSanitizer (${TSAN_TESTS_LABEL})"
  # Every instrumented process reports into its own file (weir started by an integration test
  # included, whose stderr goes to a log the test deletes); any file there fails the stage.
  tsan_reports="$PWD/build/tsan/reports"
  rm -rf "$tsan_reports" && mkdir -p "$tsan_reports"
  TSAN_OPTIONS="log_path=$tsan_reports/report" \
    ctest --preset tsan -L "$TSAN_TESTS_LABEL" ${TSAN_TESTS_REGEX:+-R "$TSAN_TESTS_REGEX"} -j "$JOBS" 2>&1 | tail -n 30 \
    || { show_failures tsan; fail "ThreadSanitizer tests"; }
  if compgen -G "$tsan_reports/report.*" >/dev/null; then
    for report in "$tsan_reports"/report.*; do echo "--- $report"; head -n 60 "$report"; done
    fail "ThreadSanitizer reports ($(ls "$tsan_reports" | wc -l) files in $tsan_reports)"
  fi
  echo "ThreadSanitizer tests took $((SECONDS - tsan_started)) s"
else
  fail "tsan build"
fi

# The integration tests and driver suites again, every weir they start with pool.multiplexing on
# (the allocation counts too: lending and taking a connection allocates nothing either). After the
# ThreadSanitizer stage, which WEIR_TSAN=auto decides on by the time spent before it.
if [ -f build/main-tests-summary.txt ]; then
  step "integration tests and driver suites with pool.multiplexing on"
  WEIR_TEST_MULTIPLEXING=1 ctest --preset ci -L 'integration|drivers' -j "$JOBS" \
    2>&1 | tail -n 30
  [ "${PIPESTATUS[0]}" -eq 0 ] || { show_failures ci; fail "tests with multiplexing"; }
fi

# The main run's summary closes the output, whatever ran after it.
if [ -f build/main-tests-summary.txt ]; then
  step "the main run's tests (again, from above)"
  tail -n 25 build/main-tests-summary.txt
fi
[ "$status" -eq 0 ] && echo "test.sh: every stage passed in $((SECONDS / 60)) min" || echo "test.sh: FAILED (see FAILED: lines above)"
exit "$status"
