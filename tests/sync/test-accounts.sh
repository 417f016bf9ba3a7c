#!/bin/sh
# Accounts follow the point profile (issue 12, H-ops): an account the
# county brought that a later profile version no longer lists is disabled
# at the next sync (not deleted: its audit history keeps pointing at it)
# and cannot log in (exit 11); an account the supervisor created on the
# station is left alone; a version that lists the account again enables
# it. Profiles are modified copies of point-0102.json in $T.
. "$(dirname "$0")/lib.sh"
set -f
make_cert; provision; start_server
setup_client --slice-size 100
printf 'admin-pass\n' >"$T/admin.pw"
printf 'clerk-pass\n' >"$T/clerk.pw"

q() { sqlite3 "$T/ws.db" "$1"; }
spec() {
  sqlite3 :memory: "WITH s(X) AS (SELECT CAST(readfile('$POINT_JSON') AS TEXT)) SELECT $2 FROM s" >"$T/$1.json" \
    || fail "spec $1"
  [ -s "$T/$1.json" ] || fail "spec $1 empty"
}
id() {
  python3 -c "import sys
w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]; s=sys.argv[1]
print(s+'10X98765432'[sum(int(a)*b for a,b in zip(s,w))%11])" "$1"
}
cand() {
  printf '{"id_type":"resident_card","id_number":"%s","name":"测试考生","sex":"1","nation":"01","birth_date":"2008-07-08","address":"湖南省长沙市","category":"1"}' \
    "$(id "43010220080708$1")" >"$T/c.json"
}
as_clerk() { cli candidate add --json "$T/c.json" --operator clerk --password-file "$T/clerk.pw"; }

# 0. The clerk (who set the desk up) works; the supervisor (first log-in
#    checked by the server) creates a station account.
cand 101
as_clerk >"$T/rc.out" 2>&1 || fail "the clerk cannot add: $(cat "$T/rc.out")"
cli operator add local --name 本地 --role clerk --operator admin --password-file "$T/admin.pw" >"$T/add.json" \
  || fail "operator add: $(cat "$T/add.json")"
[ "$(q "SELECT group_concat(user || ':' || enabled, ' ') FROM (SELECT * FROM operators ORDER BY user)")" = "admin:1 clerk:1 local:1" ] \
  || fail "accounts before: $(q "SELECT user, enabled FROM operators")"
sync_until_ok
pass "set-up accounts and a station account"

# 1. Version 2 drops the clerk: disabled at the next sync, audited as the
#    province's, the row kept; the clerk's log-in is refused with exit 11.
spec v2 "json_remove(X, '\$.operators[0]')"
province provision "$T/v2.json" || fail "provision v2"
sync_until_ok
[ "$(q "SELECT group_concat(user || ':' || enabled, ' ') FROM (SELECT * FROM operators ORDER BY user)")" = "admin:1 clerk:0 local:1" ] \
  || fail "accounts after v2: $(q "SELECT user, enabled FROM operators")"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_disable' AND operator = 'province'
        AND json_extract(detail, '\$.user') = 'clerk' AND json_extract(detail, '\$.reason') = 'not_in_profile'")" = 1 ] \
  || fail "disabling not audited"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE operator = 'clerk'")" -ge 1 ] || fail "the clerk's history is gone"
cand 113
rc=0; as_clerk >"$T/rc.out" 2>&1 || rc=$?
[ $rc = 11 ] || fail "a dropped account logged in (exit $rc): $(cat "$T/rc.out")"
[ "$(q "SELECT COUNT(*) FROM candidates")" = 1 ] || fail "a dropped account added a record"
pass "an account the new profile no longer lists is disabled, audited, kept, refused with exit 11"

# 2. Version 3 lists it again: enabled again, the log-in works.
spec v3 "json_set(X, '\$.point.name', X ->> '\$.point.name')"
province provision "$T/v3.json" || fail "provision v3"
sync_until_ok
[ "$(q "SELECT group_concat(user || ':' || enabled, ' ') FROM (SELECT * FROM operators ORDER BY user)")" = "admin:1 clerk:1 local:1" ] \
  || fail "accounts after v3: $(q "SELECT user, enabled FROM operators")"
as_clerk >"$T/rc.out" 2>&1 || fail "the clerk listed again cannot add: $(cat "$T/rc.out")"
pass "listed again: enabled again; the station's own account was never touched"
