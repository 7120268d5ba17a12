#!/usr/bin/env bash
# scripts/bench.sh: build Release, run every benchmark, print a summary table of ratios (docs/PERFORMANCE.md).
#
# Usage: scripts/bench.sh [native] [cli] [wasm] [sharing]      (no argument: all four)
#        scripts/bench.sh server      the store server (bench/server/bench.sh: PostgreSQL + server, coffre vs curl,
#                                     server RSS, signed vs unchecked requests); alone, and never by default
#
#   native  build-bench/bench/coffre_bench_file: file envelope vs raw XChaCha20-Poly1305 (1 thread and all cores),
#           100-byte document envelopes vs raw 100-byte messages. In-process, interleaved, same buffers.
#           build-bench/bench/coffre_bench_drive: listing and creating a 10,000-entry Drive folder vs the raw floor
#           (libsodium KDFs and AEADs of the same records, no allocation); its ratios are times (lower is better).
#   cli     the `coffre` CLI vs `age` 1.1.1 on a 1 GiB random file, whole process: wall time and peak RSS from
#           /usr/bin/time, runs alternating coffre/age, medians. Output to a file on disk (coffre fsyncs, age does
#           not: also shown is "age + sync FILE"), to a file on tmpfs, and to standard output (/dev/null).
#   wasm    node bench/wasm_bench.mjs against the JS package's WebAssembly module (bindings/js/dist), if built:
#           file envelope vs raw XChaCha20-Poly1305 of the same wasm build (a variant built with
#           -DCOFFRE_WASM_EXTRA_EXPORTS, put in a copy of the package under $BENCH_BUILD_DIR/wasm-bench), documents,
#           and the JS API's overhead.
#   sharing build-bench/bench/coffre_bench_sharing: one content key wrapped to BENCH_RECIPIENTS recipients (1 thread
#           and all cores) and one wrap opened, each against the raw primitives' floor run side by side.
#
# Environment:
#   BENCH_BUILD_DIR  native Release build directory      (default: build-bench)
#   BENCH_RUNS       rounds of every comparison           (default: 5)
#   BENCH_SIZE_MIB   in-process file envelope size        (default: 256)
#   BENCH_DOCS       documents per round                  (default: 200000)
#   BENCH_CLI_MIB    CLI input file size                  (default: 1024)
#   BENCH_DATA_DIR   where the CLI input file is created once and kept, with the keys and ciphertexts
#                    (default: /var/tmp/coffre-bench, on disk; outputs "on disk" go there too)
#   BENCH_TMPFS_DIR  a tmpfs for the "tmpfs" outputs      (default: /dev/shm; removed at the end)
#   BENCH_WASM_MIB   wasm file envelope size              (default: 64)
#   BENCH_QUIET      before each CLI round, wait until less than this fraction of the machine is busy
#                    (default: 0.25), for at most BENCH_QUIET_WAIT seconds (default: 120); the reading is logged
#   BENCH_WASM_BUILD_DIR  build directory of the benchmark wasm variant (default: build-wasm-bench)
#   BENCH_RECIPIENTS recipients of the sharing benchmark (default: 1000)
#
# The machine is shared and noisy: only the ratios measured side by side in one run mean something; absolute
# figures swing 10-30% between runs. Never turn these into timed test assertions.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}
runs=${BENCH_RUNS:-5}
size_mib=${BENCH_SIZE_MIB:-256}
docs=${BENCH_DOCS:-200000}
cli_mib=${BENCH_CLI_MIB:-1024}
data=${BENCH_DATA_DIR:-/var/tmp/coffre-bench}
tmpfs_root=${BENCH_TMPFS_DIR:-/dev/shm}
wasm_mib=${BENCH_WASM_MIB:-64}
quiet=${BENCH_QUIET:-0.25}
quiet_wait=${BENCH_QUIET_WAIT:-120}
wasm_bench_build=${BENCH_WASM_BUILD_DIR:-$root/build-wasm-bench}
recipients=${BENCH_RECIPIENTS:-1000}

