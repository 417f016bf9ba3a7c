#!/bin/sh
# Issue 14, the outage hand-over against the development server over
# HTTPS: station keys (file mode, stable, registered with the province,
# profile keys kept), a signed and encrypted export package of a few
# hundred records with photos, `package verify` with and without the
# county key, the county's import and its signed receipt, `package receipt`
# marking records as a network acceptance would, the same package twice,
# a record sent both ways applied once, and every tamper case refused with
# its own code and message (docs/package.md).
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || fail "missing tool: python3"
js() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
q() { sqlite3 "$T/ws.db" "$1"; }
pq() { sqlite3 "$T/p.db" "$1"; }
county() { "$BM_CLI" "$@"; }   # the county's machine: no store
admin() { BAOMING_OPERATOR=admin BAOMING_PASSWORD=admin-pass cli "$@"; }
# refused CODE CMD...: exit 13 with that error_code in the JSON answer.
refused() {
  want=$1; shift
  rc=0; "$@" --json >"$T/r.json" 2>"$T/r.err" || rc=$?
  [ $rc = 13 ] || fail "expected refusal $want, exit $rc: $(cat "$T/r.json" "$T/r.err")"
  [ "$(js "$T/r.json" "d['error_code']")" = "$want" ] || fail "expected $want: $(cat "$T/r.json")"
}
# import_refused CODE PACKAGE [args]: the development server refuses it, nothing applied.
import_refused() {
  want=$1; pkg=$2; shift 2
  before=$(pq "SELECT COUNT(*) || '/' || COALESCE(SUM(accepted_count),0) FROM records")
  rc=0; province import "$pkg" --receipt "$T/bad-receipt.json" "$@" 2>"$T/imp.err" || rc=$?
  [ $rc = 1 ] || fail "import of a $want package: exit $rc"
  grep -q "^bm-province: $want: " "$T/imp.err" || fail "import error is not $want: $(cat "$T/imp.err")"
  [ "$(pq "SELECT COUNT(*) || '/' || COALESCE(SUM(accepted_count),0) FROM records")" = "$before" ] \
    || fail "a refused $want package changed the server"
  [ ! -e "$T/bad-receipt.json" ] || fail "a receipt for a refused package"
}

make_cert; provision; start_server
export BAOMING_OPERATOR=admin BAOMING_PASSWORD=admin-pass
BAOMING_PASSWORD=admin-pass cli setup --server "https://127.0.0.1:$PORT" --point 010201 --user admin \
    --ca-file "$T/cert.pem" --pin "$(cat "$T/pin")" >/dev/null || fail "setup"
cli sync set backoff_ms 20 && cli sync set max_tries 40

