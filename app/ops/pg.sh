#!/bin/sh
# A private PostgreSQL cluster for development and tests, listening only on
# a Unix socket inside the project (no TCP port, nothing system-wide).
#
#   pg.sh start DIR [fast]   create the cluster in DIR the first time, start it
#   pg.sh stop DIR           stop it (fast shutdown)
#   pg.sh url DIR [ROLE]     print the libpq conninfo of the cluster
#
# "fast" trades durability for speed (fsync off): only for throw-away test
# clusters.  initdb and postgres refuse to run as root, so as root the
# cluster belongs to the postgres system user.
set -eu

cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
mode=${3:-}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "pg.sh: PostgreSQL server not installed" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
url)
	echo "host=$dir/run dbname=sen user=${3:-postgres}"
	;;
start)
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		mkdir -p "$dir/data" "$dir/run"
		[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
		chmod 700 "$dir/data"
		as_owner "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 \
		    --locale=C.UTF-8 --auth=trust >"$dir/initdb.log" 2>&1 || {
			cat "$dir/initdb.log" >&2
			exit 1
		}
	fi
	opts="-k $dir/run -c listen_addresses= -c max_connections=200"
	if [ "$mode" = fast ]; then
		opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	fi
	if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -o "$opts" \
		    -l "$dir/postgres.log" -w -t 60 start >/dev/null || {
			tail -n 20 "$dir/postgres.log" >&2
			exit 1
		}
	fi
	if ! as_owner "$bindir/psql" -h "$dir/run" -U postgres -d postgres -Atqc \
	    "SELECT 1 FROM pg_database WHERE datname = 'sen'" | grep -q 1; then
		as_owner "$bindir/createdb" -h "$dir/run" -U postgres sen
	fi
	;;
stop)
	if [ -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop \
		    >/dev/null 2>&1 || true
	fi
	;;
*)
	echo "usage: pg.sh start|stop|url DIR [fast]" >&2
	exit 2
	;;
esac