sections=("$@")
if [ "${1:-}" = server ]; then exec "$root/bench/server/bench.sh"; fi
[ ${#sections[@]} -eq 0 ] && sections=(native cli wasm sharing)
want() {
  local s
  for s in "${sections[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}
for s in "${sections[@]}"; do
  case $s in native | cli | wasm | sharing) ;; *) echo "usage: scripts/bench.sh [native] [cli] [wasm] [sharing]" >&2; exit 2 ;; esac
done

log() { printf '%s\n' "$*" >&2; }

# Fraction of all cores busy over the next half second (other engineers' builds and tests share this machine).
busy() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 0.5
  read -r -a b < <(grep '^cpu ' /proc/stat)
  awk -v u="$((b[1] + b[2] + b[3] + b[6] + b[7] - a[1] - a[2] - a[3] - a[6] - a[7]))" \
    -v i="$((b[4] + b[5] - a[4] - a[5]))" 'BEGIN {printf "%.2f", (u + i) ? u / (u + i) : 0}'
}
# Waits (up to BENCH_QUIET_WAIT seconds) until less than BENCH_QUIET of the machine is busy; prints the last reading.
wait_quiet() {
  local b waited=0
  while b=$(busy) && ! awk -v b="$b" -v q="$quiet" 'BEGIN {exit !(b < q)}' && ((waited < quiet_wait)); do
    sleep 2
    waited=$((waited + 3))
  done
  printf '%s' "$b"
}
summary=()  # rows of the final table: "what|coffre|peer|ratio|target|verdict"
row() { summary+=("$1|$2|$3|$4|$5|$6"); }

# A field of a flat JSON line: jget LINE KEY
jget() { sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" <<<"$1"; }
# Median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
max() { printf '%s\n' "$@" | sort -g | tail -n1; }
# a / b with 3 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "n/a"; else printf "%.3f", a / b}'; }
mbps() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "n/a"; else printf "%.0f", a / b}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a >= b)}'; }

log "== machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), load $(cut -d' ' -f1-3 /proc/loadavg)"
log "== date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"

# ---------------------------------------------------------------------------------------------------------------
# Build (Release; tests off: only the library, the CLI and the benchmark are needed)
if want native || want cli || want sharing; then
  log "== building Release in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOFFRE_BUILD_TESTS=OFF -DCOFFRE_BUILD_CLI=ON \
    -DCOFFRE_BUILD_BENCH=ON >/dev/null
  ninja -C "$build" coffre_bench_file coffre_bench_sharing coffre_bench_drive coffre_cli >/dev/null
fi

