#!/bin/sh
# test-version.sh BAOMING BAOMING_CLI PROJECT_VERSION SOURCE_ROOT [BUILD_ID]
# Both programs print "<name> <release> (build <id>)": the release is
# meson's project version and the id is the tree's `git describe` (what
# county IT reads back to say which build a counter runs). TAP output.
set -u
app=$1; cli=$2; release=$3; src=$4; given=${5:-}
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

# -Dbuild_id (the package build) wins over git, as in src/core/meson.build.
if [ -n "$given" ]; then
  expected_id=$given
else
  expected_id=$(git -C "$src" describe --always --dirty --tags 2>/dev/null) || expected_id=unknown
fi

check() {
  name=$1; shift
  out=$("$@" --version 2>&1); rc=$?
  [ "$rc" -eq 0 ] && ok "$name --version exits 0" || not_ok "$name --version exits 0 (got $rc: $out)"
  want="$name $release (build $expected_id)"
  [ "$out" = "$want" ] && ok "$name --version says '$want'" || not_ok "$name --version: got '$out', want '$want'"
}

# No display and a private, empty environment: --version must answer
# before GTK needs a display or the store is opened.
check baoming env -u DISPLAY -u WAYLAND_DISPLAY "$app"
check baoming-cli "$cli"

case $expected_id in
  unknown|'') not_ok "the build id is known (git describe in $src)";;
  *) ok "the build id is known";;
esac
echo "1..$n"
exit $failed
