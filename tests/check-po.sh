#!/bin/sh
# zh_CN must translate every string the sources mark, with nothing fuzzy,
# and every source file with marked strings must be listed in POTFILES.
set -eu
root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

missing=$(grep -lE '(^|[^A-Za-z_])(N?_|C_|NC_|g_dngettext)\(|translatable="yes"' \
  $(git ls-files 'src/*.c' 'ui/*.ui' 2>/dev/null || find src ui -name '*.c' -o -name '*.ui') \
  | while read -r f; do grep -qxF "$f" po/POTFILES || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "not ok - files with translatable strings missing from po/POTFILES:"
  echo "$missing"
  exit 1
fi

xgettext --from-code=UTF-8 --files-from=po/POTFILES --directory="$root" --output="$tmp/baoming.pot" \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --add-comments 2>"$tmp/xgettext.log" || {
  cat "$tmp/xgettext.log"; exit 1; }
msgmerge --quiet --no-fuzzy-matching "po/zh_CN.po" "$tmp/baoming.pot" -o "$tmp/merged.po"
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>&1)
echo "# $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    echo "not ok - zh_CN is incomplete; untranslated or fuzzy:"
    msgattrib --untranslated --only-fuzzy "$tmp/merged.po" 2>/dev/null | grep '^msgid' | head -50 || true
    msgattrib --untranslated "$tmp/merged.po" | grep '^msgid' | head -50
    exit 1 ;;
esac
LC_ALL=C msgfmt --check -o /dev/null po/zh_CN.po
echo "ok - zh_CN complete"