# ---------------------------------------------------------------------------------------------------------------
# native
if want native; then
  log "== native: coffre_bench_file --size-mib $size_mib --runs $runs --docs $docs"
  out=$("$build/bench/coffre_bench_file" --size-mib "$size_mib" --runs "$runs" --docs "$docs")
  printf '%s\n' "$out" >&2
  j=$(grep '^{"bench":"coffre_file"' <<<"$out")
  verdict() { if ge "$1" "$2"; then echo met; else echo MISSED; fi; }
  row "file enc, 1 thread (MB/s)" "$(jget "$j" enc_mbps)" "$(jget "$j" raw_enc_mbps)" "$(jget "$j" enc_ratio)" ">= 0.9" \
    "$(verdict "$(jget "$j" enc_ratio)" 0.9)"
  row "file dec, 1 thread (MB/s)" "$(jget "$j" dec_mbps)" "$(jget "$j" raw_dec_mbps)" "$(jget "$j" dec_ratio)" ">= 0.9" \
    "$(verdict "$(jget "$j" dec_ratio)" 0.9)"
  row "file enc, all cores vs raw 1 thread" "$(jget "$j" enc_mt_mbps)" "$(jget "$j" raw_enc_mbps)" \
    "$(jget "$j" enc_mt_ratio)" "-" "info"
  row "file dec, all cores vs raw 1 thread" "$(jget "$j" dec_mt_mbps)" "$(jget "$j" raw_dec_mbps)" \
    "$(jget "$j" dec_mt_ratio)" "-" "info"
  row "file enc, all cores vs raw all cores" "$(jget "$j" enc_mt_mbps)" "$(jget "$j" raw_enc_mt_mbps)" \
    "$(jget "$j" enc_mt_vs_raw_mt)" "-" "info"
  row "file dec, all cores vs raw all cores" "$(jget "$j" dec_mt_mbps)" "$(jget "$j" raw_dec_mt_mbps)" \
    "$(jget "$j" dec_mt_vs_raw_mt)" "-" "info"
  row "doc seal 100 B (/s) vs raw, random nonce" "$(jget "$j" doc_seal_per_s)" "$(jget "$j" raw_seal_per_s)" \
    "$(jget "$j" doc_seal_ratio)" "-" "info"
  row "doc open 100 B (/s) vs raw" "$(jget "$j" doc_open_per_s)" "$(jget "$j" raw_open_per_s)" \
    "$(jget "$j" doc_open_ratio)" "-" "info"
  row "doc seal 100 B (/s) vs spec floor" "$(jget "$j" doc_seal_per_s)" "$(jget "$j" floor_seal_per_s)" \
    "$(jget "$j" doc_seal_vs_floor)" "-" "info"
  row "doc open 100 B (/s) vs spec floor" "$(jget "$j" doc_open_per_s)" "$(jget "$j" floor_open_per_s)" \
    "$(jget "$j" doc_open_vs_floor)" "-" "info"
  # Drive trees: a 10,000-entry folder against the raw floor (ratio = coffre time / floor time: lower is better).
  log "== native: coffre_bench_drive --entries 10000 --runs $runs"
  out=$("$build/bench/coffre_bench_drive" --entries 10000 --runs "$runs")
  printf '%s\n' "$out" >&2
  j=$(grep '^{"bench":"coffre_drive"' <<<"$out")
  under() { if awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; then echo met; else echo MISSED; fi; }
  row "drive list 10k, 1 thread (ms) vs floor (time)" "$(jget "$j" list_1t_ms)" "$(jget "$j" floor_1t_ms)" \
    "$(jget "$j" list_1t_ratio)" "< 1000 ms" "$(under "$(jget "$j" list_1t_ms)" 1000)"
  row "drive list 10k, all cores (ms) vs floor (time)" "$(jget "$j" list_mt_ms)" "$(jget "$j" floor_mt_ms)" \
    "$(jget "$j" list_mt_ratio)" "< 1000 ms" "$(under "$(jget "$j" list_mt_ms)" 1000)"
  row "drive create 10k, 1 thread (ms) vs floor (time)" "$(jget "$j" create_ms)" "$(jget "$j" floor_create_ms)" \
    "$(jget "$j" create_ratio)" "-" "info"
fi

