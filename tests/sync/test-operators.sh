#!/bin/sh
# Operators and log-in through baoming-cli against the development server
# (issue 12): the set-up account logs in offline with the password the
# server verified; the supervisor creates a clerk whose one-time password
# must be replaced; wrong passwords lock; disabled accounts cannot work; and
# a whole day's run (add, photo, print, sync, update, void) leaves no audit
# row without an account or a reserved actor.
. "$(dirname "$0")/lib.sh"
set -f
: "${PHOTO_JPG:?}"
make_cert; provision; start_server
export BAOMING_OPERATOR=admin BAOMING_PASSWORD=admin-pass
BAOMING_PASSWORD=admin-pass cli setup --server "https://127.0.0.1:$PORT" --point 010201 --user admin \
    --ca-file "$T/cert.pem" --pin "$(cat "$T/pin")" >/dev/null || fail "setup as admin"
db=$T/ws.db
q() { sqlite3 "$db" "$1"; }

[ "$(q "SELECT role FROM operators WHERE user = 'admin' AND password_hash LIKE '\$argon2id\$%'")" = supervisor ] \
  || fail "admin (profile role admin) is not a supervisor with an Argon2id hash"
[ "$(q "SELECT COUNT(*) FROM operators WHERE user = 'clerk' AND password_hash IS NULL")" = 1 ] || fail "clerk not created without a password"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%admin-pass%' OR detail LIKE '%clerk-pass%'")" = 0 ] || fail "a password in the audit log"
pass "accounts from the profile; the set-up account keeps its verified password's hash"

