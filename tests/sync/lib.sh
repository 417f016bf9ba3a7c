# Shared harness for the sync suite: a private development provincial server
# (tests/province) over real HTTPS on 127.0.0.1 with a certificate made now,
# and a workstation store set up from it. Sourced by test-*.sh; meson passes
# BM_CLI, BM_PROVINCE, SYNC_FILL, MKCERT and POINT_JSON.
set -eu
: "${BM_CLI:?}" "${BM_PROVINCE:?}" "${SYNC_FILL:?}" "${MKCERT:?}" "${POINT_JSON:?}"
for tool in openssl sqlite3; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (a failure, not a skip)" >&2; exit 1; }
done
T=$(mktemp -d /tmp/bm-sync-XXXXXX)
PIDS=""
SRV=""
PORT=0
cleanup() {
  for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
  if [ "${KEEP_TMP:-}" = "" ]; then rm -rf "$T"; else echo "kept $T" >&2; fi
}
trap cleanup EXIT
export LC_ALL=C.UTF-8 LANGUAGE=

fail() {
  echo "FAIL: $*" >&2
  [ -f "$T/srv.log" ] && tail -n 15 "$T/srv.log" >&2
  exit 1
}
pass() { echo "ok - $*"; }

province() { "$BM_PROVINCE" --db "$T/p.db" "$@"; }
cli() { "$BM_CLI" --db "${WS_DB:-$T/ws.db}" "$@"; }

make_cert() { "$MKCERT" "$T/${1:-.}" >/dev/null; }

# start_server [serve options]: reuses $PORT once known, so a restart keeps the address.
start_server() {
  rm -f "$T/port"
  "$BM_PROVINCE" --db "$T/p.db" serve --cert "$T/${CERT_DIR:-.}/cert.pem" --key "$T/${CERT_DIR:-.}/key.pem" \
      --port "$PORT" --port-file "$T/port" "$@" 2>>"$T/srv.log" &
  SRV=$!
  PIDS="$PIDS $SRV"
  i=0
  while [ ! -s "$T/port" ]; do
    kill -0 "$SRV" 2>/dev/null || fail "server did not start"
    i=$((i + 1)); [ $i -lt 1000 ] || fail "server not ready"
    sleep 0.01
  done
  PORT=$(cat "$T/port")
}

stop_server() { kill "${1:--TERM}" "$SRV" 2>/dev/null || true; wait "$SRV" 2>/dev/null || true; }

provision() { province provision "$POINT_JSON" || fail "provision"; }

# The development server's clerk works every writing command (issue 12:
# no write without a logged-in operator); setup keeps its password hash.
export BAOMING_OPERATOR=clerk BAOMING_PASSWORD=clerk-pass

setup_client() {
  BAOMING_PASSWORD=clerk-pass cli setup --server "https://127.0.0.1:$PORT" --point 010201 --user clerk \
      --ca-file "$T/cert.pem" --pin "$(cat "$T/pin")" "$@" >/dev/null || fail "setup"
  cli sync set backoff_ms 20
  cli sync set max_tries 40
}

# Everything fine on both sides: the server holds each client record exactly
# once with the client's latest version, the client thinks so too, every
# photo is on the server, no batch waits for an answer.
check_agree() {
  db=${WS_DB:-$T/ws.db}
  n=$(sqlite3 "$db" "SELECT COUNT(*) FROM candidates")
  [ "$n" -gt 0 ] || fail "no records in the client"
  bad=$(sqlite3 "$db" "ATTACH '$T/p.db' AS s;
        SELECT COUNT(*) FROM candidates c LEFT JOIN s.records r ON r.uuid = c.uuid
        WHERE r.version IS NULL OR r.version != c.version OR c.synced_version != c.version;")
  [ "$bad" = 0 ] || fail "$bad records differ between client and server"
  held=$(sqlite3 "$db" "ATTACH '$T/p.db' AS s;
        SELECT COUNT(*) FROM s.records WHERE workstation_id = (SELECT workstation_id FROM point);")
  [ "$held" = "$n" ] || fail "server holds $held records of this workstation, client has $n"
  twice=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM records WHERE accepted_count > version")
  [ "$twice" = 0 ] || fail "$twice records were applied more often than they have versions"
  dup=$(sqlite3 "$T/p.db" "SELECT COUNT(*) FROM (SELECT number FROM records GROUP BY number HAVING COUNT(*) > 1)")
  [ "$dup" = 0 ] || fail "duplicate numbers on the server"
  # Only standard (processed) photos are sent; an imported or captured
  # original stays on the workstation (docs/sync-protocol.md).
  lost=$(sqlite3 "$db" "ATTACH '$T/p.db' AS s; SELECT COUNT(*) FROM photos p
        WHERE p.kind = 'processed' AND NOT EXISTS (SELECT 1 FROM s.photos q WHERE q.sha256 = p.sha256);")
  [ "$lost" = 0 ] || fail "$lost photos missing on the server"
  left=$(sqlite3 "$db" "SELECT COUNT(*) FROM sync_batches")
  [ "$left" = 0 ] || fail "$left batches still wait for an answer"
  q=$(cli sync status --json | sed -n 's/^  "queue" : \([0-9]*\),/\1/p')
  [ "$q" = 0 ] || fail "client queue is $q"
}

# sync_until_ok: repeat sync --once (a run may give up while a fault lasts).
sync_until_ok() {
  for _ in $(seq 1 "${1:-5}"); do
    if cli sync --once --json >"$T/last.json" 2>>"$T/cli.log"; then return 0; fi
  done
  cat "$T/last.json" >&2
  fail "sync did not succeed"
}
