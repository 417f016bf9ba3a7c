#!/bin/sh
# Run a libFuzzer target for a bounded time from a seed corpus made here.
#   run-fuzz.sh FUZZER BM_MAKE_PORTRAIT SECONDS
set -eu
fuzzer=$(realpath "$1") make=$(realpath "$2") secs=$3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT INT TERM
mkdir "$W/corpus" "$W/seeds"
"$make" --width 48 --height 64 --noise 0 "$W/seeds/small.jpg"
"$make" --width 48 --height 64 "$W/seeds/small.png"
"$make" --width 48 --height 64 --sideways "$W/seeds/exif.jpg"
cd "$W"
"$fuzzer" -max_total_time="$secs" -rss_limit_mb=1024 -malloc_limit_mb=512 -print_final_stats=1 corpus seeds 2>&1 | tail -n 15
