#!/bin/sh
# One command for each set-up the README promises, on a fresh Debian 12:
#   packaging/setup.sh app    install what is needed, build, run the app in training mode
#   packaging/setup.sh test   install what is needed, build, run every test suite
#   packaging/setup.sh deps   only install the packages (idempotent)
# Run as root, or as a user who may use sudo.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mode=${1:-}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
  packages=$(grep -v '^[[:space:]]*#' "$here/deb-packages.txt" | tr -s '[:space:]' ' ')
  missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  missing=$(echo "$missing" | tr ' ' '\n' | sort -u | tr '\n' ' ')
  if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
    as_root apt-get update -q
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $missing
  fi
  # The UI runs and is tested in Chinese: the zh_CN locale must exist.
  if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    as_root localedef -i zh_CN -f UTF-8 zh_CN.UTF-8
  fi
}

build() {
  builddir=$1; shift
  if [ ! -f "$root/$builddir/build.ninja" ]; then
    meson setup "$root/$builddir" "$root" "$@"
  fi
  meson compile -C "$root/$builddir"
}

case "$mode" in
  deps)
    install_deps ;;
  app)
    install_deps
    build _build
    export LANGUAGE=zh_CN LANG=zh_CN.UTF-8 BAOMING_LOCALEDIR="$root/_build/po"
    exec "$root/_build/src/baoming" --training ;;
  test)
    install_deps
    build _build
    meson test -C "$root/_build" --print-errorlogs --num-processes 2 ;;
  *)
    echo "usage: $0 app|test|deps" >&2
    exit 2 ;;
esac
