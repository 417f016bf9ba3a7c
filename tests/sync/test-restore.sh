#!/bin/sh
# Restore from a backup against the development server (issue 14,
# docs/backup.md): numbers issued after the backup were synced; the
# restored station holds numbering, and its first sync continues after the
# server's last number (protocol 1.5, ledger last_number), so no number is
# issued twice; a 科类 the server knows nothing of stays held until the
# supervisor types the last printed number.
. "$(dirname "$0")/lib.sh"
make_cert; provision; start_server; setup_client
printf 'admin-pass\n' >"$T/admin.pw"
"$SYNC_FILL" add "$T/ws.db" 2 0 || fail "fill"          # one 科类 1, one 科类 5
cli sync --once >/dev/null || fail "first sync"
mkdir "$T/usb"
cli backup now --to "$T/usb" --operator admin --password-file "$T/admin.pw" --json >"$T/b.json" || fail "backup"
code=$(sed -n 's/^  "recovery_code" : "\(.*\)",*$/\1/p' "$T/b.json")
[ -n "$code" ] || fail "no recovery code"
backup=$(sed -n 's/^  "file" : "\(.*\)",*$/\1/p' "$T/b.json")
# after the backup: six more (three per 科类), synced
"$SYNC_FILL" add "$T/ws.db" 6 0 2 || fail "fill after backup"
cli sync --once >/dev/null || fail "second sync"
last5=$(sqlite3 "$T/p.db" "SELECT max(number) FROM records WHERE json_extract(record, '$.category') = '5'")
last1=$(sqlite3 "$T/p.db" "SELECT max(number) FROM records WHERE json_extract(record, '$.category') = '1'")

# the station dies; a new one is restored from the stick
BAOMING_RECOVERY_CODE=$code cli backup restore "$backup" --to "$T/new" --json >"$T/r.json" || fail "restore"
export WS_DB="$T/new/baoming.db"
grep -q '"audit_ok" : true' "$T/r.json" || fail "restored audit not ok"
cli audit verify >/dev/null || fail "audit verify on the restored store"
held=$(sqlite3 "$WS_DB" "SELECT COUNT(*) FROM numbering_holds")
[ "$held" = 2 ] || fail "restored store holds $held 科类, not 2"
pass "restored store holds numbering in every 科类"

# the server tells where to continue
cli sync --once >/dev/null || fail "sync of the restored store"
held=$(sqlite3 "$WS_DB" "SELECT group_concat(category) FROM numbering_holds")
[ -z "$held" ] || fail "still held after the server's answer: $held"
n=$(sqlite3 "$WS_DB" "SELECT COUNT(*) FROM audit_log WHERE action = 'numbering_resume' AND operator = 'province'")
[ "$n" = 2 ] || fail "$n numbering_resume entries by the province"
next5=$(sqlite3 "$WS_DB" "SELECT printf('%s%04d', (SELECT county_code FROM point), min(next_serial)) FROM number_slices
                          WHERE category = '5' AND next_serial <= last_serial")
[ "$next5" \> "$last5" ] || fail "科类 5 continues at $next5, not after the server's $last5"
next1=$(sqlite3 "$WS_DB" "SELECT printf('%s%04d', (SELECT county_code FROM point), min(next_serial)) FROM number_slices
                          WHERE category = '1' AND next_serial <= last_serial")
[ "$next1" \> "$last1" ] || fail "科类 1 continues at $next1, not after $last1"
"$SYNC_FILL" add "$WS_DB" 2 0 40 || fail "fill on the restored store"
cli sync --once >/dev/null || fail "sync of new records"
dup=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM (SELECT number FROM records GROUP BY number HAVING COUNT(*) > 1)")
[ "$dup" = 0 ] || fail "a number was issued twice"
pass "the server's last number continues numbering; no number twice"