# ---------------------------------------------------------------------------------------------------------------
# cli: coffre vs age, whole process
if want cli; then
  coffre=$build/cli/coffre
  if ! command -v age >/dev/null || ! command -v age-keygen >/dev/null; then
    log "== cli: age is not installed: apt-get install age"; exit 1
  fi
  if [ ! -x /usr/bin/time ]; then
    log "== cli: installing GNU time"
    apt-get install -y -q time >/dev/null
  fi
  mkdir -p "$data"
  shm=$(mktemp -d "$tmpfs_root/coffre-bench.XXXXXX")
  trap 'rm -rf "$shm"' EXIT
  plain=$data/plain-${cli_mib}MiB.bin
  if [ "$(stat -c %s "$plain" 2>/dev/null || echo 0)" != $((cli_mib << 20)) ]; then
    log "== cli: creating $plain ($cli_mib MiB of /dev/urandom; kept for later runs)"
    head -c $((cli_mib << 20)) /dev/urandom >"$plain.tmp" && mv "$plain.tmp" "$plain"
  fi
  rm -f "$data/key" "$data/age.key"
  "$coffre" keygen --symmetric -o "$data/key" 2>/dev/null
  age-keygen -o "$data/age.key" 2>/dev/null
  recipient=$(age-keygen -y "$data/age.key")
  log "== cli: $(age --version | sed 's/^/age /'), $("$coffre" --version), input $plain"
  # The ciphertexts to decrypt, made once.
  "$coffre" encrypt --key-file "$data/key" --input "$plain" -o "$data/in.coffre" --force
  age -r "$recipient" -o "$data/in.age" "$plain"
  cat "$plain" "$data/in.coffre" "$data/in.age" >/dev/null  # page cache
  sync

  declare -A T M U  # T[name]="t1 t2 ...", M[name]="rss1 rss2 ..." (KiB), U[name]="cpu1 ..." (user+sys s)
  tf=$(mktemp)
  # measure NAME CMD...: outputs removed and dirty pages flushed first (outside the timing), stdout to /dev/null.
  measure() {
    local name=$1; shift
    rm -f "$data"/out.* "$shm"/out.*
    sync
    local t0 t1 e m
    t0=$(date +%s%N)
    /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >/dev/null
    t1=$(date +%s%N)
    local u sy
    read -r e m u sy <"$tf"
    U[$name]="${U[$name]:-} $(awk -v a="$u" -v b="$sy" 'BEGIN {printf "%.2f", a + b}')"
    # wall time from the clock around /usr/bin/time (ms resolution; %e only has 10 ms), RSS from /usr/bin/time
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
    T[$name]="${T[$name]:-} $t"
    M[$name]="${M[$name]:-} $m"
  }
  C_ENC=("$coffre" encrypt --key-file "$data/key" --input "$plain")
  C_DEC=("$coffre" decrypt --key-file "$data/key" --input "$data/in.coffre")
  A_ENC=(age -r "$recipient")
  A_DEC=(age -d -i "$data/age.key")
  # pairs: name, coffre command, age command (each as a string evaluated with the arrays above)
  pair() {
    local name=$1 c=$2 a=$3 first=$4
    if [ "$first" = coffre ]; then
      eval "measure coffre_$name $c"; eval "measure age_$name $a"
    else
      eval "measure age_$name $a"; eval "measure coffre_$name $c"
    fi
  }
  for ((r = 1; r <= runs; r++)); do
    first=coffre; ((r % 2 == 0)) && first=age
    b=$(wait_quiet)
    log "   round $r/$runs ($first first; machine busy before: $b)"
    pair enc_disk '"${C_ENC[@]}" -o "$data/out.c"' '"${A_ENC[@]}" -o "$data/out.a" "$plain"' $first
    pair enc_tmpfs '"${C_ENC[@]}" -o "$shm/out.c"' '"${A_ENC[@]}" -o "$shm/out.a" "$plain"' $first
    pair enc_stdout '"${C_ENC[@]}" -o -' '"${A_ENC[@]}" "$plain"' $first
    pair enc_stdout_t1 '"${C_ENC[@]}" --threads 1 -o -' '"${A_ENC[@]}" "$plain"' $first
    pair dec_disk '"${C_DEC[@]}" -o "$data/out.c"' '"${A_DEC[@]}" -o "$data/out.a" "$data/in.age"' $first
    pair dec_tmpfs '"${C_DEC[@]}" -o "$shm/out.c"' '"${A_DEC[@]}" -o "$shm/out.a" "$data/in.age"' $first
    pair dec_stdout '"${C_DEC[@]}" -o -' '"${A_DEC[@]}" "$data/in.age"' $first
    pair dec_stdout_t1 '"${C_DEC[@]}" --threads 1 -o -' '"${A_DEC[@]}" "$data/in.age"' $first
    # age made durable like coffre's output (fsync of the file; coffre also fsyncs the directory)
    measure age_sync_enc_disk sh -c 'age -r "$0" -o "$1" "$2" && sync "$1"' "$recipient" "$data/out.a" "$plain"
    measure age_sync_dec_disk sh -c 'age -d -i "$0" -o "$1" "$2" && sync "$1"' "$data/age.key" "$data/out.a" \
      "$data/in.age"
  done
  # The outputs are right (checked once, outside the timing).
  "${C_DEC[@]}" -o "$shm/check" && cmp -s "$shm/check" "$plain" || { log "coffre round trip differs"; exit 1; }
  rm -f "$shm/check" "$data"/out.* "$tf"

  mb=$(awk -v m="$cli_mib" 'BEGIN {print m * 1048576 / 1e6}')
  cli_row() {  # cli_row NAME LABEL [AGE_NAME]
    local name=$1 label=$2 aname=${3:-age_$1}
    local ct at cm am
    # shellcheck disable=SC2086
    ct=$(median ${T[coffre_$name]}); at=$(median ${T[$aname]})
    # shellcheck disable=SC2086
    cm=$(max ${M[coffre_$name]}); am=$(max ${M[$aname]})
    local speed verdict
    # > 1: coffre faster. The median of the per-round ratios (both measured back to back), which drifting load on a
    # shared machine disturbs less than the ratio of the two medians.
    # shellcheck disable=SC2086
    speed=$(paste <(printf '%s\n' ${T[$aname]}) <(printf '%s\n' ${T[coffre_$name]}) |
      awk '{printf "%.6f\n", $1 / $2}' | sort -g |
      awk '{v[NR]=$1} END {if (NR%2) printf "%.3f", v[(NR+1)/2]; else printf "%.3f", (v[NR/2]+v[NR/2+1])/2}')
    if ge "$speed" 1.0; then verdict=met; else verdict=MISSED; fi
    [ "${3:-}" != "" ] && verdict=info
    row "cli $label: s (MB/s)" "$ct ($(mbps "$mb" "$ct"))" "$at ($(mbps "$mb" "$at"))" "$speed" "> 1 (faster)" "$verdict"
    # shellcheck disable=SC2086
    rss_rows+=("$label|$((cm / 1024))|$((am / 1024))|$(median ${U[coffre_$name]})|$(median ${U[$aname]})")
    log "   $label: coffre$(tr -s ' ' <<<"${T[coffre_$name]}") s; $aname$(tr -s ' ' <<<"${T[$aname]}") s"
  }
  rss_rows=()
  log "== cli results (wall seconds per run)"
  cli_row enc_disk "encrypt -> disk file"
  cli_row enc_disk "encrypt -> disk file, vs age+sync" age_sync_enc_disk
  cli_row enc_tmpfs "encrypt -> tmpfs file"
  cli_row enc_stdout "encrypt -> stdout"
  cli_row enc_stdout_t1 "encrypt -> stdout, --threads 1" age_enc_stdout
  cli_row dec_disk "decrypt -> disk file"
  cli_row dec_disk "decrypt -> disk file, vs age+sync" age_sync_dec_disk
  cli_row dec_tmpfs "decrypt -> tmpfs file"
  cli_row dec_stdout "decrypt -> stdout"
  cli_row dec_stdout_t1 "decrypt -> stdout, --threads 1" age_dec_stdout
  peak=0
  for r in "${rss_rows[@]}"; do
    IFS='|' read -r _ c _ _ _ <<<"$r"
    ((c > peak)) && peak=$c
  done
  if ((peak <= 32)); then v=met; else v=MISSED; fi
  row "cli coffre peak RSS, max over all runs (MiB)" "$peak" "age: see below" "-" "<= 32 MiB" "$v"
