#!/bin/sh
# Build the sync-answer fuzz target with clang/libFuzzer (meson's compiler
# may be gcc) and run it for a bounded time over a copy of the seed corpus.
#   run-fuzz-sync.sh SOURCE_ROOT BUILD_ROOT [SECONDS]
set -eu
SRC=$1 BUILD=$2 SECS=${3:-20}
command -v clang >/dev/null || { echo "clang is missing (a failure, not a skip)" >&2; exit 1; }
W=$(mktemp -d /tmp/bm-fuzz-sync-XXXXXX)
trap 'rm -rf "$W"' EXIT
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$BUILD" -I"$SRC/src/core" \
  "$SRC/tests/fuzz/fuzz-sync-answer.c" "$SRC/src/core/bm-sync-message.c" "$SRC/src/core/bm-json-input.c" "$SRC/src/core/bm-error.c" \
  $(pkg-config --cflags --libs json-glib-1.0 gio-2.0) -o "$W/fuzz-sync-answer"
cp -r "$SRC/tests/fuzz/corpus/sync-answer" "$W/corpus"
# A changes page nested 100,000 deep (200 KB): the answer that killed sync
# --once and the GUI's worker. Made here rather than checked in.
{ printf '\006{"changes":'; head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; \
  printf ',"next_cursor":"1"}'; } >"$W/corpus/deep-changes"
rc=0
ASAN_OPTIONS=detect_leaks=1 "$W/fuzz-sync-answer" -max_total_time="$SECS" -max_len=262144 -timeout=10 \
  -print_final_stats=1 "$W/corpus" >"$W/log" 2>&1 || rc=$?
tail -n 30 "$W/log"
exit $rc
