#!/bin/sh
# test-man.sh CLI APP MANDIR
# The hand-written man pages stay true to the programs: every command that
# `baoming-cli --help` lists and every option of `baoming --help` is in both
# the English and the zh_CN page, and man renders each page without a
# warning (what lintian's groff check runs). TAP output.
set -u
cli=$1; app=$2; man=$3
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

# Commands: the lines of the help's "Commands:" block, in the C locale.
commands=$(LC_ALL=C LANGUAGE= "$cli" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] && ok "baoming-cli --help lists commands" || not_ok "baoming-cli --help lists commands"
for page in "$man/baoming-cli.1" "$man/zh_CN/baoming-cli.1"; do
  for c in $commands; do
    grep -qx "\.B $c" "$page" && ok "$page documents '$c'" || not_ok "$page lacks the command '$c'"
  done
done

# Options of the GUI: the long options in `baoming --help`.
options=$(env -u DISPLAY -u WAYLAND_DISPLAY LC_ALL=C LANGUAGE= "$app" --help | sed -n '/^Application Options:/,/^$/p' | grep -o -- '--[a-z-]*')
[ -n "$options" ] && ok "baoming --help lists options" || not_ok "baoming --help lists options"
for page in "$man/baoming.1" "$man/zh_CN/baoming.1"; do
  for o in $options; do
    roff=$(echo "$o" | sed 's/-/\\\\-/g')
    grep -q -- "$roff" "$page" && ok "$page documents '$o'" || not_ok "$page lacks the option '$o'"
  done
done

# Rendering: man's warnings are what lintian reports as groff-message.
for page in "$man/baoming.1" "$man/baoming-cli.1" "$man/zh_CN/baoming.1" "$man/zh_CN/baoming-cli.1"; do
  warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=120 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
  # groff cannot break or justify lines of CJK text (no spaces to break at);
  # lintian drops exactly these two warnings for zh pages, and so do we.
  case $page in
    */zh_CN/*) warnings=$(printf '%s\n' "$warnings" | grep -v -e "warning \[.*\]: cannot adjust line" -e "warning \[.*\]: can't break line");;
  esac
  [ -z "$warnings" ] && ok "$page renders without warnings" || not_ok "$page: $warnings"
done
echo "1..$n"
exit $failed
