#!/usr/bin/env bash
# bench/server/bench.sh: the reference store server (server/, docs/STORE.md) against its transport floor, in one run
# (docs/PERFORMANCE.md, "Store server"). A throwaway PostgreSQL (scripts/lib/pg.sh: initdb under /tmp, fsync on) and
# the server; one account made by `coffre init --store URL --no-passphrase`; then, alternating the order each round:
#
#   transfer  `coffre drive put FILE` and `coffre drive get` (to tmpfs) of a BENCH_SIZES file, against curl moving
#             the same ciphertext (the blob the CLI stored, read back once) in the same parts to the same server:
#             POST /v1/uploads, one PUT per part, the commit; and the same 4 MiB ranged GETs the CLI sends (also one
#             whole GET, for information). curl's requests are signed with the CLI device's key (@coffre/core
#             signStoreRequest, bench/server/curl-config.mjs) before curl starts. ratio = curl time / coffre time.
#   memory    the server's peak RSS (VmHWM, reset through /proc/PID/clear_refs before each transfer, and VmRSS
#             sampled every 20 ms) during each upload, per file size; and the idle server's RSS.
#   rps       small signed GETs per second (accounts/<user>/log/0.entry, BENCH_RPS_N requests over BENCH_RPS_CONC
#             connections) against a second server process on the same database whose signature check and nonce
#             insert are removed at load time by bench/server/unsigned-hook.mjs (bench-only; no server flag).
#
# Environment: BENCH_COFFRE (CLI binary; default build-bench/cli/coffre, built like scripts/bench.sh), BENCH_RUNS
# (rounds, default 3), BENCH_SIZES (MiB, default "256 1024"), BENCH_DATA_DIR (plaintext inputs, kept; default
# /var/tmp/coffre-bench), BENCH_TMPFS_DIR (default /dev/shm), BENCH_RPS_N (default 10000), BENCH_RPS_CONC
# (default 16), BENCH_WARMUP (1: one untimed put of each size first; 0: none), BENCH_INPUT (tmpfs: the CLI's input is copied to BENCH_TMPFS_DIR first, like curl's parts;
# disk: read where it is, with O_DIRECT, from the disk PostgreSQL writes to), BENCH_QUIET / BENCH_QUIET_WAIT (wait for a quieter machine before each round: fraction busy,
# default 0.5, at most 30 s). Root is needed for PostgreSQL as the postgres user (scripts/lib/pg.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/bench/server
coffre=${BENCH_COFFRE:-$root/build-bench/cli/coffre}
runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-256 1024}
data=${BENCH_DATA_DIR:-/var/tmp/coffre-bench}
tmpfs_root=${BENCH_TMPFS_DIR:-/dev/shm}
rps_n=${BENCH_RPS_N:-10000}
rps_conc=${BENCH_RPS_CONC:-16}
quiet=${BENCH_QUIET:-0.5}
quiet_wait=${BENCH_QUIET_WAIT:-30}
step=$((4 << 20))  # the CLI's ranged read (cli/src/http_store.cpp kStreamStep)

. "$root/scripts/lib/pg.sh"
. "$root/scripts/lib/server-build.sh"
log() { printf '%s\n' "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
busy() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat); sleep 0.5; read -r -a b < <(grep '^cpu ' /proc/stat)
  awk -v u="$((b[1] + b[2] + b[3] + b[6] + b[7] - a[1] - a[2] - a[3] - a[6] - a[7]))" \
    -v i="$((b[4] + b[5] - a[4] - a[5]))" 'BEGIN {printf "%.2f", (u + i) ? u / (u + i) : 0}'
}
wait_quiet() {
  local b waited=0
  while b=$(busy) && ! awk -v b="$b" -v q="$quiet" 'BEGIN {exit !(b < q)}' && ((waited < quiet_wait)); do
    sleep 2; waited=$((waited + 3))
  done
  printf '%s' "$b"
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
max() { printf '%s\n' "$@" | sort -g | tail -n1; }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b - a) / 1e9}'; }

# --- build ---------------------------------------------------------------------------------------------------
if [ ! -x "$coffre" ]; then
  log "== building the CLI (Release) in $root/build-bench"
  cmake -S "$root" -B "$root/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCOFFRE_BUILD_TESTS=OFF \
    -DCOFFRE_BUILD_CLI=ON >/dev/null
  ninja -C "$root/build-bench" coffre_cli >/dev/null
fi
server_build "$root" >/dev/null 2>&1 || server_build "$root"

