#!/bin/bash
# tests/packaging/install-test.sh [--new-deb FILE] [--old-deb FILE]
# The install test of issue 16, run by hand before a release (as root, from
# the project root; about 10-15 minutes; not run by CI):
#
#   1. builds the package (packaging/build-deb.sh), unless --new-deb;
#   2. the "previous build" to upgrade from: --old-deb, or else the same
#      package re-versioned to <version>~prev1 (until a released .deb is
#      kept somewhere, it stands in for one: same files, older version);
#   3. makes the offline repository (packaging/make-offline-repo.sh) with
#      both, plus Xvfb and xdotool for the checks;
#   4. in a brand-new Debian 12 (../shared/tools/fresh-debian.sh) with the
#      network cut off (unshare -n), follows docs/install.md: key, sources,
#      apt update, apt install of the old version; baoming-cli --version;
#      a training store with a record; `baoming --training` under Xvfb and
#      the window must map; upgrade with apt install; the version changed,
#      the record and the audit chain are intact, the window maps again;
#      remove and purge: the data stays and purge says where it is.
#
# Commit first: fresh-debian.sh clones HEAD. The log's key lines start with
# "==" (steps) and "PASS"/"FAIL" (checks).
set -euo pipefail

if [ "${1:-}" = "--inside" ]; then
  # ---- inside the fresh Debian 12, as root, without network ----
  repo=$2
  fails=0
  pass() { echo "PASS $*"; }
  fail() { echo "FAIL $*"; fails=$((fails + 1)); }
  step() { echo; echo "== $*"; }
  pids=()
  cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
  trap cleanup EXIT

  step "network"
  if timeout 5 bash -c 'exec 3<>/dev/tcp/deb.debian.org/80' 2>/dev/null; then
    fail "deb.debian.org is reachable: the network is not cut off"
  else
    pass "no network: deb.debian.org unreachable"
  fi
  # A chroot has no init: services are not started by package scripts.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d

  step "docs/install.md 二: copy the repository, import the key, add the source"
  mkdir -p /srv/baoming-repo
  cp -r "$repo"/. /srv/baoming-repo/
  chmod -R a+rX /srv/baoming-repo
  install -d -m 0755 /etc/apt/keyrings
  cp /srv/baoming-repo/baoming-archive-keyring.gpg /etc/apt/keyrings/
  cp /srv/baoming-repo/baoming.sources /etc/apt/sources.list.d/

  step "apt update (the network sources fail: expected offline)"
  apt-get update 2>&1 | sed 's/^/  /' || true
  policy=$(apt-cache policy baoming)
  echo "$policy" | sed 's/^/  /'
  old=$(apt-cache madison baoming | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -V | head -n1)
  new=$(apt-cache madison baoming | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -V | tail -n1)
  [ -n "$old" ] && [ "$old" != "$new" ] && pass "the signed offline repository offers baoming $old and $new" \
    || fail "the offline repository does not offer two versions of baoming (got '$old' '$new')"

  step "apt install baoming=$old"
  if apt-get install -y "baoming=$old" > /tmp/install-old.log 2>&1; then
    pass "installed baoming $old ($(grep -c '^Setting up' /tmp/install-old.log) packages set up)"
  else
    fail "apt install baoming=$old"; tail -30 /tmp/install-old.log
  fi
  grep -E "^(Setting up baoming|Processing triggers for (libglib2.0-0|hicolor-icon-theme|desktop-file-utils|man-db))" /tmp/install-old.log | sed 's/^/  /' || true
  v=$(baoming-cli --version 2>&1 || true); echo "  $v"
  case $v in "baoming-cli ${old%%~*}"*) pass "baoming-cli --version: $v";; *) fail "baoming-cli --version: $v";; esac
  for f in /usr/share/applications/cn.baoming.Client.desktop /usr/share/metainfo/cn.baoming.Client.metainfo.xml \
           /usr/share/icons/hicolor/scalable/apps/cn.baoming.Client.svg /usr/share/locale/zh_CN/LC_MESSAGES/baoming.mo \
           /usr/share/man/man1/baoming.1.gz /usr/share/man/zh_CN/man1/baoming-cli.1.gz; do
    [ -f "$f" ] && pass "installed $f" || fail "missing $f"
  done
  grep -q cn.baoming.Client /usr/share/glib-2.0/schemas/gschemas.compiled 2>/dev/null \
    && pass "the GSettings schema was compiled by the trigger" || fail "cn.baoming.Client not in gschemas.compiled"

  step "a training store made by $old"
  export HOME=/root LC_ALL=C.UTF-8
  baoming-cli --training init >/dev/null
  printf '{"id_number": "430102199001010032", "name": "欧阳䶮", "sex": "1", "nation": "01", "birth_date": "1990-01-01", "category": "1"}' > /tmp/c.json
  number=$(baoming-cli --training candidate add --json /tmp/c.json | sed -n 's/.*"number" *: *"\([0-9]*\)".*/\1/p')
  [ -n "$number" ] && pass "record $number added with $old" || fail "candidate add with $old"

  apt-get install -y xvfb xdotool x11-utils xauth > /tmp/install-x.log 2>&1 \
    && pass "Xvfb and xdotool from the offline repository" || { fail "install xvfb xdotool"; tail /tmp/install-x.log; }

  gui_check() {
    local d=$1
    Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & pids+=($!)
    sleep 2
    DISPLAY=":$d" dbus-run-session -- baoming --training > "/tmp/gui-$d.log" 2>&1 & local app=$!; pids+=($app)
    local win
    win=$(DISPLAY=":$d" timeout 60 xdotool search --sync --onlyvisible --class baoming 2>/dev/null | head -n1 || true)
    if [ -n "$win" ] && DISPLAY=":$d" xwininfo -id "$win" | grep -q "Map State: IsViewable"; then
      pass "baoming --training window mapped: $(DISPLAY=":$d" xwininfo -id "$win" | sed -n 's/^xwininfo: Window id: //p')"
    else
      fail "baoming --training: no mapped window in 60 s"; sed 's/^/  /' "/tmp/gui-$d.log" | tail -20
    fi
    kill "$app" 2>/dev/null || true
  }
  step "baoming --training under Xvfb ($old)"
  gui_check 7

  step "upgrade: apt install baoming ($new)"
  if apt-get install -y baoming > /tmp/install-new.log 2>&1; then
    pass "upgraded"; grep -E "^(Preparing to unpack|Unpacking baoming|Setting up baoming)" /tmp/install-new.log | sed 's/^/  /'
  else
    fail "apt install baoming (upgrade)"; tail -30 /tmp/install-new.log
  fi
  [ "$(dpkg-query -W -f='${Version}' baoming)" = "$new" ] && pass "dpkg says baoming $new" || fail "not at $new"
  v=$(baoming-cli --version 2>&1 || true); echo "  $v"
  case $v in "baoming-cli ${new%%~*}"*) pass "baoming-cli --version after upgrade: $v";; *) fail "--version after upgrade: $v";; esac
  list=$(baoming-cli --training candidate list --json 2>&1 || true)
  echo "$list" | grep -q "\"number\" : \"$number\"" && echo "$list" | grep -q '欧阳䶮' \
    && pass "record $number kept across the upgrade" || fail "record $number lost: $list"
  audit=$(baoming-cli --training audit verify --json 2>&1 || true)
  echo "$audit" | grep -q '"ok" : true' && pass "audit verify after upgrade: $(echo "$audit" | tr -d '\n ')" || fail "audit verify: $audit"
  step "baoming --training under Xvfb ($new)"
  gui_check 8

  step "remove and purge"
  apt-get remove -y baoming > /tmp/remove.log 2>&1 && pass "apt remove" || fail "apt remove"
  [ -f /root/.local/share/baoming/training.db ] && pass "data kept after remove" || fail "data gone after remove"
  apt-get purge -y baoming > /tmp/purge.log 2>&1 && pass "apt purge" || fail "apt purge"
  grep '^baoming:' /tmp/purge.log | sed 's/^/  /'
  grep -q "data kept in /root/.local/share/baoming/" /tmp/purge.log && pass "purge said where the data is" || fail "purge did not say where the data is"
  [ -f /root/.local/share/baoming/training.db ] && pass "data kept after purge" || fail "data gone after purge"
  dpkg-query -W -f='${Status}' baoming 2>/dev/null | grep -q "install ok installed" && fail "still installed" || pass "baoming is no longer installed"

  echo
  if [ "$fails" -eq 0 ]; then echo "== INSTALL TEST PASSED"; else echo "== INSTALL TEST FAILED: $fails check(s)"; exit 1; fi
  exit 0
