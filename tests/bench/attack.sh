#!/bin/bash
# attack.sh: the slowloris and login-spray attacks of issue 8 rerun against
# a local sigacor-server, with a real client's latency measured meanwhile
# (`make bench-attack`; figures in doc/SECURITY.md).  Printed, never
# asserted.  The server listens on 127.0.0.1 only; attackers connect from
# other loopback source addresses (127.0.0.2 and up), standing for other
# machines; the real client connects from 127.0.0.1.  Every loop is bounded
# in time.
#   ATTACK_SECONDS=30   length of each slowloris run
set -u
top_builddir=${top_builddir:-.}
SERVER=${SERVER:-$top_builddir/sigacor-server}
SLOW=${SLOW:-$top_builddir/tests/tools/slowloris}
SECONDS_EACH=${ATTACK_SECONDS:-30}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sigacor-attack.XXXXXX")
PID=
PW=kata-sandi-uji-1
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
say() { printf '%s\n' "$*"; }

DATA=$TMP/data
printf '%s\n' "$PW" | "$SERVER" add-operator siti --kelurahan 36.71.01.1001 --data "$DATA" >/dev/null || exit 1
"$SERVER" serve --data "$DATA" --listen 127.0.0.1:0 >"$TMP/out" 2>"$TMP/log" &
PID=$!
for _ in $(seq 200); do
	ADDR=$(sed -n 's/^listening on //p' "$TMP/out")
	[ -n "$ADDR" ] && break
	sleep 0.05
done
[ -n "$ADDR" ] || { say "server did not start"; exit 1; }
PORT=${ADDR##*:}
URL="http://$ADDR/api/v1"

# login [SOURCE] NAME PASSWORD: "code seconds" of one login
login() {
	curl -s -m 30 --interface "$1" -o "$TMP/login.body" -w '%{http_code} %{time_total}\n' \
		-H 'Content-Type: application/json' -X POST \
		--data-binary "{\"operator\":\"$2\",\"password\":\"$3\",\"device\":\"bench\"}" "$URL/auth/login"
}
login 127.0.0.1 siti "$PW" >/dev/null
TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/login.body")

# probe FILE SECONDS: the real clerk from 127.0.0.1, bounded: GET /me every
# 0.5 s and a login (Argon2id) every 5 s; one "kind code seconds" line each
probe() {
	local end=$((SECONDS + $2)) n=0
	: >"$1"
	while [ $SECONDS -lt $end ]; do
		printf 'me %s\n' "$(curl -s -m 30 -o /dev/null -w '%{http_code} %{time_total}' \
			-H "Authorization: Bearer $TOKEN" "$URL/me")" >>"$1"
		if [ $((n % 10)) = 0 ]; then
			printf 'login %s\n' "$(login 127.0.0.1 siti "$PW")" >>"$1"
			TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/login.body")
		fi
		n=$((n + 1))
		sleep 0.5
	done
}

# wait_holding FILE...: until every attacker has opened its connections
# (slowloris says "holding N" on stderr), at most 20 s
wait_holding() {
	for _ in $(seq 400); do
		all=1
		for f in "$@"; do grep -q '^holding ' "$f" 2>/dev/null || all=; done
		[ -n "$all" ] && return 0
		sleep 0.05
	done
	say "the attackers did not get going"
}

# summary FILE KIND: answered/tries, median, p95 and max seconds
summary() {
	awk -v k="$2" '$1 == k { n++; if ($2 != "000") ok++; print $3 }
		END { printf "%d %d\n", n, ok > "/dev/stderr" }' "$1" 2>"$TMP/counts" | sort -n >"$TMP/times"
	read -r n ok <"$TMP/counts"
	awk -v n="$n" -v ok="$ok" -v k="$2" '{ t[NR] = $1 }
		END { if (NR == 0) { printf "  %-5s no tries\n", k; exit }
			printf "  %-5s %d/%d answered; median %.3f s, p95 %.3f s, max %.3f s\n", k, ok, n,
				t[int((NR + 1) / 2)], t[int(NR * 0.95 + 0.999)], t[NR] }' "$TMP/times"
}

report() {
	say "$1"
	summary "$2" me
	summary "$2" login
	[ -n "${3:-}" ] && say "  attacker: $(cat "$3")"
}

probe "$TMP/base" 10
report "baseline (no attack), 10 s:" "$TMP/base"

# the original attack: 2,100 connections of one client, a header line every 20 s
"$SLOW" -s 127.0.0.2 -n 2100 -i 20000 -d "$SECONDS_EACH" -m headers -r "$PORT" >"$TMP/a1" \
	2>"$TMP/a1.err" &
attackers=$!
wait_holding "$TMP/a1.err"
probe "$TMP/p1" $((SECONDS_EACH - 4))
wait $attackers     # never a bare wait: the server is a child too
report "slowloris, one address, 2,100 connections, a header line every 20 s, reconnecting, ${SECONDS_EACH} s:" "$TMP/p1" "$TMP/a1"

# the same from 33 addresses x 64 connections (more than --max-connections 2048)
attackers=
for i in $(seq 10 42); do
	"$SLOW" -s "127.0.0.$i" -n 64 -i 5000 -d "$SECONDS_EACH" -m headers -r "$PORT" >"$TMP/a2.$i" \
		2>"$TMP/a2err.$i" &
	attackers="$attackers $!"
done
wait_holding "$TMP"/a2err.*
probe "$TMP/p2" $((SECONDS_EACH - 4))
wait $attackers
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
	END { printf "opened=%d refused=%d cut=%d held=%d (33 attackers)\n", s["opened"], s["refused"], s["cut"], s["held"] }' \
	"$TMP"/a2.* >"$TMP/a2"
report "slowloris, 33 addresses x 64 connections, a header line every 5 s, reconnecting, ${SECONDS_EACH} s:" "$TMP/p2" "$TMP/a2"

# idle connections: 2,100 from one address, reconnecting
"$SLOW" -s 127.0.0.3 -n 2100 -i 1000 -d 20 -m idle -r "$PORT" >"$TMP/a3" 2>"$TMP/a3.err" &
attackers=$!
wait_holding "$TMP/a3.err"
probe "$TMP/p3" 16
wait $attackers
report "idle connections, one address, 2,100, reconnecting, 20 s:" "$TMP/p3" "$TMP/a3"

# a spray of unknown names: 40 parallel loops from one address for 30 s
spray_end=$((SECONDS + 30))
attackers=
for t in $(seq 40); do
	(
		i=0
		while [ $SECONDS -lt $spray_end ]; do
			login 127.0.0.4 "nobody$t-$i" salah | cut -d' ' -f1
			i=$((i + 1))
		done >"$TMP/spray.$t"
	) &
	attackers="$attackers $!"
done
probe "$TMP/p4" 28
wait $attackers
cat "$TMP"/spray.* | sort | uniq -c | awk '{ sep = (NR > 1) ? ", " : ""; printf "%s%s x %s", sep, $1, $2 }
	END { print " (answers to the attacker)" }' >"$TMP/a4"
report "login spray, 40 threads of unknown names from one address, 30 s:" "$TMP/p4" "$TMP/a4"
say "  real logins in order: $(awk '$1 == "login" { printf "%s ", $3 }' "$TMP/p4")"

kill "$PID" && wait "$PID" 2>/dev/null
PID=
say "server: $(grep -c ' 429 ' "$TMP/log") answers 429; $(grep 'sambungan lambat' "$TMP/log" | sed 's/^sigacor-server: //')"
