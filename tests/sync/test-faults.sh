#!/bin/sh
# Each fault mode of the development server, one after the other, with new
# and edited records each time: afterwards the server holds each record
# exactly once with the latest version, and the client agrees.
. "$(dirname "$0")/lib.sh"
set -f   # fault endpoints may be "*"
make_cert; provision; start_server; setup_client
cli sync set batch_records 15
offset=0
round() {
  what=$1; shift
  "$SYNC_FILL" add "$T/ws.db" 40 3000 "$offset" || fail "fill"
  offset=$((offset + 40))
  "$SYNC_FILL" edit "$T/ws.db" 10 || fail "edit"
  province fault clear
  while [ $# -gt 0 ]; do
    # shellcheck disable=SC2086
    province fault add $1 || fail "fault $1"
    shift
  done
  start=$(date +%s)
  sync_until_ok 6
  elapsed=$(( $(date +%s) - start ))
  province fault clear
  cli sync --once >/dev/null 2>&1 || true   # pick up changes the faulted run may have left
  check_agree
  pass "$what (${elapsed}s)"
}
round "close before applying a batch"   "batches close_before --count 2"
round "close after applying a batch"    "batches close_after --count 3"
round "500"                             "batches status --p1 500 --count 3"
round "503 with Retry-After"            "* status --p1 503 --p2 1 --count 2"
round "429 with Retry-After 2"          "batches status --p1 429 --p2 2 --count 1"
[ "$elapsed" -ge 2 ] || fail "Retry-After 2 was not honoured (${elapsed}s)"
round "delay every answer"              "* delay --p1 200 --count 8"
round "truncated batch answer"          "batches truncate --count 2"
round "truncated changes page"          "changes truncate --count 1"
round "repeated old answer"             "batches repeat_old --count 2"
round "expired token"                   "* expire_token --count 1"
round "photo upload dropped"            "photos close_before --count 3"
round "photo upload 500"                "photos status --p1 500 --count 2"
cli sync set photo_bundles 0      # single PUTs, several at once
round "single photo uploads dropped"   "photos close_before --count 3"
round "single photo uploads 503"       "photos status --p1 503 --p2 1 --count 2"
cli sync set photo_bundles 1
round "everything at once"              "batches close_after --count 1" "batches repeat_old --count 1" \
                                        "* status --p1 503 --p2 1 --count 1" "photos truncate --count 1" \
                                        "* expire_token --count 1"