fi

# ---- on the host ----
root=$(cd "$(dirname "$0")/../.." && pwd)
new_deb=""; old_deb=""
while [ $# -gt 0 ]; do
  case $1 in
    --new-deb) new_deb=$(realpath "$2"); shift ;;
    --old-deb) old_deb=$(realpath "$2"); shift ;;
    *) echo "usage: $0 [--new-deb FILE] [--old-deb FILE]" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (fresh-debian.sh mounts and chroots)" >&2; exit 2; }
fresh=$root/../shared/tools/fresh-debian.sh
[ -x "$fresh" ] || fresh=$(realpath "$root/../shared/tools/fresh-debian.sh")
work=$(mktemp -d /var/tmp/baoming-install-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ -z "$new_deb" ]; then
  echo "== build the package"
  "$root/packaging/build-deb.sh" --out "$work/debs" > "$work/build.log" 2>&1 || { tail -30 "$work/build.log"; exit 1; }
  new_deb=$(ls "$work"/debs/baoming_*.deb)
fi
if [ -z "$old_deb" ]; then
  echo "== the previous build: $(basename "$new_deb") re-versioned to ~prev1"
  mkdir -p "$work/old"
  dpkg-deb -R "$new_deb" "$work/old/tree"
  v=$(sed -n 's/^Version: //p' "$work/old/tree/DEBIAN/control")
  sed -i "s/^Version: .*/Version: $v~prev1/" "$work/old/tree/DEBIAN/control"
  dpkg-deb -b "$work/old/tree" "$work/old/baoming_${v}~prev1_amd64.deb" >/dev/null
  old_deb=$work/old/baoming_${v}~prev1_amd64.deb
fi
echo "== the offline repository"
mkdir -p "$work/shared"
"$root/packaging/make-offline-repo.sh" --out "$work/shared/repo" --key-dir "$work/key" \
  --deb "$new_deb" --also "$old_deb" --extra xvfb,xdotool,x11-utils,xauth > "$work/repo.log" 2>&1 \
  || { tail -30 "$work/repo.log"; exit 1; }
grep -E "^(dependencies to carry|key fingerprint|repository):" "$work/repo.log"

echo "== a fresh Debian 12, network cut off"
SHARED_DIR=$work/shared "$fresh" "$root" "unshare -n bash tests/packaging/install-test.sh --inside /root/shared/repo"
