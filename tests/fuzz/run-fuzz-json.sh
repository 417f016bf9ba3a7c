#!/bin/sh
# Build the JSON-input fuzz target with clang/libFuzzer (meson's compiler may
# be gcc) and run it for a bounded time over a copy of the seed corpus plus
# a deeply nested seed made here (100,000 levels: the input that crashed
# json-glib; 100 KB, so it is not checked in).
#   run-fuzz-json.sh SOURCE_ROOT BUILD_ROOT [SECONDS]
set -eu
SRC=$1 BUILD=$2 SECS=${3:-20}
command -v clang >/dev/null || { echo "clang is missing (a failure, not a skip)" >&2; exit 1; }
W=$(mktemp -d /tmp/bm-fuzz-json-XXXXXX)
trap 'rm -rf "$W"' EXIT
C="$SRC/src/core"
# shellcheck disable=SC2046
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -I"$BUILD" -I"$C" \
  "$SRC/tests/fuzz/fuzz-json-input.c" "$C/bm-json-input.c" "$C/bm-field-limits.c" "$C/bm-online-fields.c" "$C/bm-candidate.c" \
  "$C/bm-identity.c" "$C/bm-id-number.c" "$C/bm-code-table.c" "$C/bm-record-state.c" "$C/bm-error.c" \
  $(pkg-config --cflags --libs json-glib-1.0 gobject-2.0 gio-2.0) -o "$W/fuzz-json-input"
cp -r "$SRC/tests/fuzz/corpus/json-input" "$W/corpus"
{ printf '\000{"name":'; head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; printf '}'; } \
  >"$W/corpus/deep-record"
{ printf '\002{"changes":'; head -c 100000 /dev/zero | tr '\0' '{'; } >"$W/corpus/deep-answer"
rc=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$W/fuzz-json-input" -max_total_time="$SECS" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 "$W/corpus" >"$W/log" 2>&1 || rc=$?
tail -n 30 "$W/log"
exit $rc
