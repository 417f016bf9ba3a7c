#!/bin/sh
# run-fuzz.sh FUZZER SEED_CORPUS SECONDS: run a libFuzzer target for a bounded
# time on a scratch copy of the seed corpus (the checked-in seeds never change).
set -eu
fuzzer=$(realpath "$1"); seeds=$(realpath "$2"); seconds=$3
work=$(mktemp -d /tmp/bm-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$seeds"/* "$work/corpus/"
cd "$work"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 "$work/corpus"
