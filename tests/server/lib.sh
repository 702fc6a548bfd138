# lib.sh: helpers of the server tests (sourced after tests/tap.sh).
# A real sigacor-server on 127.0.0.1 with port 0, driven with curl.
# No fixed sleeps: every wait polls a condition with a bounded number of tries.
. "$top_srcdir/tests/server/pg.sh"

# tmp: a fresh folder for this test, removed at exit (with the server
# stopped).  With SIGACOR_TEST_BACKEND=postgresql (the .pgtest twins of the
# tests) the data folder keeps its records in a PostgreSQL cluster of its
# own (pg.sh), else in SQLite's server.db.
srv_setup() {
	tmp="$top_builddir/tests/tmp/$1.$$"
	rm -rf "$tmp" && mkdir -p "$tmp" || exit 1
	DATA="$tmp/data"
	SRV_PID=
	PG_DIR=
	trap 'srv_stop; pg_stop; rm -rf "$tmp"' EXIT
	if [ "$(srv_backend)" = postgresql ]; then
		if [ -z "$(pg_bindir)" ]; then
			echo "1..0 # SKIP PostgreSQL 15 is not installed (apt-get install postgresql-15)"
			exit 0
		fi
		if ! pg_start || ! srv_use_postgresql "$DATA"; then
			echo "Bail out! PostgreSQL did not start"
			exit 1
		fi
	fi
}

# srv_backend: sqlite or postgresql
srv_backend() { echo "${SIGACOR_TEST_BACKEND:-sqlite}"; }

# srv_use_postgresql FOLDER [DATABASE]: FOLDER's records in the cluster's
# database DATABASE (made when missing; default the cluster's first)
srv_use_postgresql() {
	srv_pg_db=${2:-sigacor}
	if [ "$srv_pg_db" != sigacor ]; then
		pg_as_owner "$PG_BIN/createdb" -h "$PG_DIR/run" -U sigacor "$srv_pg_db" 2>/dev/null
	fi
	"$SIGACOR_SERVER" use-postgresql "host=$PG_DIR/run user=sigacor dbname=$srv_pg_db" \
		--data "$1" >/dev/null
}

# srv_db_files: the files that hold the server's database: server.db (and
# its WAL), or the folder's connection string and the cluster's files
srv_db_files() {
	if [ -f "$DATA/database" ]; then
		printf "%s\n" "$DATA/database" "$PG_DIR/data"
	else
		ls "$DATA"/server.db*
	fi
}

# srv_intact: the server's database passes its backend's own check
srv_intact() {
	if [ -f "$DATA/database" ]; then
		"$PG_BIN/pg_amcheck" --install-missing "$(cat "$DATA/database")" >/dev/null
	else
		[ "$(sqlite3 "$DATA/server.db" 'PRAGMA integrity_check')" = ok ]
	fi
}

# srv_sql SQL [FOLDER]: the rows of a query on the server's database
# (columns joined by |), whichever backend holds it
srv_sql() {
	srv_sql_dir=${2:-$DATA}
	if [ -f "$srv_sql_dir/database" ]; then
		"$PG_BIN/psql" -d "$(cat "$srv_sql_dir/database")" -AtqX -v ON_ERROR_STOP=1 -c "$1"
	else
		sqlite3 "$srv_sql_dir/server.db" "$1"
	fi
}

# srv_refuse_change ID: a trigger of the test's refuses the change entry of
# record ID ("refused by the test"), the last of its rows written;
# srv_refuse_none drops it
srv_refuse_change() {
	if [ "$(srv_backend)" = postgresql ]; then
		srv_sql "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS \$\$
			BEGIN IF NEW.verification_id = '$1' THEN RAISE EXCEPTION 'refused by the test';
			END IF; RETURN NEW; END \$\$;
			CREATE TRIGGER test_refuse BEFORE INSERT ON changes FOR EACH ROW
			EXECUTE FUNCTION test_refuse()"
	else
		srv_sql "CREATE TRIGGER test_refuse BEFORE INSERT ON changes
			WHEN NEW.verification_id = '$1' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
	fi
}
srv_refuse_none() {
	if [ "$(srv_backend)" = postgresql ]; then
		srv_sql "DROP TRIGGER test_refuse ON changes; DROP FUNCTION test_refuse()"
	else
		srv_sql "DROP TRIGGER test_refuse"
	fi
}

# wait_for TRIES COMMAND...: run COMMAND every 50 ms until it succeeds (max TRIES)
wait_for() {
	n=$1; shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		n=$((n - 1))
		sleep 0.05
	done
	return 1
}

