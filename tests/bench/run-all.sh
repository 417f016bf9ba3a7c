#!/bin/sh
# Run every benchmark and print its figures (they are numbers to read, not
# tests: nothing here fails on a slow machine).
#   tests/bench/run-all.sh [BUILD_DIR]      (default _build; run as root for the camera)
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/_build}" && pwd)
cd "$src"

section() { printf '\n== %s ==\n' "$1"; }

section "store: 100,000 candidates (issue 2)"
"$build/tests/bench/bench-store"

section "ID card: client overhead over 200 reads against pcscd + emulated reader (issue 3)"
tests/pcsc/pcsc-harness.sh "$build/tests/bench/bench-card" 200

section "printing: 1,000 login cards and 1,000 proof sheets to PDF (issue 4)"
BM_TEST_DATA="$src/tests/data" "$build/tests/bench/bench-print"

section "sync: records with 30 KB photos to the development server on loopback (issue 5)"
"$build/tests/bench/bench-sync" "$build" "$src"

section "camera: preview CPU share and capture-to-stored latency, fake camera (issue 6)"
"$build/tests/v4l2/bench-camera"

section "main loop: stall while 5,000 records with 30 KB photos sync and a clerk registers (issue 11)"
"$build/tests/bench/bench-stall" "$build" "$src"

section "kills: 40 SIGKILLs across registering, printing, photo import and sync in one run (issue 10; the campaign proper: KILLS=200)"
KILLS=40 tests/crash/kill-campaign.sh "$build"

section "scale: start-up, the 考生 list, CLI search and memory at 0, 10,000 and 100,000 records (issue 17)"
tests/bench/bench-scale.sh "$build"
