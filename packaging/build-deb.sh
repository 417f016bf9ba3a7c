#!/bin/sh
# packaging/build-deb.sh [--lintian] [--version V] [--out DIR]
# Builds the Debian packages baoming and baoming-dbgsym from this tree.
#
# Debian expects debian/ at the root of the source, and the project keeps it
# in packaging/debian (the design card's layout): so the tree is copied to a
# temporary directory, packaging/debian becomes its debian/, and
# dpkg-buildpackage -us -uc -b runs there. The .deb files, .changes and
# .buildinfo land in DIR (default: _build-deb/ in the tree, which git ignores).
#
# DEB_BUILD_OPTIONS=nocheck: CI runs every test suite on the same commit
# before this step (.ci/run), and the suites need what a package build
# should not (a private pcscd and cupsd, the development provincial server,
# qemu, Xvfb); nocheck also skips compiling the tests (-Dtests=false in
# debian/rules), so the package build costs one compile of the programs.
#
#   --lintian     run lintian on the result; any error or warning fails
#   --version V   build version V instead of debian/changelog's (the
#                 install test builds an older version to upgrade from)
#   --out DIR     where the results go
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$root/_build-deb
run_lintian=0
version=""
while [ $# -gt 0 ]; do
  case $1 in
    --lintian) run_lintian=1 ;;
    --version) version=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--lintian] [--version V] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done

work=$(mktemp -d "${TMPDIR:-/tmp}/baoming-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/baoming

# The tree as git sees it (tracked files plus new ones not ignored), so
# build directories and editor files stay out; a tree without git (an
# unpacked tarball) is copied whole, without build directories.
mkdir -p "$src"
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard) |
    (cd "$root" && xargs -0 cp --parents -t "$src" 2>/dev/null || true)
  (cd "$root" && git describe --always --dirty --tags) > "$work/build-id"
else
  (cd "$root" && tar -cf - --exclude='./_build*' --exclude='./build*' .) | (cd "$src" && tar -xf -)
fi
# git ls-files lists deleted-but-unstaged files too: cp skipped those.
rm -rf "$src/debian"
cp -a "$here/debian" "$src/debian"
[ -f "$work/build-id" ] && mv "$work/build-id" "$src/debian/build-id"

if [ -n "$version" ]; then
  sed -i "1s/^baoming ([^)]*)/baoming ($version)/" "$src/debian/changelog"
fi

(cd "$src" && DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b)

mkdir -p "$out"
for f in "$work"/*.deb "$work"/*.ddeb "$work"/*.changes "$work"/*.buildinfo; do
  [ -e "$f" ] && cp "$f" "$out/"
done
changes=$(ls "$work"/*.changes)
echo "built:"; ls -1 "$out"

if [ "$run_lintian" -eq 1 ]; then
  # Overrides live in debian/*.lintian-overrides, each with its reason.
  lintian --fail-on error,warning --display-info --info "$out/$(basename "$changes")"
  echo "lintian: no errors or warnings"
fi
