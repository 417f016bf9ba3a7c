#!/bin/sh
# Record-level outcomes: a rejected record (same ID number on another
# workstation) with the reason naming the other record, a conflict between a
# local edit and the county's change (shown, not overwritten, then resolved),
# and a 413 that makes the client split its batches.
. "$(dirname "$0")/lib.sh"
set -f
make_cert; provision; start_server
setup_client
"$SYNC_FILL" add "$T/ws.db" 20 2000 0 || fail "fill 1"
sync_until_ok 1
check_agree

# Second workstation of the same point registers the same people again.
WS_DB=$T/ws2.db setup_client
WS_DB=$T/ws2.db "$SYNC_FILL" add "$T/ws2.db" 3 2000 0 || fail "fill 2"
WS_DB=$T/ws2.db cli sync --once --json >"$T/ws2.json" || fail "ws2 sync"
first=$(sqlite3 "$T/ws.db" "SELECT number FROM candidates ORDER BY id LIMIT 1")
WS_DB=$T/ws2.db cli sync status --json >"$T/ws2-status.json"
grep -q '"rejected" : 3' "$T/ws2-status.json" || fail "ws2 not 3 rejected: $(cat "$T/ws2-status.json")"
grep -q '"code" : "duplicate_id_number"' "$T/ws2-status.json" || fail "no duplicate_id_number"
grep -q "already registered as $first" "$T/ws2-status.json" || fail "reason does not name $first"
n=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM records")
[ "$n" = 20 ] || fail "server holds $n records"
pass "duplicate ID number rejected, naming the other record ($first)"
# The rejected records are not sent again until changed.
WS_DB=$T/ws2.db cli sync --once --json | grep -q '"records_sent" : 0' || fail "rejected records resent"
pass "rejected records wait for a change"

# Conflict: the clerk edits while the county returns the record.
num=$(sqlite3 "$T/ws.db" "SELECT number FROM candidates ORDER BY id LIMIT 1 OFFSET 1")
printf '{"comment":"本地修改"}' >"$T/upd.json"
cli candidate update "$num" --json "$T/upd.json" >/dev/null || fail "local edit"
province review --record "$num" --decision returned --reason "照片不合格" || fail "county return"
sync_until_ok 1
cli sync status --json >"$T/status.json"
grep -q '"conflicts" : 1' "$T/status.json" || fail "no conflict: $(cat "$T/status.json")"
[ "$(sqlite3 "$T/ws.db" "SELECT comment FROM candidates WHERE number = '$num'")" = "本地修改" ] || fail "local edit overwritten"
v=$(sqlite3 "$T/p.db" "SELECT version FROM records WHERE number = '$num'")
[ "$v" = 1 ] || fail "server took the conflicting version ($v)"
pass "local edit crossing a county change is a conflict, nothing overwritten"
cli sync resolve "$num" --keep-local || fail "resolve"
sync_until_ok 1
check_agree
[ "$(sqlite3 "$T/p.db" "SELECT json_extract(record, '$.comment') FROM records WHERE number = '$num'")" = "本地修改" ] \
  || fail "resolved record not on the server"
pass "conflict resolved by the clerk and sent"

# 413: the server takes at most 7 records per batch; the client splits.
province fault add batches limit --p1 7 --count -1
cli sync set batch_records 50
"$SYNC_FILL" add "$T/ws.db" 60 1000 100 || fail "fill 3"
cli sync --once --json >"$T/split.json" || fail "split sync: $(cat "$T/split.json")"
grep -q '"records_sent" : 60' "$T/split.json" || fail "not all sent: $(cat "$T/split.json")"
check_agree
pass "413 split into smaller batches"
