#!/bin/sh
# TLS is always verified: a different certificate, a wrong pin, plain HTTP;
# and an access token that expires between runs.
. "$(dirname "$0")/lib.sh"
make_cert; make_cert other; provision
start_server --token-ttl 2
setup_client
"$SYNC_FILL" add "$T/ws.db" 5 1000 || fail "fill"

# The server now presents another certificate (same address, same state).
stop_server; CERT_DIR=other start_server
if cli sync --once --json >"$T/out.json" 2>"$T/err.txt"; then fail "synced with an untrusted certificate"; fi
grep -q '"error_code" : "tls"' "$T/out.json" || fail "not a TLS error: $(cat "$T/out.json")"
[ "$(sqlite3 "$T/p.db" 'SELECT COUNT(*) FROM records')" = 0 ] || fail "records reached the impostor"
pass "different certificate refused"

# Both certificates trusted by the CA file, but the pin is the first key's.
cat "$T/cert.pem" "$T/other/cert.pem" >"$T/both.pem"
cli sync set ca_file "$T/both.pem"
if cli sync --once --json >"$T/out.json" 2>/dev/null; then fail "synced despite the pin"; fi
grep -q '"error_code" : "pin"' "$T/out.json" || fail "not a pin error: $(cat "$T/out.json")"
pass "wrong public key refused by the pin"

stop_server; CERT_DIR=. start_server --token-ttl 2
cli sync set pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
if cli sync --once --json >"$T/out.json" 2>/dev/null; then fail "synced with a wrong pin"; fi
grep -q '"error_code" : "pin"' "$T/out.json" || fail "not a pin error: $(cat "$T/out.json")"
cli sync status --json | grep -q "does not match the key" || fail "no clerk sentence for the pin error"
pass "wrong pin refused and explained"

cli sync set pin "$(cat "$T/pin")"
cli sync set ca_file "$T/cert.pem"
sleep 3   # the 2-second access token has expired now
cli sync --once --json >"$T/out.json" || fail "sync after token expiry: $(cat "$T/out.json")"
check_agree
pass "expired token refreshed"

cli sync set server_url "http://127.0.0.1:$PORT"
if cli sync --once >/dev/null 2>&1; then fail "plain http accepted"; fi
cli sync set allow_plain_http 1
cli sync set server_url "http://192.0.2.1:$PORT"
if cli sync --once --json >"$T/out.json" 2>/dev/null; then fail "plain http to a remote host accepted"; fi
grep -q '"error_code" : "insecure"' "$T/out.json" || fail "not refused as insecure: $(cat "$T/out.json")"
if BAOMING_PASSWORD=x WS_DB=$T/ws3.db cli setup --server "http://127.0.0.1:$PORT" --point 010201 --user clerk \
     >/dev/null 2>&1; then fail "setup over plain http without the flag"; fi
pass "plain HTTP refused (only loopback with allow_plain_http)"