log "== machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $(free -m | awk '/Mem:/ {print $2}') MiB"
log "== date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$root" rev-parse --short HEAD), load $(load)"
log "== $("$coffre" --version), $(curl --version | head -n1 | cut -d' ' -f1-2), node $(node --version)"

# --- PostgreSQL, the servers, the account ----------------------------------------------------------------------
shm=$(mktemp -d "$tmpfs_root/coffre-server-bench.XXXXXX")
pids=()
cleanup() {
  trap - EXIT INT TERM
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pg_throwaway_stop
  rm -rf "$shm"
}
trap cleanup EXIT INT TERM
pg_throwaway_start
log "== PostgreSQL in $PG_DIR ($(df --output=fstype "$PG_DIR" | tail -n1), fsync on)"
server_flags=(--database "$PG_URL" --quota $((1 << 50)) --rate 1000000 --burst 1000000)
start_server() {  # start_server PORT [node flags...]: sets server_pid
  local port=$1; shift
  node "$@" "$root/server/dist/src/main.js" "${server_flags[@]}" --port "$port" >>"$shm/server-$port.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  local i
  for ((i = 0; i < 100; i++)); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v1/o/x" && return 0
    sleep 0.1
  done
  log "server on $port did not start:"; cat "$shm/server-$port.log" >&2; return 1
}
port=$(pg_free_port)
start_server "$port"
pid=$server_pid
url=http://127.0.0.1:$port
rss() { sed -n "s/^$1:\s*\([0-9]*\) kB/\1/p" "/proc/$pid/status"; }
idle_rss=$(rss VmRSS)
log "== server pid $pid at $url; idle RSS $((idle_rss / 1024)) MiB"

home=$shm/home
"$coffre" init --home "$home" --store "$url" --no-passphrase >/dev/null 2>"$shm/init.log" || { cat "$shm/init.log" >&2; exit 1; }
user=$(sed -n 's/^user //p' "$home/device.state")
drive() { local op=$1; shift; "$coffre" drive "$op" --home "$home" --store "$url" "$@"; }
drive ls / >/dev/null
warm_rss=$(rss VmRSS)
log "== account $user; server RSS after init and a listing: $((warm_rss / 1024)) MiB"

