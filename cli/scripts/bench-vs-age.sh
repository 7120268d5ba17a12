#!/usr/bin/env bash
# Whole-process comparison of `coffre encrypt/decrypt` with `age` (X25519 recipient) on one file, as /usr/bin/time -v
# sees it: elapsed time and peak RSS, median of N interleaved runs. Dirty pages are flushed (sync, untimed) between
# runs so that one run's writeback does not land on the next.
#
#   cli/scripts/bench-vs-age.sh [-n RUNS] [-s SIZE_MIB] [-d WORKDIR] [-m file|null] COFFRE_BINARY
#
# -m file: output to a file in WORKDIR (coffre: temporary file, fsync, rename; age: plain write, no fsync)
# -m null: output to /dev/null through standard output (crypto and reading only)
set -euo pipefail
runs=5 size=1024 work=${TMPDIR:-/tmp}/coffre-bench mode=file
while getopts n:s:d:m: o; do
  case $o in n) runs=$OPTARG ;; s) size=$OPTARG ;; d) work=$OPTARG ;; m) mode=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
coffre=$(realpath "$1")
command -v age >/dev/null || { echo "age is not installed (apt-get install age)" >&2; exit 2; }
mkdir -p "$work"
cd "$work"
[ -f plain.bin ] && [ "$(stat -c %s plain.bin)" = $((size << 20)) ] || head -c $((size << 20)) /dev/urandom >plain.bin
[ -f k.key ] || "$coffre" keygen --symmetric -o k.key 2>/dev/null
[ -f age.key ] || age-keygen -o age.key 2>/dev/null
recipient=$(age-keygen -y age.key)
rm -f c.enc a.age
"$coffre" encrypt --input plain.bin -o c.enc --key-file k.key
age -r "$recipient" -o a.age plain.bin
cat plain.bin c.enc a.age >/dev/null  # page cache warm for every input

measure() {  # label, command...: prints "label elapsed_s maxrss_kib"
  local label=$1
  shift
  rm -f out.tmp
  sync
  /usr/bin/time -f "%e %M" -o time.txt "$@"
  echo "$label $(cat time.txt)"
}

out() { if [ "$mode" = null ]; then echo /dev/null; else echo out.tmp; fi; }

results=$(for i in $(seq "$runs"); do
  if [ "$mode" = null ]; then
    measure coffre-encrypt sh -c "'$coffre' encrypt --input plain.bin --key-file k.key >/dev/null"
    measure age-encrypt sh -c "age -r '$recipient' plain.bin >/dev/null"
    measure coffre-decrypt sh -c "'$coffre' decrypt --input c.enc --key-file k.key >/dev/null"
    measure age-decrypt sh -c "age -d -i age.key a.age >/dev/null"
  else
    measure coffre-encrypt "$coffre" encrypt --input plain.bin -o out.tmp --key-file k.key
    measure age-encrypt age -r "$recipient" -o out.tmp plain.bin
    measure coffre-decrypt "$coffre" decrypt --input c.enc -o out.tmp --key-file k.key
    measure age-decrypt age -d -i age.key -o out.tmp a.age
  fi
done)
rm -f out.tmp time.txt
echo "$size MiB, $runs runs, output: $mode, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); elapsed, median peak RSS"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for label in coffre-encrypt age-encrypt coffre-decrypt age-decrypt; do
  t=$(echo "$results" | awk -v l="$label" '$1 == l { print $2 }' | median)
  m=$(echo "$results" | awk -v l="$label" '$1 == l { print $3 }' | median)
  best=$(echo "$results" | awk -v l="$label" '$1 == l { print $2 }' | sort -n | head -1)
  printf "%-15s median %6.2f s  best %6.2f s  %6.1f MiB   all: %s\n" "$label" "$t" "$best" \
    "$(awk -v m="$m" 'BEGIN { print m / 1024 }')" "$(echo "$results" | awk -v l="$label" '$1 == l { printf "%s ", $2 }')"
done
