#!/bin/sh
# Batch answers from a hostile server (issue 10, finding 2): an answer that
# names a record not in the batch or a version never sent is refused whole
# (nothing applied, the batch stays queued); a server that answers
# "accepted" and keeps nothing is caught by the ledger reconciliation, which
# queues the lost records again and reports the difference.
. "$(dirname "$0")/lib.sh"
set -f
make_cert; provision; start_server; setup_client
cli sync set max_tries 3
cli sync set batch_records 50

synced() { sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM candidates WHERE synced_version > 0"; }
status_int() { cli sync status --json | sed -n "s/^  \"$1\" : \([0-9]*\),*$/\1/p"; }

offset=0
for kind in answer_other_record answer_other_version; do
  "$SYNC_FILL" add "$T/ws.db" 10 2000 "$offset" || fail "fill"
  offset=$((offset + 10))
  province fault add batches "$kind" --count -1
  if cli sync --once >"$T/sync.out" 2>&1; then fail "$kind: the answer was applied"; fi
  grep -q "does not match the batch" "$T/sync.out" || fail "$kind: no clear message: $(cat "$T/sync.out")"
  [ "$(synced)" = "$((offset - 10))" ] || fail "$kind: $(synced) records marked as synced"
  [ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM sync_batches")" = 1 ] || fail "$kind: the batch left the outbox"
  q=$(status_int queue); s=$(status_int sending)
  [ "$q" = 10 ] || fail "$kind: sync status shows a queue of $q, not 10"
  [ "$s" = 10 ] || fail "$kind: sync status shows $s sending, not 10"
  province fault clear
  sync_until_ok 2
  check_agree
  pass "$kind: answer refused, nothing applied, records stay queued and go later"
done

# A server that answers "accepted" and stores nothing: the reconciliation in
# the same run sees the ledger differ, queues the lost records again and
# sends them; sync status reports the difference.
cli sync set reconcile_interval_s 0
"$SYNC_FILL" add "$T/ws.db" 12 2000 "$offset" || fail "fill"
offset=$((offset + 12))
province fault add batches drop_accepted --count 1
cli sync --once --json >"$T/run.json" 2>>"$T/cli.log" || fail "sync with a dropping server: $(cat "$T/run.json")"
province fault clear
check_agree
cli sync status --json >"$T/status.json"
grep -q '"requeued" : 12' "$T/status.json" || fail "reconcile not reported: $(cat "$T/status.json")"
grep -q '"server_only" : 0' "$T/status.json" || fail "server_only: $(cat "$T/status.json")"
[ "$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM audit_log WHERE action = 'sync_reconcile'")" = 1 ] \
  || fail "no audit entry for the reconciliation"
pass "accepted-but-dropped records found by the ledger, queued again and sent in the same run"

# Records the server loses later (here: deleted behind its back) are caught
# by the next run; nothing is sent when the ledgers agree.
sqlite3 "$T/p.db" "DELETE FROM records WHERE uuid IN (SELECT uuid FROM records ORDER BY uuid LIMIT 3)"
cli sync --once --json >"$T/run.json" 2>>"$T/cli.log" || fail "sync after a loss"
grep -q '"records_sent" : 3' "$T/run.json" || fail "lost records not sent again: $(cat "$T/run.json")"
check_agree
lists=$(grep -c 'GET /api/v1/workstations/[^ ]*/ledger/' "$T/srv.log")
ledgers=$(grep -c 'GET /api/v1/workstations/[^ ]*/ledger ' "$T/srv.log")
cli sync --once --json >"$T/run.json" 2>>"$T/cli.log" || fail "quiet sync"
grep -q '"records_sent" : 0' "$T/run.json" || fail "records sent with agreeing ledgers: $(cat "$T/run.json")"
[ "$(grep -c 'GET /api/v1/workstations/[^ ]*/ledger ' "$T/srv.log")" = $((ledgers + 1)) ] || fail "no ledger asked"
[ "$(grep -c 'GET /api/v1/workstations/[^ ]*/ledger/' "$T/srv.log")" = "$lists" ] \
  || fail "agreeing digests still made the client ask for the lists"
cli sync status --json | grep -q '"requeued" : 0' || fail "agreeing ledgers report a difference"
pass "records the server lost later are found and sent again; agreeing ledgers change nothing"

# The interval: with the default (600 s) a run right after a reconciliation
# does not ask for the ledger again.
cli sync set reconcile_interval_s
sqlite3 "$T/p.db" "DELETE FROM records WHERE uuid IN (SELECT uuid FROM records ORDER BY uuid LIMIT 1)"
cli sync --once --json >"$T/run.json" 2>>"$T/cli.log" || fail "sync within the interval"
grep -q '"records_sent" : 0' "$T/run.json" || fail "ledger asked within the interval: $(cat "$T/run.json")"
pass "reconciliation at most once per interval"
