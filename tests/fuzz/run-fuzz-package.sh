#!/bin/sh
# Build the export-package fuzz target with clang/libFuzzer (meson's
# compiler may be gcc) and run it for a bounded time. The seed corpus is
# made here: a real training package written by baoming-cli, offered to
# each of the target's paths.
#   run-fuzz-package.sh SOURCE_ROOT BUILD_ROOT [SECONDS]
set -eu
SRC=$1 BUILD=$2 SECS=${3:-20}
command -v clang >/dev/null || { echo "clang is missing (a failure, not a skip)" >&2; exit 1; }
W=$(mktemp -d /tmp/bm-fuzz-package-XXXXXX)
trap 'rm -rf "$W"' EXIT
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$BUILD" -I"$SRC/src/core" \
  "$SRC/tests/fuzz/fuzz-package.c" "$SRC/src/core/bm-package.c" "$SRC/src/core/bm-station-keys.c" \
  "$SRC/src/core/bm-error.c" \
  $(pkg-config --cflags --libs json-glib-1.0 gio-2.0 libsodium) -o "$W/fuzz-package"
mkdir -p "$W/corpus" "$W/out"
CLI="$BUILD/src/cli/baoming-cli"
"$CLI" --db "$W/tr.db" --training init >/dev/null
env -u BAOMING_PASSWORD BAOMING_OPERATOR=training-supervisor "$CLI" --db "$W/tr.db" --training export --to "$W/out" >/dev/null
pkg=$(ls "$W/out"/*.bmpkg)
for mode in 0 1; do { printf "\\00$mode"; cat "$pkg"; } >"$W/corpus/package-$mode"; done
printf '\002{"format":"baoming-receipt/1","receipt":"{\\"package_id\\":\\"x\\"}","signature":"00"}' >"$W/corpus/receipt"
rc=0
ASAN_OPTIONS=detect_leaks=1 "$W/fuzz-package" -max_total_time="$SECS" -max_len=65536 -timeout=10 \
  -print_final_stats=1 "$W/corpus" >"$W/log" 2>&1 || rc=$?
tail -n 30 "$W/log"
exit $rc