# --- transfers and memory ---------------------------------------------------------------------------------------
# Samples the server's VmRSS every 20 ms while "$@" runs; sets peak_hwm and peak_sampled (KiB), t (seconds).
measured() {
  echo 5 >"/proc/$pid/clear_refs"  # resets VmHWM to the current RSS
  local f=$shm/samples
  : >"$f"
  (while :; do rss VmRSS >>"$f"; sleep 0.02; done) &
  local sampler=$! t0 t1
  t0=$(now)
  "$@"
  t1=$(now)
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  t=$(secs "$t0" "$t1")
  peak_hwm=$(rss VmHWM)
  peak_sampled=$(sort -g "$f" | tail -n1)
}
psql_q() { pg_as_owner "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U coffre -d coffre -At -c "$1"; }
new_id() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

curl_upload() {  # curl_upload PARTS_DIR: a new blob of this account from the part files, timed as one
  local blob cfg=$shm/up.cfg t0 t1 t2 t3 id
  blob=drive/$user/blobs/$(new_id)/0
  node "$here/curl-config.mjs" "$root" "$home" "$url" "$cfg" upload --blob "$blob"
  t0=$(now); curl -K "$cfg.start"; t1=$(now)
  id=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' "$cfg.start.json")
  node "$here/curl-config.mjs" "$root" "$home" "$url" "$cfg" upload --blob "$blob" --id "$id" --parts "$1"
  t2=$(now); curl -K "$cfg"; t3=$(now)
  curl_up_s=$(awk -v a="$((t1 - t0))" -v b="$((t3 - t2))" 'BEGIN {printf "%.3f", (a + b) / 1e9}')
}

declare -A T R
rec() { T[$1]="${T[$1]:-} $2"; }
for mib in $sizes; do
  mkdir -p "$data"
  plain=$data/plain-${mib}MiB.bin
  if [ "$(stat -c %s "$plain" 2>/dev/null || echo 0)" != $((mib << 20)) ]; then
    log "== creating $plain"
    head -c $((mib << 20)) /dev/urandom >"$plain.tmp" && mv "$plain.tmp" "$plain"
  fi
  # The CLI reads its input from tmpfs, like curl its parts: on disk, its O_DIRECT reads would compete with
  # PostgreSQL's writes to the same disk, which curl's input does not (BENCH_INPUT=disk measures that case).
  if [ "${BENCH_INPUT:-tmpfs}" = tmpfs ]; then cp "$plain" "$shm/plain-$mib" && plain=$shm/plain-$mib; fi
  cat "$plain" >/dev/null
  parts=$shm/parts-$mib ct=$shm/ct-$mib
  # Untimed warm-up of this size: a fresh cluster creates (zero-fills) its WAL segments on first use, which cost
  # whoever went first 2-3x its time (the first round's `drive put` was always the outlier, before and after).
  if [ "${BENCH_WARMUP:-1}" = 1 ]; then
    log "   $mib MiB warm-up put (untimed), load $(load)"
    drive put "$plain" "/warm$mib" >/dev/null
  fi
  for ((r = 1; r <= runs; r++)); do
    b=$(wait_quiet)
    first=coffre; ((r % 2 == 0)) && first=curl
    log "   $mib MiB round $r/$runs ($first first; busy $b, load $(load))"
    for who in $first $([ $first = coffre ] && echo curl || echo coffre); do
      sync
      if [ $who = coffre ]; then
        measured drive put "$plain" "/f$mib-$r"
        rec "coffre_put_$mib" "$t"; R[$mib]="${R[$mib]:-} $peak_hwm $peak_sampled"
        log "     coffre put $t s, server peak RSS $((peak_hwm / 1024)) MiB (sampled $((peak_sampled / 1024))), load $(load)"
        if [ ! -d "$parts" ]; then  # the ciphertext the CLI stored, and its parts (once, outside the timing)
          n=$((mib << 20))
          blob=$(psql_q "SELECT path FROM objects WHERE kind = 'blob' AND size > $n AND size < $n + $n / 50 LIMIT 1")
          blob_id=$(psql_q "SELECT blob_id FROM objects WHERE path = '$blob'")
          mapfile -t part_sizes < <(psql_q "SELECT size FROM blob_parts WHERE blob_id = '$blob_id' ORDER BY k")
          node "$here/curl-config.mjs" "$root" "$home" "$url" "$shm/dl.cfg" download --blob "$blob"
          curl -K "$shm/dl.cfg" >"$ct"
          mkdir -p "$parts"
          k=0
          { for s in "${part_sizes[@]}"; do head -c "$s" >"$parts/$k"; k=$((k + 1)); done; } <"$ct"
          log "     ciphertext: $blob, $(stat -c %s "$ct") bytes in ${#part_sizes[@]} parts (first $((part_sizes[0])), last $((part_sizes[-1])))"
          ct_size=$(stat -c %s "$ct")
        fi
      else
        measured curl_upload "$parts"
        rec "curl_put_$mib" "$curl_up_s"; R[$mib]="${R[$mib]:-} $peak_hwm $peak_sampled"
        log "     curl upload $curl_up_s s, server peak RSS $((peak_hwm / 1024)) MiB (sampled $((peak_sampled / 1024))), load $(load)"
      fi
    done
    # downloads to tmpfs: coffre gets this round's file, curl the ciphertext of the first round (same size)
    node "$here/curl-config.mjs" "$root" "$home" "$url" "$shm/get.cfg" download --blob "$blob" --step $step --size "$ct_size"
    node "$here/curl-config.mjs" "$root" "$home" "$url" "$shm/getall.cfg" download --blob "$blob"
    for who in $first $([ $first = coffre ] && echo curl || echo coffre); do
      rm -f "$shm/out"*
      if [ $who = coffre ]; then
        measured drive get "/f$mib-$r" "$shm/out"
        rec "coffre_get_$mib" "$t"
        [ "$r" = 1 ] && { cmp -s "$shm/out" "$plain" || { log "coffre get differs"; exit 1; }; }
        log "     coffre get $t s, load $(load)"
      else
        measured sh -c 'curl -K "$0" >"$1"' "$shm/get.cfg" "$shm/out.curl"
        rec "curl_get_$mib" "$t"
        [ "$r" = 1 ] && { cmp -s "$shm/out.curl" "$ct" || { log "curl ranged get differs"; exit 1; }; }
        measured sh -c 'curl -K "$0" >"$1"' "$shm/getall.cfg" "$shm/out.curl"
        rec "curlall_get_$mib" "$t"
        log "     curl get (4 MiB ranges) ${T[curl_get_$mib]##* } s, whole $t s, load $(load)"
      fi
    done
    rm -f "$shm/out"*
  done
  rm -rf "$parts" "$ct" "$shm/plain-$mib"
done

# --- requests per second -------------------------------------------------------------------------------------------
port2=$(pg_free_port) port3=$(pg_free_port) port4=$(pg_free_port)
start_server "$port2" --import "$here/unsigned-hook.mjs"
COFFRE_BENCH_SKIP=signature start_server "$port3" --import "$here/unsigned-hook.mjs"  # nonce insert kept
COFFRE_BENCH_SKIP=nonce start_server "$port4" --import "$here/unsigned-hook.mjs"      # signature check kept
target=/v1/o/accounts/$user/log/0.entry
rps_run() {  # rps_run NAME PORT
  local j
  j=$(node "$here/rps.mjs" "$root" "$home" "http://127.0.0.1:$2" "$target" "$rps_n" "$rps_conc")
  rec "rps_$1" "$(sed -n 's/.*"per_s":\([0-9]*\).*/\1/p' <<<"$j")"
  log "     $1: $j, load $(load)"
}
# The hook really removed the check: a request with a bad signature is refused by one server and served by the other.
bad() { curl -s -o /dev/null -w '%{http_code}' -H "Coffre-Key: $(printf 'ab%.0s' {1..32})" -H "Coffre-User: $user" \
  -H "Coffre-Time: $(date +%s)" -H "Coffre-Nonce: $(new_id)" \
  -H "Coffre-Content-SHA256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
  -H "Coffre-Signature: $(printf '00%.0s' {1..64})" "http://127.0.0.1:$1$target"; }
log "== rps: a bad signature gets $(bad "$port") from the server, $(bad "$port2") from the bench-only unsigned one"
for ((r = 1; r <= runs; r++)); do
  b=$(wait_quiet)
  log "   rps round $r/$runs (busy $b, load $(load))"
  if ((r % 2)); then rps_run signed "$port"; rps_run unsigned "$port2"; else rps_run unsigned "$port2"; rps_run signed "$port"; fi
  rps_run nonce_only "$port3"; rps_run verify_only "$port4"
done

# --- summary -------------------------------------------------------------------------------------------------------
echo
echo "store server benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, load $(load), medians of $runs rounds"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
mbps() { awk -v m="$1" -v t="$2" 'BEGIN {printf "%.0f", m * 1048576 / 1e6 / t}'; }
printf '%-44s %16s %16s %8s %10s %s\n' what coffre curl ratio target verdict
for mib in $sizes; do
  for op in put get; do
    # shellcheck disable=SC2086
    c=$(median ${T[coffre_${op}_$mib]}) k=$(median ${T[curl_${op}_$mib]})
    rt=$(ratio "$k" "$c")
    v=$(awk -v r="$rt" 'BEGIN {print (r >= 0.8) ? "met" : "MISSED"}')
    printf '%-44s %16s %16s %8s %10s %s\n' "$op $mib MiB: s (MB/s)" "$c ($(mbps "$mib" "$c"))" "$k ($(mbps "$mib" "$k"))" "$rt" ">= 0.8" "$v"
  done
  # shellcheck disable=SC2086
  whole=$(median ${T[curlall_get_$mib]}) c=$(median ${T[coffre_get_$mib]})
  printf '%-44s %16s %16s %8s %10s %s\n' "get $mib MiB vs curl one whole GET" "$c ($(mbps "$mib" "$c"))" \
    "$whole ($(mbps "$mib" "$whole"))" "$(ratio "$whole" "$c")" "-" info
done
# shellcheck disable=SC2086
s=$(median ${T[rps_signed]}) u=$(median ${T[rps_unsigned]})
cost=$(awk -v s="$s" -v u="$u" 'BEGIN {printf "%.1f", 100 * (1 - s / u)}')
printf '%-44s %16s %16s %8s %10s %s\n' "small GETs/s: signed vs unchecked" "$s" "$u" "$(ratio "$s" "$u")" "< 20% cost" \
  "$(awk -v c="$cost" 'BEGIN {print (c < 20) ? "met" : "MISSED"}') (cost $cost%)"
# shellcheck disable=SC2086
printf '%-44s %16s %16s\n' "  of which: only the nonce insert / only verify" "$(median ${T[rps_nonce_only]})" "$(median ${T[rps_verify_only]})"
echo
echo "server RSS (MiB): idle $((idle_rss / 1024)), after init $((warm_rss / 1024))"
for mib in $sizes; do
  # shellcheck disable=SC2086
  p=$(max ${R[$mib]})
  printf '  peak during the %s MiB uploads (coffre and curl, all rounds): %s MiB (%s); %s MiB above idle (%s)\n' \
    "$mib" $((p / 1024)) "$( ((p < 64 * 1024)) && echo 'absolute < 64 MiB: met' || echo 'absolute < 64 MiB: MISSED')" \
    $(((p - idle_rss) / 1024)) "$( ((p - idle_rss < 64 * 1024)) && echo '< 64 MiB: met' || echo '>= 64 MiB: MISSED')"
done
