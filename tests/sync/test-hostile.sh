#!/bin/sh
# A hostile or broken provincial server (issue 10, findings 5 and 3): a
# Retry-After of a day, a slow-loris answer, silence, a changes feed that
# never ends, an answer nested 100,000 deep, a record the server refuses
# even alone. Each run must end within a bound far below the old behaviour
# (16–29 min), say in its JSON and in `sync status` what the server did, and
# lose nothing: the records are still queued or on the server.
. "$(dirname "$0")/lib.sh"
set -f   # fault endpoints may be "*"
make_cert; provision; start_server; setup_client
# Small caps, so each bound is seconds (defaults: docs/cli.md).
cli sync set max_tries 4
cli sync set max_wait_s 2
cli sync set low_speed_bytes 100
cli sync set low_speed_s 2
cli sync set max_stalls 2
cli sync set run_timeout_s 30
cli sync set max_change_pages 5

offset=0
fill() {
  "$SYNC_FILL" add "$T/ws.db" "$1" 1000 "$offset" || fail "fill"
  offset=$((offset + $1))
}
# jval FILE KEY: a top-level value of pretty-printed JSON, quotes removed.
jval() { sed -n "s/^  \"$2\" : \(.*\)$/\1/p" "$1" | sed 's/,$//; s/^"//; s/"$//'; }
# run_once NAME: sync --once --json into $T/NAME.json; sets rc and elapsed.
run_once() {
  start=$(date +%s)
  set +e
  cli sync --once --json >"$T/$1.json" 2>>"$T/cli.log"
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  cli sync status --json >"$T/$1-status.json" || fail "$1: status"
}
expect() {  # expect NAME RC KIND MAX_SECONDS
  [ "$rc" -lt 128 ] || fail "$1: sync crashed (exit $rc)"
  [ "$rc" = "$2" ] || fail "$1: exit $rc, expected $2: $(cat "$T/$1.json")"
  [ "$elapsed" -le "$4" ] || fail "$1: run took ${elapsed}s (bound $4 s)"
  [ "$(jval "$T/$1.json" error_kind)" = "$3" ] || fail "$1: error_kind: $(cat "$T/$1.json")"
  [ "$(jval "$T/$1-status.json" last_error_kind)" = "$3" ] || fail "$1: status: $(cat "$T/$1-status.json")"
  [ -n "$(jval "$T/$1-status.json" last_error)" ] || fail "$1: no sentence for the clerk"
}
# Nothing lost: every record is queued, waiting in a stored batch, or held
# by the server at its version.
nothing_lost() {
  n=$(sqlite3 "$T/ws.db" "ATTACH '$T/p.db' AS s; SELECT COUNT(*) FROM candidates c
        WHERE c.version > c.synced_version
           OR EXISTS (SELECT 1 FROM s.records r WHERE r.uuid = c.uuid AND r.version = c.version)")
  all=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM candidates")
  [ "$n" = "$all" ] || fail "$1: $((all - n)) of $all records neither queued nor on the server"
}
recover() {
  province fault clear
  sync_until_ok 3
  check_agree
}
requests() { grep -c "$1" "$T/srv.log" || true; }

# 1. Retry-After: 86400 on every batch. Before: obeyed (capped at an hour
#    per try, 8 tries). Now: the run stops at once and says what was asked.
fill 20
province fault add batches status --p1 503 --p2 86400 --count -1
run_once retry
expect retry 8 retry_after_capped 10
[ "$(jval "$T/retry.json" retry_after_s)" = 86400 ] || fail "retry_after_s: $(cat "$T/retry.json")"
[ "$(jval "$T/retry-status.json" last_retry_after_s)" = 86400 ] || fail "status retry: $(cat "$T/retry-status.json")"
[ "$(jval "$T/retry-status.json" last_error_code)" = busy ] || fail "retry: last_error_code"
grep -q '86400' "$T/retry-status.json" || fail "the sentence does not say what the server asked"
[ "$(jval "$T/retry-status.json" queue)" = 20 ] || fail "retry: queue is not 20"
nothing_lost retry
recover
pass "Retry-After 86400: run stopped in ${elapsed}s, retry_after_capped, queue kept"

# 2. Slow-loris: every batch answer at 1 byte/s. Before: 1 byte/s met the
#    old low-speed limit of 1 byte/s, so one run lasted 29 min.
fill 20
province fault add batches slow --p1 1000 --count -1
run_once slow
# curl averages speed over ~5 s, so a stall shows after about 5 s + low_speed_s.
expect slow 8 server_stalled 30
nothing_lost slow
recover
pass "slow-loris: run ended in ${elapsed}s, server_stalled, nothing lost"

# 3. Silence: the server takes every batch and never answers.
fill 20
province fault add batches silent --p1 120 --count -1
run_once silent
expect silent 8 server_silent 30
[ "$(jval "$T/silent-status.json" queue)" = 20 ] || fail "silent: queue is not 20"
nothing_lost silent
recover
pass "silence: run ended in ${elapsed}s, server_silent, queue kept"

# 4. The whole run has a deadline: 503 with Retry-After 1 for ever would be
#    40 tries; run_timeout_s 4 ends it.
cli sync set max_tries 40
cli sync set run_timeout_s 4
fill 10
province fault add batches status --p1 503 --p2 1 --count -1
run_once deadline
expect deadline 8 run_deadline 8
nothing_lost deadline
cli sync set max_tries 4
cli sync set run_timeout_s 30
recover
pass "run deadline: stopped after ${elapsed}s, run_deadline"

# 5. Changes feed that never ends. Before: a garbled page was asked for
#    again up to 1,000 times in one run. The records go up first either way.
fill 10
province fault add changes endless --p1 2 --count -1
before=$(requests "GET /api/v1/changes")
run_once garbled
expect garbled 1 changes_feed_garbled 15
got=$(( $(requests "GET /api/v1/changes") - before ))
[ "$got" -le 4 ] || fail "garbled feed asked $got times (max_tries 4)"
nothing_lost garbled
[ "$(jval "$T/garbled-status.json" queue)" = 0 ] || fail "garbled: records not sent"
province fault clear
province fault add changes endless --p1 0 --count -1
before=$(requests "GET /api/v1/changes")
run_once stuck
expect stuck 1 changes_feed_stuck 10
got=$(( $(requests "GET /api/v1/changes") - before ))
[ "$got" -le 2 ] || fail "a feed whose cursor does not move was asked $got times"
province fault clear
cur=$(sqlite3 "$T/ws.db" "SELECT value FROM meta WHERE key = 'sync.cursor'")
province fault add changes endless --p1 1 --count -1
before=$(requests "GET /api/v1/changes")
run_once endless
expect endless 1 changes_feed_endless 10
got=$(( $(requests "GET /api/v1/changes") - before ))
[ "$got" -le 5 ] || fail "an endless feed was asked $got times (max_change_pages 5)"
province fault clear
# (the endless mode moved the cursor past the real feed: put it back)
sqlite3 "$T/ws.db" "UPDATE meta SET value = '$cur' WHERE key = 'sync.cursor'"
recover
pass "changes feed: garbled, stuck and endless each bounded, records sent"

# 6. A record the server refuses even alone (413 for any batch holding it).
#    Before: every batch behind it waited, "update the program", no problem
#    listed. Now: set aside with its reason, the rest goes on.
fill 30
big=$(sqlite3 "$T/ws.db" "SELECT number FROM candidates WHERE version > synced_version ORDER BY id LIMIT 1 OFFSET 4")
province fault add batches record_too_large --p1 "$(echo "$big" | sed 's/^0*//')" --p2 8 --count -1
run_once big
[ "$rc" = 0 ] || fail "big: exit $rc: $(cat "$T/big.json")"
[ "$elapsed" -le 20 ] || fail "big: ${elapsed}s"
[ "$(jval "$T/big.json" set_aside)" = 1 ] || fail "big: set_aside: $(cat "$T/big.json")"
[ "$(jval "$T/big.json" records_sent)" -ge 29 ] || fail "big: the rest was not sent: $(cat "$T/big.json")"
[ "$(jval "$T/big-status.json" queue)" = 0 ] || fail "big: queue not 0: $(cat "$T/big-status.json")"
[ "$(jval "$T/big-status.json" rejected)" = 1 ] || fail "big: not 1 rejected"
held=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM records WHERE number = '$big'")
[ "$held" = 0 ] || fail "big: the server holds the refused record"
missing=$(sqlite3 "$T/ws.db" "ATTACH '$T/p.db' AS s; SELECT COUNT(*) FROM candidates c
        WHERE c.number != '$big' AND NOT EXISTS (SELECT 1 FROM s.records r WHERE r.uuid = c.uuid)")
[ "$missing" = 0 ] || fail "big: $missing other records not on the server"
grep -A4 "\"number\" : \"$big\"" "$T/big-status.json" | grep -q '"code" : "too_large"' \
  || fail "big: not on the problems list as too_large: $(cat "$T/big-status.json")"
grep -A6 "\"number\" : \"$big\"" "$T/big-status.json" | grep -q 'too large' \
  || fail "big: the problem does not say why"
# Not resent automatically.
before=$(requests "POST /api/v1/batches -> 413")
run_once again
[ "$rc" = 0 ] || fail "again: exit $rc"
[ "$(jval "$T/again.json" records_sent)" = 0 ] || fail "the set-aside record was sent again"
[ "$(requests "POST /api/v1/batches -> 413")" = "$before" ] || fail "another 413 after the set-aside"
# Changed by the clerk (and the server's limit gone), it goes again.
province fault clear
printf '{"comment":"照片已压缩"}' >"$T/upd.json"
cli candidate update "$big" --json "$T/upd.json" >/dev/null || fail "edit the big record"
sync_until_ok 1
check_agree
pass "record too large alone: set aside with its reason in ${elapsed}s, the rest accepted, sent again once changed"

# 7. An answer nested 100,000 deep (200 KB): no crash, a clear error.
#    NOTE: this needs the depth-safe JSON input of the JSON-limits work
#    (src/core/bm-json-input.c, used by bm-sync-message.c). Without it
#    json-glib recurses and the client dies of a stack overflow (exit 139),
#    so the step runs only once that module is in the tree; after the merge
#    it is always enforced.
if [ ! -f "$(dirname "$MKCERT")/../../src/core/bm-json-input.c" ]; then
  echo "ok - # SKIP answer nested 100,000 deep: needs src/core/bm-json-input.c (JSON-limits branch)"
  exit 0
fi
fill 5
province fault add changes deep --count -1
run_once deep
[ "$rc" -lt 128 ] || fail "deep: sync crashed (exit $rc) — needs the depth-safe JSON input (bm-json-input)"
[ "$rc" = 1 ] || fail "deep: exit $rc: $(cat "$T/deep.json")"
[ "$elapsed" -le 15 ] || fail "deep: ${elapsed}s"
[ "$(jval "$T/deep.json" error_code)" = protocol ] || fail "deep: $(cat "$T/deep.json")"
[ -n "$(jval "$T/deep-status.json" last_error)" ] || fail "deep: no sentence"
nothing_lost deep
recover
pass "answer nested 100,000 deep: clear error in ${elapsed}s, no crash"
