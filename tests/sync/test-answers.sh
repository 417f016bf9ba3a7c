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
