#!/bin/sh
# The lifecycle against the development server (docs/lifecycle.md): online
# fields from the server are the province's event; a county decision for a
# record that is not submitted is recorded and moves nothing; a phone
# confirmation (seed 四) goes up with the record so the county sees it.
. "$(dirname "$0")/lib.sh"
make_cert; provision; start_server; setup_client
"$SYNC_FILL" add "$T/ws.db" 2 3000 || fail "fill"
a=$(sqlite3 "$T/ws.db" 'SELECT number FROM candidates ORDER BY number LIMIT 1')
# the point supervisor "admin" came with the profile; its first log-in on
# this desk is checked by the server
printf 'admin-pass\n' >"$T/admin.pw"
cli sync --once >/dev/null || fail "first sync"
before=$(sqlite3 "$T/ws.db" "SELECT state FROM candidates WHERE number = '$a'")

province fill --record "$a" --fields '{"phone":"13800000000"}' || fail "fill online"
province review --record "$a" --decision approved || fail "review"
cli sync --once >/dev/null || fail "second sync"
[ "$(sqlite3 "$T/ws.db" "SELECT state FROM candidates WHERE number = '$a'")" = "$before" ] \
  || fail "a county decision moved a record that was not submitted"
[ "$(sqlite3 "$T/ws.db" "SELECT county_decision FROM sync_records s JOIN candidates c ON c.uuid = s.candidate_uuid
                         WHERE c.number = '$a'")" = approved ] || fail "decision not recorded"
[ -n "$(sqlite3 "$T/ws.db" "SELECT online_pulled_at FROM candidates WHERE number = '$a'")" ] \
  || fail "online fields not recorded as arrived"
n=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM audit_log WHERE action = 'sync_online_fields'
                        AND json_extract (detail, '\$.event') = 'online_fields_pulled'")
[ "$n" = 1 ] || fail "online fields event audited $n times"
pass "server changes are the province's events; a decision before submission moves nothing"

# the CLI cannot set a county state
rc=0; cli candidate correct-state "$a" county_reviewed --reason "试" --operator admin --password-file "$T/admin.pw" >/dev/null 2>&1 || rc=$?
[ "$rc" = 5 ] || fail "correction into county_reviewed not refused ($rc)"
rc=0; cli candidate state "$a" submitted >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "candidate state still exists ($rc)"

cli candidate correct-state "$a" proof_printed --reason "考生受灾无法到场，纸质校对表已打印" --operator admin --password-file "$T/admin.pw" \
  || fail "correction"
cli candidate confirm-phone "$a" --phone 0731-84000000 --approved-by admin --operator admin --password-file "$T/admin.pw" || fail "phone confirmation"
cli sync --once >/dev/null || fail "third sync"
province dump --records >"$T/dump.json" || fail "dump"
for pair in 'confirmation_method.{1,8}phone' 'confirmation_phone.{1,8}0731-84000000' \
            'confirmation_approved_by.{1,8}admin' 'state.{1,8}signed'; do
  grep -Eq "$pair" "$T/dump.json" || fail "server record lacks $pair"
done
check_agree
pass "phone confirmation sent with the record"