# serve_listening NAME [serve options...]: a server started in the
# background, its stdout through a pipe read until the line "listening on"
# (or its end, if the server stops first): a wait with no polling.  Its
# stdout is kept in $tmp/NAME.out, its stderr in $tmp/NAME.log; sets
# LISTEN_PID and LISTEN_ADDR (empty: it did not start).
serve_listening() {
	name=$1; shift
	: >"$tmp/$name.out"
	rm -f "$tmp/$name.pipe" && mkfifo "$tmp/$name.pipe" || return 1
	"$SIGACOR_SERVER" serve "$@" >"$tmp/$name.pipe" 2>>"$tmp/$name.log" &
	LISTEN_PID=$!
	exec 8<"$tmp/$name.pipe"
	LISTEN_ADDR=
	while [ -z "$LISTEN_ADDR" ] && IFS= read -r line <&8; do
		printf '%s\n' "$line" >>"$tmp/$name.out"
		case $line in "listening on "*) LISTEN_ADDR=${line#listening on };; esac
	done
	cat <&8 >>"$tmp/$name.out" &       # the rest, until the server ends
	exec 8<&-
	[ -n "$LISTEN_ADDR" ]
}

# srv_serve [serve options...]: the server on DATA (serve_listening);
# sets SRV_PID, SRV_ADDR and SRV_URL
srv_serve() {
	serve_listening serve --data "$DATA" "$@"
	SRV_PID=$LISTEN_PID SRV_ADDR=$LISTEN_ADDR
	if [ -z "$SRV_ADDR" ]; then
		diag "server did not start:"; sed 's/^/# /' "$tmp/serve.log"
		return 1
	fi
	SRV_URL="http://$SRV_ADDR/api/v1"
}

# srv_start [serve options...]: the server on a free port (srv_serve)
srv_start() {
	srv_serve --listen 127.0.0.1:0 "$@"
}

srv_stop() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=
	fi
}

srv_kill9() {
	kill -9 "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=
}

# operator NAME KELURAHAN[,..] [PASSWORD]: add one (password on stdin)
operator() {
	printf '%s\n' "${3:-kata-sandi-uji-1}" | "$SIGACOR_SERVER" add-operator "$1" \
		--kelurahan "$2" --data "$DATA" >/dev/null
}

# api METHOD PATH [curl options...]: the status code on stdout; the body in
# $tmp/body, the headers in $tmp/headers.  TOKEN, when set, is sent.
api() {
	method=$1; path=$2; shift 2
	if [ -n "${TOKEN:-}" ]; then
		set -- -H "Authorization: Bearer $TOKEN" "$@"
	fi
	if [ "$method" = HEAD ]; then
		set -- -I "$@"
	else
		set -- -X "$method" "$@"
	fi
	curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@" "$SRV_URL$path"
}

# api_json METHOD PATH JSON: send JSON
api_json() {
	api "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
}

# clerk_login "CLIENT" [LOGIN OPTIONS...]: `CLIENT login` with the server's
# password and, for a profile the login makes, the laptop password
# LAPTOP_PW on the next line (issue 12: a profile is encrypted from its
# first byte); then the profile unlocked for the rest of the test (sigacor
# unlock), so the headless commands that follow open it as a clerk who
# typed the password would.  CLIENT is "$SIGACOR --data-dir D --operator N".
LAPTOP_PW=kata-sandi-laptop-1
clerk_login() {
	clerk_login_cl=$1; shift
	printf '%s\n%s\n' "${SERVER_PW:-kata-sandi-uji-1}" "$LAPTOP_PW" | $clerk_login_cl login "$@" \
		&& printf '%s\n' "$LAPTOP_PW" | $clerk_login_cl unlock --minutes 60 >/dev/null
}

# profile_sql ROOT NAME SQL: the rows of a query on a clerk's profile, as
# sqlite3 prints them (the database is encrypted: tests/tools/profile-sql
# opens it with LAPTOP_PW)
profile_sql() {
	PROFILE_PASSWORD=$LAPTOP_PW "$top_builddir/tests/tools/profile-sql" "$@"
}

# crash_plan LOG ALL_UP_TO SPREAD: the crash points to kill a run at, one
# a line, from the SIGACOR_CRASH_LOG of an unkilled run ("N NAME" lines):
# every one when there are at most ALL_UP_TO, else the first and last of
# each name and SPREAD more over the run (as tests/store/crashpoints.h)
crash_plan() {
	awk -v all="$2" -v spread="$3" '
		{ if (!($2 in first)) first[$2] = NR; last[$2] = NR }
		END {
			if (NR <= all)
				for (i = 1; i <= NR; i++) pick[i] = 1
			else {
				for (k in first) pick[first[k]] = pick[last[k]] = 1
				for (k = 0; k < spread; k++)
					pick[1 + int((NR - 1) * k / (spread > 1 ? spread - 1 : 1))] = 1
			}
			for (i = 1; i <= NR; i++) if (i in pick) print i
		}' "$1"
}

