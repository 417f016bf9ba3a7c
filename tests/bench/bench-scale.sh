#!/bin/sh
# Scale benchmarks (issue 17): start-up, the 考生 list, CLI search and memory
# at 0, 10,000 and 100,000 records with 30 KB photos, each printed with its
# ratio against a reference timed in the same run. Numbers to read, not a
# test.
#   tests/bench/bench-scale.sh [BUILD_DIR] [SIZES="0 10000 100000"]
# BAOMING, BAOMING_CLI and BENCH_LIST name other builds' programs to time
# (before/after figures). The stores are generated once (bench-fill) and kept in BUILD_DIR/bench-data
# (100,000 records with photos: about 3.2 GB, a few minutes to make); remove
# that folder to make them again. gnome-text-editor is the start-up
# reference when it is installed (apt-get install gnome-text-editor).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/_build}" && pwd)
sizes=${2:-"0 10000 100000"}
data=${BENCH_DATA:-$build/bench-data}
runs=${RUNS:-5}
rounds=${ROUNDS:-6}
# BENCH_ONLY="startup list cli" runs only those parts (the stores are always made).
only=${BENCH_ONLY:-"startup list cli"}
want() { case " $only " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# Other programs to time (e.g. copies of an older build's, for before/after):
app=${BAOMING:-$build/src/baoming}
cli_exe=${BAOMING_CLI:-$build/src/cli/baoming-cli}
bench_list=${BENCH_LIST:-$build/tests/bench/bench-list}
mkdir -p "$data"

section() { printf '\n== %s ==\n' "$1"; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# Median wall time in ms of a command run 7 times (output discarded).
median_ms() {
  for i in 1 2 3 4 5 6 7; do
    t=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    echo $(( ($(date +%s%N) - t) / 1000 ))
  done | sort -n | sed -n 4p | awk '{ printf "%.1f", $1 / 1000 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

section "stores"
for n in $sizes; do
  db="$data/store-$n.db"
  if [ ! -f "$db" ]; then
    t=$(date +%s%N)
    rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
    "$build/tests/bench/bench-fill" "$db.tmp" "$n" 30000
    rm -f "$db.tmp-wal" "$db.tmp-shm"
    mv "$db.tmp" "$db"
    echo "generated $n records in $(ms_since "$t") ms"
  fi
  # First open with this build (migrations, the day's checks) and the file
  # in the page cache, as on a station that is in use; not timed.
  t=$(date +%s%N)
  "$cli_exe" --db "$db" candidate list --search 0 >/dev/null
  echo "store-$n.db: $(du -h "$db" | cut -f1), first open by this build $(ms_since "$t") ms"
  cat "$db" >/dev/null
done

want startup && {
section "start-up: exec to first drawn frame, memory on the 考生 page (median of $runs)"
ref_frame=""
if command -v gnome-text-editor >/dev/null; then
  line=$(tests/ui/xvfb-run.sh "$build/tests/bench/bench-startup" "$runs" 1500 -- gnome-text-editor --standalone | tail -1)
  echo "gnome-text-editor: $line"
  ref_frame=$(echo "$line" | sed -n 's/.*frame \([0-9]*\) ms.*/\1/p')
else
  echo "gnome-text-editor is not installed: no reference ratio"
fi
empty_frame="" ; empty_rss=""
for n in $sizes; do
  line=$(BM_BENCH_FIRST_FRAME=1 BM_BENCH_PAGE=candidates tests/ui/xvfb-run.sh \
           "$build/tests/bench/bench-startup" "$runs" 2500 -- "$app" --db "$data/store-$n.db" | tail -1)
  frame=$(echo "$line" | sed -n 's/.*frame \([0-9]*\) ms.*/\1/p')
  rss=$(echo "$line" | sed -n 's/.*rss \([0-9]*\) KiB.*/\1/p')
  [ -z "$empty_frame" ] && empty_frame=$frame && empty_rss=$rss
  printf '%s records: %s; vs empty store %s x' "$n" "$line" "$(ratio "$frame" "$empty_frame")"
  [ -n "$ref_frame" ] && printf ', vs gnome-text-editor %s x' "$(ratio "$frame" "$ref_frame")"
  printf '; memory vs empty store %s x\n' "$(ratio "$rss" "$empty_rss")"
done
}

want list && for n in $sizes; do
  [ "$n" -gt 0 ] || continue
  section "考生 list at $n records: typing in the search entry ($rounds rounds)"
  tests/ui/xvfb-run.sh "$bench_list" "$data/store-$n.db" "$rounds" || echo "bench-list failed"
done

want cli && for n in $sizes; do
  [ "$n" -gt 0 ] || continue
  db="$data/store-$n.db"
  section "CLI search for one record at $n records vs sqlite3 on the same file (median of 7)"
  id=$(sqlite3 "$db" "SELECT id_number FROM candidates ORDER BY id LIMIT 1 OFFSET $((n / 2))")
  number=$(sqlite3 "$db" "SELECT number FROM candidates ORDER BY id LIMIT 1 OFFSET $((n / 2))")
  # The query `candidate list --search` answers, as one statement.
  q="SELECT number, name, id_number, category, state, voided FROM candidates WHERE id IN (
       SELECT id FROM candidates WHERE number >= '$id' AND number < '$id' || char(1114111)
       UNION SELECT id FROM candidates WHERE id_number >= '$id' AND id_number < '$id' || char(1114111)
       UNION SELECT id FROM candidates WHERE name >= '$id' AND name < '$id' || char(1114111)) ORDER BY id DESC"
  cli=$(median_ms "$cli_exe" --db "$db" candidate list --search "$id")
  ref=$(median_ms sqlite3 "$db" "$q")
  echo "by ID number: baoming-cli $cli ms, sqlite3 $ref ms: $(ratio "$cli" "$ref") x"
  cli=$(median_ms "$cli_exe" --db "$db" candidate list --search "$number")
  echo "by 报名顺序号 ($number): baoming-cli $cli ms"
  cli=$(median_ms "$cli_exe" --db "$db" candidate list)
  ref=$(median_ms sqlite3 "$db" "SELECT number, name, id_number, category, state, voided FROM candidates ORDER BY id DESC")
  echo "whole list ($n rows): baoming-cli $cli ms, sqlite3 $ref ms: $(ratio "$cli" "$ref") x"
done
