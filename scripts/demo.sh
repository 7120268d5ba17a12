#!/usr/bin/env bash
# The main job: builds everything (native and WebAssembly), then encrypts and decrypts a sample document and file
# natively (C ABI and CLI) and through the wasm module (JS package in node), showing what a server would store.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
step() { printf '\n=== %s\n' "$*"; }

step "build: native"
scripts/build-native.sh build -DCMAKE_BUILD_TYPE=Release >/dev/null
step "build: WebAssembly and the JS package"
scripts/build-wasm.sh >/dev/null
(cd bindings/js && npm ci --silent --no-audit --no-fund && npm run --silent build)

step "native, through the C ABI"
build/bindings/c/coffre_demo

step "native, through the coffre CLI"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
coffre=build/cli/coffre
head -c 3000000 /dev/urandom >"$work/report.pdf"
$coffre keygen --symmetric -o "$work/my.key"
$coffre encrypt --key-file "$work/my.key" --id drive:file/91ab --input "$work/report.pdf" -o "$work/report.pdf.coffre"
echo "  the server stores report.pdf.coffre; its public header:"
$coffre inspect "$work/report.pdf.coffre" | sed 's/^/    /'
$coffre decrypt --key-file "$work/my.key" --id drive:file/91ab --input "$work/report.pdf.coffre" -o "$work/back.pdf"
cmp "$work/report.pdf" "$work/back.pdf" && echo "  decrypted copy is identical"
if $coffre decrypt --key-file "$work/my.key" --id drive:file/other --input "$work/report.pdf.coffre" -o "$work/x" 2>"$work/err"; then
  echo "demo: a file opened under another id" >&2
  exit 1
fi
echo "  opened as another file id: $(cat "$work/err")"
test ! -e "$work/x" && echo "  and no output file was left behind"

step "accounts, sharing and Drive, through the coffre CLI (two users, one untrusted store)"
st="$work/store"
A=(--home "$work/alice" --store "$st")
B=(--home "$work/bob" --store "$st")
user_of() { sed -n 's/^ *user id: *\([0-9a-f]\{32\}\)$/\1/p' "$1"; }
$coffre init --name alice-laptop --no-passphrase "${A[@]}" >"$work/alice-init" 2>&1
$coffre init --name bob-phone --no-passphrase "${B[@]}" >"$work/bob-init" 2>&1
alice=$(user_of "$work/alice-init")
bob=$(user_of "$work/bob-init")
echo "  alice ($alice) and bob ($bob) created their accounts; each saw a 24-word recovery phrase once"
$coffre fingerprint "$bob" "${A[@]}" | sed 's/^/    /'
$coffre encrypt -r "$bob" "$work/report.pdf" -o "$work/report.shared" "${A[@]}" 2>&1 | sed 's/^/  /'
$coffre decrypt "$work/report.shared" -o "$work/bob.pdf" "${B[@]}"
cmp "$work/report.pdf" "$work/bob.pdf" && echo "  bob decrypted alice's shared file: identical"
doc=$(find "$st/docs" -name '*.wrap' -path "*/$bob.wrap" | head -n 1)
cp "$doc" "$work/wrap.saved"
printf '\x01' | dd of="$doc" bs=1 seek=1300 conv=notrunc status=none
if $coffre decrypt "$work/report.shared" -o "$work/y" "${B[@]}" 2>"$work/err"; then
  echo "demo: a tampered wrap opened" >&2
  exit 1
fi
echo "  the store flipped a byte of bob's wrap: $(cat "$work/err")"
cp "$work/wrap.saved" "$doc"
$coffre drive mkdir /projects "${A[@]}"
$coffre drive put "$work/report.pdf" /projects/report.pdf "${A[@]}" 2>/dev/null
echo "  alice's drive, listed and decrypted client-side:"
$coffre drive ls -l /projects "${A[@]}" | sed 's/^/    /'
$coffre drive share /projects "$bob" "${A[@]}" | sed 's/^/  /'
shared=$($coffre drive ls --shared "${B[@]}" | awk '{print $1; exit}')
$coffre drive get "$shared/report.pdf" "$work/bob-drive.pdf" "${B[@]}" 2>/dev/null
cmp "$work/report.pdf" "$work/bob-drive.pdf" && echo "  bob opened $shared/report.pdf from the shared folder: identical"
echo "  what the store holds (public records, signed lists, wraps, ciphertext; no name, no key):"
(cd "$st" && find . -type f | sed 's|^\./||' | awk -F/ '{print $1"/"$2}' | sort | uniq -c | sed 's/^/    /')