fi

# ---------------------------------------------------------------------------------------------------------------
# wasm
if want wasm; then
  js=$root/bindings/js/dist
  pkg=$js
  if [ -f "$js/index.js" ] && [ -f "$js/wasm/coffre.wasm" ]; then
    # The raw peer needs libsodium's XChaCha20-Poly1305 exported from the SAME wasm build. The shipped module exports
    # only coffre.h: build a benchmark variant (wasm/CMakeLists.txt's COFFRE_WASM_EXTRA_EXPORTS) in its own build
    # directory and put it in a private copy of the package. The shipped module is not touched.
    raw_exports="_crypto_aead_xchacha20poly1305_ietf_encrypt_detached;_crypto_aead_xchacha20poly1305_ietf_decrypt_detached"
    if command -v emcmake >/dev/null && grep -q COFFRE_WASM_EXTRA_EXPORTS "$root/wasm/CMakeLists.txt"; then
      log "== wasm: building the benchmark variant in $wasm_bench_build (first time ~1 min)"
      if src=$("$root/scripts/fetch-libsodium-source.sh" "$root/.deps") &&
        utf8proc_src=$("$root/scripts/fetch-utf8proc-source.sh" "$root/.deps") &&
        emcmake cmake -S "$root" -B "$wasm_bench_build" -DCMAKE_BUILD_TYPE=Release -DCOFFRE_LIBSODIUM_SRC="$src" \
          -DCOFFRE_UTF8PROC_SRC="$utf8proc_src" -DCOFFRE_WASM_EXTRA_EXPORTS="$raw_exports" >/dev/null &&
        cmake --build "$wasm_bench_build" --target coffre_wasm -j"$(nproc)" >/dev/null; then
        variant=$build/wasm-bench
        rm -rf "$variant" && mkdir -p "$variant" && cp -r "$js" "$variant/dist"
        cp "$wasm_bench_build/wasm/coffre.mjs" "$wasm_bench_build/wasm/coffre.wasm" "$variant/dist/wasm/"
        pkg=$variant/dist
        log "== wasm: benchmark variant (package JS + module with raw exports) -> $pkg"
      else
        log "== wasm: building the benchmark variant failed: envelope figures only, from the shipped module"
      fi
    fi
    log "== wasm: node bench/wasm_bench.mjs --size-mib $wasm_mib --runs $runs ($(node --version))"
    out=$(node "$root/bench/wasm_bench.mjs" --size-mib "$wasm_mib" --runs "$runs" --docs $((docs / 4)) --pkg "$pkg")
    printf '%s\n' "$out" >&2
    j=$(grep '^{"bench":"coffre_wasm"' <<<"$out")
    if [ "$(jget "$j" raw)" = "true" ]; then
      v_enc=$(ge "$(jget "$j" enc_ratio)" 0.9 && echo met || echo MISSED)
      v_dec=$(ge "$(jget "$j" dec_ratio)" 0.9 && echo met || echo MISSED)
      row "wasm file enc (MB/s) vs raw wasm" "$(jget "$j" enc_mbps)" "$(jget "$j" raw_enc_mbps)" "$(jget "$j" enc_ratio)" ">= 0.9" "$v_enc"
      row "wasm file dec (MB/s) vs raw wasm" "$(jget "$j" dec_mbps)" "$(jget "$j" raw_dec_mbps)" "$(jget "$j" dec_ratio)" ">= 0.9" "$v_dec"
      row "wasm doc seal 100 B (/s) vs raw, random nonce" "$(jget "$j" doc_seal_per_s)" "$(jget "$j" raw_seal_per_s)" "$(jget "$j" doc_seal_ratio)" "-" "info"
      row "wasm doc open 100 B (/s) vs raw" "$(jget "$j" doc_open_per_s)" "$(jget "$j" raw_open_per_s)" "$(jget "$j" doc_open_ratio)" "-" "info"
    else
      row "wasm file enc (MB/s)" "$(jget "$j" enc_mbps)" "no raw export" "-" ">= 0.9" "unmeasured"
      row "wasm file dec (MB/s)" "$(jget "$j" dec_mbps)" "no raw export" "-" ">= 0.9" "unmeasured"
      row "wasm doc seal 100 B (/s)" "$(jget "$j" doc_seal_per_s)" "no raw export" "-" "-" "info"
      row "wasm doc open 100 B (/s)" "$(jget "$j" doc_open_per_s)" "no raw export" "-" "-" "info"
    fi
    row "wasm file enc, JS API vs C ABI (MB/s)" "$(jget "$j" js_enc_mbps)" "$(jget "$j" enc_mbps)" "$(jget "$j" js_enc_vs_abi)" "-" "info"
    row "wasm file dec, JS API vs C ABI (MB/s)" "$(jget "$j" js_dec_mbps)" "$(jget "$j" dec_mbps)" "$(jget "$j" js_dec_vs_abi)" "-" "info"
    row "wasm doc seal, JS API vs C ABI (/s)" "$(jget "$j" js_seal_per_s)" "$(jget "$j" doc_seal_per_s)" "$(jget "$j" js_seal_vs_abi)" "-" "info"
    row "wasm doc open, JS API vs C ABI (/s)" "$(jget "$j" js_open_per_s)" "$(jget "$j" doc_open_per_s)" "$(jget "$j" js_open_vs_abi)" "-" "info"
  else
    log "== wasm: skipped: $js/index.js or $js/wasm/coffre.wasm missing (scripts/build-wasm.sh, then npm run build in bindings/js)"
    row "wasm" "not built" "-" "-" "-" "skipped"
  fi
