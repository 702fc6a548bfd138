# pg.sh: a PostgreSQL 15 cluster of one test (sourced).  initdb and pg_ctl
# from Debian's postgresql-15, in a temporary folder, listening on a Unix
# socket only (no TCP port), run by an unprivileged user when the tests
# run as root (PostgreSQL refuses root).

# pg_bindir: where initdb and pg_ctl are (empty when PostgreSQL is missing)
pg_bindir() {
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
	done
}

# pg_as_owner COMMAND...: run as the cluster's owner
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

# pg_start: a fresh cluster under a new folder; sets PG_DIR and
# PG_CONNINFO (a database "sigacor" on the cluster's socket)
pg_start() {
	PG_BIN=$(pg_bindir)
	[ -n "$PG_BIN" ] || { echo "# PostgreSQL 15 (initdb, pg_ctl) not found" >&2; return 1; }
	# the socket's path must stay short (108 bytes): not under the build tree
	PG_DIR=$(mktemp -d /tmp/sigacor-pg.XXXXXX) || return 1
	chmod 755 "$PG_DIR"
	mkdir "$PG_DIR/data" "$PG_DIR/run"
	[ "$(id -u)" -eq 0 ] && chown nobody "$PG_DIR/data" "$PG_DIR/run"
	pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U sigacor --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
		|| { sed 's/^/# /' "$PG_DIR/initdb.log" >&2; return 1; }
	# fsync off: this cluster lives for one test, and the tests kill the
	# sigacor server, not PostgreSQL
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/run/log" -w -s \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR/run' -c fsync=off -c max_connections=200" \
		start || { sed 's/^/# /' "$PG_DIR/run/log" >&2; return 1; }
	pg_as_owner "$PG_BIN/createdb" -h "$PG_DIR/run" -U sigacor sigacor || return 1
	PG_CONNINFO="host=$PG_DIR/run user=sigacor dbname=sigacor"
}

pg_stop() {
	if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
		pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -s stop >/dev/null 2>&1
		rm -rf "$PG_DIR"
		PG_DIR=
	fi
}