# 1. Keys: made at set-up, mode 0600, registered, the profile's keys kept.
KEY="$T/ws.db.station-key"
[ -f "$KEY" ] || fail "no station key after set-up"
[ "$(stat -c %a "$KEY")" = 600 ] || fail "key file mode $(stat -c %a "$KEY")"
PK=$(sed -n 's/^public //p' "$KEY")
SK=$(sed -n 's/^secret //p' "$KEY")
[ ${#PK} = 64 ] && [ ${#SK} = 128 ] || fail "key file format"
grep -q "^training 0$" "$KEY" || fail "real key not marked real"
[ "$(pq "SELECT public_key FROM station_keys WHERE workstation_id = (SELECT id FROM workstations)")" = "$PK" ] \
  || fail "public key not registered with the province"
province key county-public "$T/county.pub" && province key province-public "$T/province.pub" \
  && province key county-secret "$T/county.key" || fail "server keys"
[ "$(q "SELECT value FROM meta WHERE key = 'sync.county_public_key'")" = "$(cat "$T/county.pub")" ] \
  || fail "county key from the profile not kept"
[ "$(q "SELECT value FROM meta WHERE key = 'sync.province_public_key'")" = "$(cat "$T/province.pub")" ] \
  || fail "province key from the profile not kept"
pass "station key made at set-up (0600), registered with the province; profile keys kept"

# Records: some sent by network first (they go both ways), then more, offline.
"$SYNC_FILL" add "$T/ws.db" 60 3000 || fail "fill"
sync_until_ok 1
check_agree
"$SYNC_FILL" add "$T/ws.db" 240 3000 1000 || fail "fill 2"
N=$(q "SELECT COUNT(*) FROM candidates")
[ "$N" = 300 ] || fail "$N records"
mkdir -p "$T/stick"

# 2. Only a supervisor exports.
rc=0; BAOMING_OPERATOR=clerk BAOMING_PASSWORD=clerk-pass cli export --to "$T/stick" >/dev/null 2>&1 || rc=$?
[ $rc = 11 ] || fail "clerk export exit $rc"
[ -z "$(ls -A "$T/stick")" ] || fail "clerk export left a file"
pass "a clerk may not export"

# 3. Export, verify without and with the county key.
admin export --to "$T/stick" --json >"$T/e1.json" || fail "export: $(cat "$T/e1.json")"
P1=$(js "$T/e1.json" "d['file']"); ID1=$(js "$T/e1.json" "d['manifest']['package_id']")
[ -f "$P1" ] || fail "no package file"
[ "$(stat -c %a "$P1")" = 600 ] || fail "package mode $(stat -c %a "$P1")"
[ "$(ls -A "$T/stick" | grep -c '^\.')" = 0 ] || fail "temporary file left behind"
[ "$(js "$T/e1.json" "d['manifest']['records'], d['manifest']['photos'], d['manifest']['training'], d['manifest']['sequence'], d['manifest']['previous_package_id'], d['manifest']['station_public_key'] == '$PK', d['manifest']['point_code']")" \
  = "(300, 300, False, 1, None, True, '010201')" ] || fail "manifest: $(cat "$T/e1.json")"
[ "$(js "$T/e1.json" "sum(c['count'] for c in d['manifest']['categories'])")" = 300 ] || fail "per-category counts"
[ "$(js "$T/e1.json" "d['manifest']['number_range']['first'] == '$(q "SELECT MIN(number) FROM candidates")' and d['manifest']['number_range']['last'] == '$(q "SELECT MAX(number) FROM candidates")'")" = True ] \
  || fail "number range"
[ "$(js "$T/e1.json" "d['manifest']['audit_head']")" = "$(q "SELECT hash FROM audit_log WHERE action != 'package_export' ORDER BY id DESC LIMIT 1")" ] \
  || fail "audit head"
# Nothing readable past the manifest: no name, no ID number, no secret key.
name=$(q "SELECT name FROM candidates LIMIT 1")
grep -q "$name" "$P1" && fail "a name readable in the package"
grep -q "$SK" "$P1" "$T/ws.db" && fail "the secret key leaked"
county package verify "$P1" --json >"$T/v1.json" || fail "verify: $(cat "$T/v1.json")"
[ "$(js "$T/v1.json" "d['ok'], d['decrypted'], d['manifest']['package_id'] == '$ID1'")" = "(True, False, True)" ] || fail "verify answer"
county package verify "$P1" --key "$T/county.key" --json >"$T/v2.json" || fail "verify --key: $(cat "$T/v2.json")"
[ "$(js "$T/v2.json" "len(d['records']), d['photos'], d['audit_entries'] == d['manifest']['audit_entries']")" = "(300, 300, True)" ] \
  || fail "decrypted listing"
[ "$(js "$T/v2.json" "sorted((r['uuid'], r['version']) for r in d['records']) == sorted(tuple(x.split('|')) for x in '''$(q "SELECT uuid || '|' || version FROM candidates")'''.split()) or sorted((r['uuid'], str(r['version'])) for r in d['records']) == sorted(tuple(x.split('|')) for x in '''$(q "SELECT uuid || '|' || version FROM candidates")'''.split())")" = True ] \
  || fail "the listing is not the store's records and versions"
cli package verify "$P1" >"$T/v3.txt" || fail "verify on the station"
grep -q "signature and every part intact" "$T/v3.txt" || fail "verify text: $(cat "$T/v3.txt")"
pass "export of 300 records with photos: manifest readable, payload not; verify with and without the key"

# The same key again: the second export is signed by it.
admin export --to "$T/stick" --since "$ID1" --json >"$T/e2.json" || fail "export --since"
P2=$(js "$T/e2.json" "d['file']"); ID2=$(js "$T/e2.json" "d['manifest']['package_id']")
[ "$(js "$T/e2.json" "d['manifest']['station_public_key'] == '$PK', d['manifest']['records'], d['manifest']['sequence'], d['manifest']['previous_package_id'] == '$ID1'")" \
  = "(True, 0, 2, True)" ] || fail "second package: $(cat "$T/e2.json")"
pass "reload gives the same key; --since carries nothing unchanged; packages chained"

# 4. The county imports; the receipt marks the records; a record sent both ways counts once.
province import "$P1" --receipt "$T/receipt1.json" 2>"$T/imp.err" || fail "import: $(cat "$T/imp.err")"
[ "$(pq "SELECT COUNT(*) FROM records WHERE workstation_id = (SELECT id FROM workstations)")" = 300 ] || fail "server records"
[ "$(pq "SELECT COUNT(*) FROM records WHERE accepted_count > version")" = 0 ] || fail "a record applied twice"
[ "$(pq "SELECT COUNT(*) FROM photos")" -ge 300 ] || fail "photos not imported"
[ "$(q "SELECT COUNT(*) FROM candidates WHERE synced_version = version")" = 60 ] || fail "marked before the receipt"
admin package receipt "$T/receipt1.json" --json >"$T/rc1.json" || fail "receipt: $(cat "$T/rc1.json")"
[ "$(js "$T/rc1.json" "d['accepted'], d['rejected'], d['already_applied']")" = "(300, 0, False)" ] || fail "receipt answer $(cat "$T/rc1.json")"
check_agree
[ "$(q "SELECT COUNT(*) FROM sync_records WHERE status = 'accepted'")" = 300 ] || fail "records not marked accepted"
[ "$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'package_receipt'")" = 1 ] || fail "receipt not audited"
pass "import applies the package; the receipt marks records as a network acceptance would; network+package applied once"

# 5. The same package again: same receipt, nothing changes on either side.
srv_before=$(pq "SELECT group_concat(uuid || version || accepted_count || server_rev) FROM records")
province import "$P1" --receipt "$T/receipt1b.json" || fail "second import"
cmp -s "$T/receipt1.json" "$T/receipt1b.json" || fail "second import gave another receipt"
[ "$(pq "SELECT group_concat(uuid || version || accepted_count || server_rev) FROM records")" = "$srv_before" ] \
  || fail "the second import changed the server"
ws_before=$(q "SELECT group_concat(uuid || version || synced_version) FROM candidates")$(q "SELECT COUNT(*) FROM audit_log WHERE action <> 'login'")
admin package receipt "$T/receipt1b.json" --json >"$T/rc2.json" || fail "receipt again"
[ "$(js "$T/rc2.json" "d['already_applied']")" = True ] || fail "receipt again: $(cat "$T/rc2.json")"
[ "$(q "SELECT group_concat(uuid || version || synced_version) FROM candidates")$(q "SELECT COUNT(*) FROM audit_log WHERE action <> 'login'")" = "$ws_before" ] \
  || fail "the receipt again changed the station"
sync_until_ok 1
[ "$(pq "SELECT COUNT(*) FROM records WHERE accepted_count > version")" = 0 ] || fail "network after package applied twice"
pass "the same package and receipt again change nothing; a later network sync sends nothing twice"

# 6. Tampering, each refused with its own code (verify and import).
size=$(stat -c %s "$P1")
head -c $((size - 10)) "$P1" >"$T/trunc.bmpkg"
refused truncated county package verify "$T/trunc.bmpkg"
grep -q "truncated" "$T/r.err" || fail "truncated message: $(cat "$T/r.err")"
import_refused truncated "$T/trunc.bmpkg"
head -c 5000 "$P1" >"$T/trunc2.bmpkg"
refused truncated county package verify "$T/trunc2.bmpkg"
python3 -c "
import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[len(b) // 2] ^= 1; open(sys.argv[2], 'wb').write(b)" "$P1" "$T/alt.bmpkg"
refused altered county package verify "$T/alt.bmpkg"
grep -q "altered after the station signed it" "$T/r.err" || fail "altered message: $(cat "$T/r.err")"
import_refused altered "$T/alt.bmpkg"
# A manifest edited to claim more records (still valid JSON).
python3 -c "
import sys; b = open(sys.argv[1], 'rb').read(); i = b.index(b'\"records\" : 300'); open(sys.argv[2], 'wb').write(b[:i] + b'\"records\" : 301' + b[i + 15:])" "$P1" "$T/alt2.bmpkg"
refused altered county package verify "$T/alt2.bmpkg"
# Re-signed: the same workstation's records, signed by a key the province does not know.
cp "$T/ws.db" "$T/evil.db"
admin --db "$T/evil.db" export --to "$T/stick" --json >"$T/evil.json" || fail "evil export: $(cat "$T/evil.json")"
PE=$(js "$T/evil.json" "d['file']")
county package verify "$PE" >/dev/null || fail "a self-consistent package fails verify without the registry"
refused resigned cli package verify "$PE"
import_refused resigned "$PE"
grep -q "not the one registered for workstation" "$T/imp.err" || fail "re-signed message"
# Replayed: an older package offered after a newer one was imported.
"$SYNC_FILL" add "$T/ws.db" 3 3000 5000 || fail "fill 3"
admin export --to "$T/stick" --since "$ID2" --json >"$T/e3.json" || fail "export 3"
P3=$(js "$T/e3.json" "d['file']")
province import "$P3" --receipt "$T/receipt3.json" || fail "import 3"
import_refused replayed "$P2"
grep -q "older than package 3" "$T/imp.err" || fail "replayed message: $(cat "$T/imp.err")"
# Wrong point.
import_refused wrong_point "$P3" --point 010202
# Training package into a real import.
"$BM_CLI" --db "$T/tr.db" --training init >/dev/null || fail "training init"
[ "$(sed -n 's/^training //p' "$T/tr.db.station-key")" = 1 ] || fail "training key not marked"
[ "$(stat -c %a "$T/tr.db.station-key")" = 600 ] || fail "training key mode"
env -u BAOMING_PASSWORD BAOMING_OPERATOR=training-supervisor "$BM_CLI" --db "$T/tr.db" --training export --to "$T/stick" --json >"$T/tr.json" \
  || fail "training export: $(cat "$T/tr.json")"
[ "$(js "$T/tr.json" "d['manifest']['training']")" = True ] || fail "training package not marked"
import_refused training "$(js "$T/tr.json" "d['file']")"
# Wrong county key.
province key province-public "$T/notcounty.key"
refused key county package verify "$P1" --key "$T/notcounty.key"
pass "truncated, altered, re-signed, replayed, wrong point, training and wrong key refused, each with its own code"

# 7. A receipt that is not genuine marks nothing.
python3 -c "
import json, sys; d = json.load(open(sys.argv[1])); d['receipt'] = d['receipt'].replace('accepted', 'rejected', 1); json.dump(d, open(sys.argv[2], 'w'))" "$T/receipt3.json" "$T/forged.json"
before=$(q "SELECT group_concat(uuid || synced_version) FROM candidates")
refused receipt admin package receipt "$T/forged.json"
[ "$(q "SELECT group_concat(uuid || synced_version) FROM candidates")" = "$before" ] || fail "a forged receipt marked records"
admin package receipt "$T/receipt3.json" --json >"$T/rc3.json" || fail "receipt 3"
[ "$(js "$T/rc3.json" "d['accepted']")" = 3 ] || fail "receipt 3 answer"
pass "a forged receipt is refused and marks nothing"
