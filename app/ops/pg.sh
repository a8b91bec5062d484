#!/bin/sh
# A private PostgreSQL cluster for development and tests, listening only on
# a Unix socket (no TCP port, nothing system-wide).
#
#   pg.sh start DIR [fast]   create the cluster in DIR the first time, start it
#   pg.sh stop DIR           stop it (fast shutdown)
#   pg.sh destroy DIR        stop it and delete it
#   pg.sh url DIR [ROLE]     print the libpq conninfo of the cluster
#
# "fast" trades durability for speed (fsync off): only for throw-away test
# clusters.  initdb and postgres refuse to run as root, so as root the
# cluster belongs to the postgres system user; when that user cannot reach
# DIR (a checkout under /root, a private temporary directory), the cluster
# lives under the postgres user's home and DIR is a symbolic link to it.
set -eu

[ $# -ge 2 ] || { echo "usage: pg.sh start|stop|destroy|url DIR [fast|ROLE]" >&2; exit 2; }
cmd=$1
mkdir -p "$(dirname "$2")"
link=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/pg_ctl" ] || { echo "pg.sh: PostgreSQL server not installed" >&2; exit 1; }

root=""
[ "$(id -u)" -eq 0 ] && root=1

as_owner() {
	if [ -n "$root" ]; then
		# From /: the postgres user may not be able to enter our cwd.
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# Where the cluster really is.
dir=$link
if [ -L "$link" ]; then
	dir=$(readlink -f "$link")
elif [ -n "$root" ] && ! (cd / && runuser -u postgres -- test -x "$(dirname "$link")"); then
	home=$(getent passwd postgres | cut -d: -f6)
	dir=$home/sen/$(printf %s "$link" | sha256sum | cut -c1-16)
fi

case "$cmd" in
url)
	echo "host=$dir/run dbname=sen user=${3:-postgres}"
	;;
start)
	mode=${3:-}
	if [ "$dir" != "$link" ] && [ ! -e "$link" ]; then
		mkdir -p "$dir"
		chown postgres:postgres "$(dirname "$dir")" "$dir"
		ln -s "$dir" "$link"
	fi
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		echo "sen: creating a new PostgreSQL cluster in $link"
		mkdir -p "$dir/data" "$dir/run"
		[ -n "$root" ] && chown -R postgres:postgres "$dir"
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
stop|destroy)
	if [ -f "$dir/data/PG_VERSION" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop \
		    >/dev/null 2>&1 || true
	fi
	if [ "$cmd" = destroy ]; then
		rm -rf "$dir"
		if [ -L "$link" ]; then
			rm -f "$link"
		fi
	fi
	;;
*)
	echo "usage: pg.sh start|stop|destroy|url DIR [fast|ROLE]" >&2
	exit 2
	;;
esac