fi

# ---------------------------------------------------------------------------------------------------------------
# sharing: content-key wraps against the raw primitives (ratio here = coffre time / floor time: 1.0 is no overhead)
if want sharing; then
  log "== sharing: coffre_bench_sharing --recipients $recipients --runs $runs"
  out=$("$build/bench/coffre_bench_sharing" --recipients "$recipients" --runs "$runs")
  printf '%s\n' "$out" >&2
  j=$(grep '^{"bench":"coffre_sharing"' <<<"$out")
  under() { if awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; then echo met; else echo MISSED; fi; }
  row "wrap to $recipients, 1 thread (s; ratio = time/floor)" "$(jget "$j" wrap_1t_s)" "$(jget "$j" floor_1t_s)" \
    "$(jget "$j" wrap_1t_ratio)" "< 0.25 s" "$(under "$(jget "$j" wrap_1t_s)" 0.25)"
  row "wrap to $recipients, all cores (s; time/floor)" "$(jget "$j" wrap_mt_s)" "$(jget "$j" floor_mt_s)" \
    "$(jget "$j" wrap_mt_ratio)" "< 0.25 s" "$(under "$(jget "$j" wrap_mt_s)" 0.25)"
  row "unwrap one (us; time/floor)" "$(jget "$j" unwrap_us)" "$(jget "$j" floor_unwrap_us)" \
    "$(jget "$j" unwrap_ratio)" "< 500 us" "$(under "$(jget "$j" unwrap_us)" 500)"
fi

# ---------------------------------------------------------------------------------------------------------------
echo
echo "coffre benchmarks, $(date -u +%Y-%m-%d), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(ratio = coffre speed / peer speed, median of the per-round ratios; times and MB/s are medians of $runs rounds;"
echo " the machine is noisy: ratios only)"
printf '%-48s %18s %18s %8s %14s %s\n' "what" "coffre" "peer" "ratio" "target" "verdict"
for r in "${summary[@]}"; do
  IFS='|' read -r a b c d e f <<<"$r"
  printf '%-48s %18s %18s %8s %14s %s\n' "$a" "$b" "$c" "$d" "$e" "$f"
done
if want cli; then
  echo
  echo "cli peak RSS (MiB, max over runs) and CPU time (user+sys seconds, median)"
  printf '%-40s %10s %10s %12s %12s\n' "" "coffre RSS" "age RSS" "coffre CPU" "age CPU"
  for r in "${rss_rows[@]}"; do
    IFS='|' read -r a b c d e <<<"$r"
    printf '%-40s %10s %10s %12s %12s\n' "$a" "$b" "$c" "$d" "$e"
  done
fi
