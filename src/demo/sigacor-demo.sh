#!/bin/sh
# sigacor-demo: start a local sigacor-server with demo data on 127.0.0.1 and
# open the client on it.  Real Kota Tangerang kelurahan, synthetic residents.
# The demo lives in $SIGACOR_DEMO_DIR (default ~/.local/share/sigacor-demo);
# remove that folder to start again from nothing.
set -eu

bindir=${SIGACOR_BINDIR:-$(dirname "$0")}
client="$bindir/sigacor"
server="$bindir/sigacor-server"
[ -x "$client" ] || client=sigacor
[ -x "$server" ] || server=sigacor-server

demo=${SIGACOR_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/sigacor-demo}
residents=${SIGACOR_DEMO_RESIDENTS:-20000}
operator=demo
password=demo1234
# The demo operator works in two kelurahan of Kecamatan Karawaci.
kelurahan=36.71.07.1001,36.71.07.1002

umask 077
mkdir -p "$demo/server" "$demo/client"

say() { printf 'sigacor-demo: %s\n' "$*" >&2; }

if [ ! -f "$demo/server/.demo-ready" ]; then
	say "membuat data contoh ($residents penduduk)..."
	"$server" gen-demo --residents "$residents" --seed 2020 \
		--candidates "$demo/candidates.csv" > "$demo/residents.csv"
	"$server" import-residents "$demo/residents.csv" --data "$demo/server"
	"$server" import-candidates "$demo/candidates.csv" --data "$demo/server"
	printf '%s\n' "$password" | "$server" add-operator "$operator" \
		--kelurahan "$kelurahan" --data "$demo/server"
	# the city hands the households of both kelurahan to the demo clerk
	# (the worklist and `sigacor status` say "assigned to me")
	for k in $(printf '%s' "$kelurahan" | tr ',' ' '); do
		"$server" assign "$operator" --kelurahan "$k" --data "$demo/server" >/dev/null
	done
	: > "$demo/server/.demo-ready"
fi

say "menjalankan sigacor-server di 127.0.0.1..."
"$server" serve --data "$demo/server" --listen 127.0.0.1:0 > "$demo/server.out" 2> "$demo/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT INT TERM HUP

# Wait (bounded) for the server to say where it listens.
port=""
tries=0
while [ -z "$port" ] && [ "$tries" -lt 100 ]; do
	kill -0 "$server_pid" 2>/dev/null || { say "server gagal berjalan:"; cat "$demo/server.log" >&2; exit 2; }
	# the server's shell may not have made server.out yet: no error for that
	port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$demo/server.out" 2>/dev/null || true)
	[ -n "$port" ] || { tries=$((tries + 1)); sleep 0.1; }
done
[ -n "$port" ] || { say "server tidak menjawab"; exit 2; }
url="http://127.0.0.1:$port"
say "server: $url (petugas: $operator, kata sandi server dan laptop: $password)"

# The demo's photos of one household in Kelurahan Karawaci (drawn by
# assets/demo-photos/make-demo-photos.py, GPS at the house): copied to
# $demo/photos with their time taken set to now (the same number of bytes
# in place), so the first record has no "older than 30 days" warning; the
# picker opens there unless SIGACOR_PHOTO_INBOX says otherwise.
photos_src=${SIGACOR_DEMO_PHOTOS:-@pkgdatadir@/demo-photos}
if [ -d "$photos_src" ]; then
	mkdir -p "$demo/photos"
	taken=$(date +'%Y:%m:%d %H:%M:%S')
	for src in "$photos_src"/*.jpg; do
		[ -f "$src" ] || continue
		dst="$demo/photos/$(basename "$src")"
		[ -f "$dst" ] && continue          # once: the clerk's own copies stay
		cp "$src" "$dst"
		for at in $(LC_ALL=C grep -obUa '2026:01:15 09:30:00' "$dst" | cut -d: -f1); do
			printf '%s' "$taken" | dd of="$dst" bs=1 seek="$at" conv=notrunc status=none
		done
	done
	SIGACOR_PHOTO_INBOX=${SIGACOR_PHOTO_INBOX:-$demo/photos}
	export SIGACOR_PHOTO_INBOX
else
	say "foto contoh tidak ditemukan di $photos_src"
fi

cl() { "$client" --data-dir "$demo/client" --operator "$operator" "$@"; }
# The profile is encrypted from its first byte: the login that makes it
# reads the laptop password on the line after the server's (the demo uses
# the same one for both).  The demo unlocks it for an hour, so the sync
# and the status below ask for nothing; `sigacor lock` at the end.
unlock() { printf '%s\n' "$password" | cl unlock --minutes 60 >/dev/null; }
[ ! -f "$demo/client/$operator/profile.key" ] || unlock
printf '%s\n%s\n' "$password" "$password" | cl login --server "$url" --operator "$operator"
unlock
trap 'cl lock >/dev/null 2>&1; kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT INT TERM HUP
cl sync || say "sinkronisasi belum selesai; coba lagi dari layar (tombol F5)"

if [ "${SIGACOR_DEMO_NO_UI:-}" = 1 ]; then
	cl status
else
	status=0
	cl || status=$?
	# what the terminal keeps after the screens close is the state now (the
	# sync summary above was printed before the session)
	cl status || true
	exit "$status"
fi