# login NAME DEVICE [PASSWORD]: prints the token (empty on failure)
login() {
	TOKEN= api_json POST /auth/login \
		"{\"operator\":\"$1\",\"password\":\"${3:-kata-sandi-uji-1}\",\"device\":\"$2\"}" >/dev/null
	json_str token <"$tmp/body"
}

# json_str NAME: the first string member NAME of the JSON on stdin
json_str() {
	grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | sed "s/^\"$1\":\"//; s/\"\$//"
}

# json_num NAME: the first number member NAME
json_num() {
	grep -o "\"$1\":-\?[0-9]*" | head -n 1 | sed "s/^\"$1\"://"
}

# header NAME: the value of a response header of the last api call
header() {
	tr -d '\r' <"$tmp/headers" | grep -i "^$1:" | tail -n 1 | sed 's/^[^:]*: *//'
}

# is_problem CODE: the last answer is problem+json with that code and the marker
is_problem() {
	header Content-Type | grep -q '^application/problem+json' \
		&& [ "$(header X-Sigacor-Server)" = 1 ] \
		&& [ "$(json_str code <"$tmp/body")" = "$1" ]
}

# make_jpeg FILE BYTES: a file that starts like a JPEG, random after
make_jpeg() {
	printf '\377\330\377\340' >"$1"
	head -c "$2" /dev/urandom >>"$1"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# flip_byte FILE OFFSET: the byte at OFFSET changed (its lowest bit
# flipped), whatever it was
flip_byte() {
	flip_old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf '%03o' $((flip_old ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# uuid: a fresh lower-case UUID v4
uuid() {
	od -An -tx1 -N16 /dev/urandom | tr -d ' \n' \
		| sed 's/^\(........\)\(....\).\(...\).\(...\)\(............\)$/\1-\2-4\3-a\4-\5/'
}

# blob_size SHA256: the size of the photo the server holds (100 when it has
# none yet: the record is then refused for the missing photo first)
blob_size() {
	f="$DATA/blobs/$(echo "$1" | cut -c1-2)/$1"
	if [ -f "$f" ]; then stat -c %s "$f"; else echo 100; fi
}

# nik_photos NIK: three photos of that household, made and sent once per
# NIK (the server flags one photo on records of different NIKs); their
# hashes into P1 P2 P3
nik_photos() {
	for kind in ktp kk rumah; do
		f="$tmp/photo-$1-$kind.jpg"
		[ -f "$f" ] && continue
		printf '\377\330\377\340%s %s' "$1" "$kind" >"$f"
		head -c 2000 /dev/urandom >>"$f"
		api PUT "/blobs/$(sha "$f")" -H 'Content-Type: image/jpeg' --data-binary @"$f" >/dev/null
	done
	P1=$(sha "$tmp/photo-$1-ktp.jpg") P2=$(sha "$tmp/photo-$1-kk.jpg") P3=$(sha "$tmp/photo-$1-rumah.jpg")
}

# record ID NIK KELURAHAN KTP KK RUMAH [DECISION [REASON]]: a complete record,
# its house inside KELURAHAN (the server flags one elsewhere)
record() {
	rec_point=$("$top_builddir/tests/server/results_check" inside "$3" 1 2>/dev/null \
		|| echo '-6.178316 106.630981')
	rec_lat=${rec_point%% *} rec_lon=${rec_point##* }
	cat <<EOF
{"id":"$1","nik":"$2","in_registry":true,"name":"Warga Uji","address":"Jl. Kenanga No. 12",
 "kelurahan":"$3","kk":"","decision":"${7:-layak}","reason":"${8:-}","reason_text":"","notes":"",
 "coord":{"lat":$rec_lat,"lon":$rec_lon,"source":"exif","reason":""},
 "photos":[{"kind":"ktp","sha256":"$4","size":$(blob_size "$4"),"gps":null,"taken_at":""},
  {"kind":"kk","sha256":"$5","size":$(blob_size "$5"),"gps":null,"taken_at":""},
  {"kind":"rumah","sha256":"$6","size":$(blob_size "$6"),"gps":{"lat":$rec_lat,"lon":$rec_lon},"taken_at":"2025-03-14 09:15:02"}],
 "operator":"x","supersedes":"","created_at":"2025-03-14T02:10:00Z","finalised_at":"2025-03-14T02:16:40Z"}
EOF
}