step "over the reference server (server/, docs/STORE.md): two devices of one user share nothing but its URL"
. scripts/lib/pg.sh
. scripts/lib/server-build.sh
server_build "$PWD" >/dev/null 2>&1
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  pg_throwaway_stop
  rm -rf "$work"
}
trap stop_server EXIT
pg_throwaway_start >/dev/null
port=$(pg_free_port)
node server/dist/src/main.js --database "$PG_URL" --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port"
echo "  server: $url (PostgreSQL holds everything, on a throwaway cluster)"
L=(--home "$work/s-laptop" --store "$url")
P=(--home "$work/s-phone" --store "$url")
C=(--home "$work/s-carol" --store "$url")
$coffre init --name alice-laptop --no-passphrase "${L[@]}" >"$work/s-init" 2>&1
alice=$(user_of "$work/s-init")
$coffre device request --user "$alice" --name alice-phone --yes --no-passphrase --timeout 60 "${P[@]}" \
  >"$work/s-request" 2>&1 &
request_pid=$!
rid=
for _ in $(seq 300); do
  rid=$(sed -n 's/^Request id: \([0-9a-f]\{32\}\).*/\1/p' "$work/s-request")
  [ -n "$rid" ] && break
  sleep 0.1
done
$coffre device approve "$rid" --yes "${L[@]}" | grep -E 'Security code' | sed 's/^/  laptop: /'
wait "$request_pid"
grep -E 'Security code|enrolled' "$work/s-request" | sed 's/^/  phone:  /'
$coffre init --name carol-desk --no-passphrase "${C[@]}" >"$work/s-carol-init" 2>&1
carol=$(user_of "$work/s-carol-init")
$coffre drive mkdir /plans "${L[@]}"
$coffre drive put "$work/report.pdf" /plans/budget-2027.pdf "${L[@]}" 2>/dev/null
$coffre drive get /plans/budget-2027.pdf "$work/phone.pdf" "${P[@]}" 2>/dev/null
cmp "$work/report.pdf" "$work/phone.pdf" && echo "  the phone read the laptop's upload through the server: identical"
$coffre drive share /plans "$carol" "${P[@]}" | sed 's/^/  phone: /'
shared=$($coffre drive ls --shared "${C[@]}" | awk '{print $1; exit}')
$coffre drive get "$shared/budget-2027.pdf" "$work/carol.pdf" "${C[@]}" 2>/dev/null
cmp "$work/report.pdf" "$work/carol.pdf" && echo "  carol opened the folder the phone shared: identical"
$coffre encrypt -r "$carol" "$work/report.pdf" -o "$work/s-report.shared" "${L[@]}" 2>&1 | sed 's/^/  /'
$coffre decrypt "$work/s-report.shared" -o "$work/carol2.pdf" "${C[@]}"
cmp "$work/report.pdf" "$work/carol2.pdf" && echo "  carol decrypted a file the laptop encrypted to her: identical"
# What the server holds: every row as text (bytea as hex) and the cluster's raw files; none of the plaintext, the
# file or folder names.
pg_as_owner "$(pg_bin)/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U coffre --data-only coffre >"$work/dump.sql"
for needle in "$(head -c 48 "$work/report.pdf" | od -An -tx1 | tr -d ' \n')" \
              "$(tail -c +1500001 "$work/report.pdf" | head -c 48 | od -An -tx1 | tr -d ' \n')" \
              "$(printf budget-2027 | od -An -tx1 | tr -d ' \n')" "$(printf plans | od -An -tx1 | tr -d ' \n')" \
              budget-2027 plans; do
  if grep -q -- "$needle" "$work/dump.sql"; then echo "demo: the server's database holds $needle" >&2; exit 1; fi
done
if grep -rqa -e budget-2027 "$PG_DIR/data/base" "$PG_DIR/data/pg_wal"; then
  echo "demo: the cluster's files hold a name" >&2
  exit 1
fi
echo "  the server's database ($(wc -c <"$work/dump.sql") bytes as text) holds no plaintext, no file or folder name"

step "WebAssembly, through @coffre/core in node"
node bindings/js/examples/demo.mjs

step "demo finished: everything above round-tripped, and every forgery was refused"
