#!/bin/sh
# Happy path: set-up from the server, 500 records with 30 KB photos up,
# candidate data and county decisions down, proof-sheet fields updated.
. "$(dirname "$0")/lib.sh"
make_cert; provision; start_server; setup_client
"$SYNC_FILL" add "$T/ws.db" 500 30000 || fail "fill"
cli sync --once --json >"$T/run1.json" || { cat "$T/run1.json"; fail "first sync"; }
grep -q '"records_sent" : 500' "$T/run1.json" || fail "not 500 records sent: $(cat "$T/run1.json")"
grep -q '"photos_uploaded" : 500' "$T/run1.json" || fail "not 500 photos"
check_agree
pass "500 records and photos up, server and client agree"

province fill --all --fields '{"phone":"13800000000","school":"长沙市一中","political_status":"03","foreign_language":"1"}' || fail "fill online"
province review --all --decision approved || fail "review"
province review --record "$(sqlite3 "$T/ws.db" 'SELECT number FROM candidates ORDER BY number LIMIT 1')" \
    --decision returned --reason "照片不合格" || fail "return"
cli sync --once --json >"$T/run2.json" || fail "second sync"
grep -q '"changes_applied" : 1001' "$T/run2.json" || fail "changes: $(cat "$T/run2.json")"
n=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM candidates WHERE phone = '13800000000' AND school = '长沙市一中'
                        AND political_status = '03' AND online_fields LIKE '%foreign_language%'")
[ "$n" = 500 ] || fail "online fields applied to $n records"
n=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM sync_records WHERE county_decision = 'approved'")
[ "$n" = 499 ] || fail "county approval on $n records"
cli sync status --json | grep -q '"code" : "returned"' || fail "returned record not listed"
n=$(sqlite3 "$T/ws.db" "SELECT COUNT(*) FROM audit_log WHERE action IN ('sync_online_fields', 'sync_review', 'sync_returned')")
[ "$n" = 1001 ] || fail "audit has $n sync entries"
cli audit verify >/dev/null || fail "audit chain"
# Changes are not applied twice: nothing new on the next run.
cli sync --once --json >"$T/run3.json" || fail "third sync"
grep -q '"changes_applied" : 0' "$T/run3.json" || fail "changes re-applied"
check_agree
pass "online fields and county decisions applied through the audit log"

# Deadlines come with the profile; a re-provisioned point is pulled again.
cli sync status --json | grep -q '"registration_closes" : "2099-11-08T10:00:00Z"' || fail "no deadlines in status"
sed 's/2099-11-08T10:00:00Z/2099-11-09T10:00:00Z/' "$POINT_JSON" >"$T/point2.json"
province provision "$T/point2.json" || fail "re-provision"
cli sync --once >/dev/null || fail "sync after profile change"
cli sync status --json | grep -q '"registration_closes" : "2099-11-09T10:00:00Z"' || fail "new profile not pulled"
[ "$(sqlite3 "$T/ws.db" "SELECT value FROM meta WHERE key = 'sync.profile_version'")" = 2 ] || fail "profile version"
pass "profile changes pulled (deadlines in the status)"