expect_rc() {  # expect_rc CODE WHAT COMMAND…
  want=$1 what=$2; shift 2
  if "$@" >"$T/out" 2>"$T/err"; then rc=0; else rc=$?; fi
  [ "$rc" = "$want" ] || fail "$what: exit $rc, wanted $want: $(cat "$T/err")"
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

cand 011
expect_rc 11 "no operator on a real store" env -u BAOMING_OPERATOR -u BAOMING_PASSWORD "$BM_CLI" --db "$db" candidate add --json "$T/c.json"
grep -q "operator" "$T/err" || fail "no sentence for the missing operator"
expect_rc 11 "wrong password" env BAOMING_PASSWORD=wrong-pass "$BM_CLI" --db "$db" candidate add --json "$T/c.json"
grep -q "password is wrong" "$T/err" || fail "no sentence for the wrong password: $(cat "$T/err")"
expect_rc 11 "account without a password" env BAOMING_OPERATOR=clerk "$BM_CLI" --db "$db" candidate add --json "$T/c.json"
head -c 2000 /dev/zero | tr '\0' 'x' >"$T/big-pass"
expect_rc 3 "oversized password file" env -u BAOMING_PASSWORD "$BM_CLI" --db "$db" candidate add --json "$T/c.json" --password-file "$T/big-pass"
printf 'admin-pass\n' >"$T/pass"
expect_rc 0 "password file" env -u BAOMING_PASSWORD "$BM_CLI" --db "$db" candidate add --json "$T/c.json" --password-file "$T/pass"
[ "$(q "SELECT COUNT(*) FROM candidates")" = 1 ] || fail "refused adds wrote records"
pass "no operator, wrong password, no password, oversized file: exit 11/3; a password file works"

# The supervisor gives the clerk a one-time password; the clerk sets their own.
cli operator passwd clerk >"$T/otp.json" || fail "one-time password for clerk"
otp=$(sed -n 's/.*"one_time_password" : "\(.*\)".*/\1/p' "$T/otp.json")
[ ${#otp} = 8 ] || fail "no one-time password: $(cat "$T/otp.json")"
cand 013
expect_rc 11 "one-time password must be replaced" env BAOMING_OPERATOR=clerk BAOMING_PASSWORD="$otp" "$BM_CLI" --db "$db" candidate add --json "$T/c.json"
grep -q "one-time" "$T/err" || fail "no sentence for the one-time password"
BAOMING_OPERATOR=clerk BAOMING_PASSWORD="$otp" BAOMING_NEW_PASSWORD=clerk-own-pass cli operator passwd >/dev/null || fail "clerk sets own password"
export BAOMING_OPERATOR=clerk BAOMING_PASSWORD=clerk-own-pass
expect_rc 11 "a clerk does not add accounts" "$BM_CLI" --db "$db" operator add wangwu --name 王五 --role clerk
pass "one-time password replaced at first log-in; a clerk cannot add accounts"

# A supervisor adds a clerk; five wrong passwords lock it; the supervisor unlocks and disables.
BAOMING_OPERATOR=admin BAOMING_PASSWORD=admin-pass cli operator add wangwu --name 王五 --role clerk >"$T/add.json" || fail "operator add"
grep -q '"one_time_password"' "$T/add.json" || fail "operator add printed no one-time password"
for i in 1 2 3 4 5; do
  expect_rc 11 "wrong password $i" env BAOMING_OPERATOR=wangwu BAOMING_PASSWORD=wrong-pass "$BM_CLI" --db "$db" operator passwd
done
otp=$(sed -n 's/.*"one_time_password" : "\(.*\)".*/\1/p' "$T/add.json")
expect_rc 11 "locked" env BAOMING_OPERATOR=wangwu BAOMING_PASSWORD="$otp" BAOMING_NEW_PASSWORD=wangwu-pass "$BM_CLI" --db "$db" operator passwd
grep -q "locked" "$T/err" || fail "no sentence for the lock: $(cat "$T/err")"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND detail LIKE '%wangwu%'")" -ge 6 ] || fail "failed attempts not audited"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'operator_locked' AND operator = 'system'")" = 1 ] || fail "lock not audited"
expect_rc 11 "a clerk does not unlock" "$BM_CLI" --db "$db" operator unlock wangwu
BAOMING_OPERATOR=admin BAOMING_PASSWORD=admin-pass cli operator unlock wangwu >/dev/null || fail "unlock"
BAOMING_OPERATOR=wangwu BAOMING_PASSWORD="$otp" BAOMING_NEW_PASSWORD=wangwu-pass cli operator passwd >/dev/null || fail "wangwu after unlock"
BAOMING_OPERATOR=admin BAOMING_PASSWORD=admin-pass cli operator disable wangwu >/dev/null || fail "disable"
expect_rc 11 "disabled account" env BAOMING_OPERATOR=wangwu BAOMING_PASSWORD=wangwu-pass "$BM_CLI" --db "$db" candidate add --json "$T/c.json"
cli operator list >"$T/list.json" || fail "operator list"
grep -q '"user" : "wangwu"' "$T/list.json" && ! grep -q 'argon2' "$T/list.json" || fail "operator list: $(cat "$T/list.json")"
pass "lock after five wrong passwords (audited), supervisor unlock, disabled account refused"

# A day at the counter as the clerk.
cli candidate add --json "$T/c.json" >"$T/add1.json" || fail "add"
n1=$(sed -n 's/.*"number" : "\([0-9]*\)".*/\1/p' "$T/add1.json" | head -n 1)
cli photo import "$PHOTO_JPG" --number "$n1" >/dev/null || fail "photo import"
cli print login-cards --pdf "$T/cards.pdf" --numbers "$n1" >/dev/null || fail "print login card"
sync_until_ok 3
printf '{"comment":"该生品行端正。"}' >"$T/upd.json"
cli candidate update "$n1" --json "$T/upd.json" >/dev/null || fail "update"
first=$(q "SELECT number FROM candidates ORDER BY id LIMIT 1")
BAOMING_OPERATOR=admin BAOMING_PASSWORD=admin-pass cli candidate void "$first" --reason "重复登记" >/dev/null || fail "void"
sync_until_ok 3
bad=$(q "SELECT COUNT(*) FROM audit_log WHERE operator IS NULL OR (operator NOT IN ('province', 'system')
         AND operator NOT IN (SELECT user FROM operators))")
[ "$bad" = 0 ] || fail "$bad audit rows without an operator: $(q "SELECT id, operator, action FROM audit_log")"
for a in add photo update void; do
  [ "$(q "SELECT COUNT(*) FROM audit_log WHERE action = '$a' AND operator IN (SELECT user FROM operators)")" -ge 1 ] \
    || fail "no '$a' row by an account: $(q "SELECT id, operator, action FROM audit_log")"
done
[ "$(q "SELECT operator FROM audit_log WHERE action = 'update'")" = clerk ] || fail "update not by the clerk"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE operator = 'province'")" -ge 1 ] || fail "no province rows after sync"
cli audit verify >/dev/null || fail "audit chain"
pass "a day's run (add, photo, print, sync, update, void): every audit row has an account or a reserved actor"
