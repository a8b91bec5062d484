#!/bin/sh
# `make run`: a private PostgreSQL under var/ (unless DATABASE_URL is set),
# migrations, demo data, then Kore in the foreground on 127.0.0.1:8080.
# Ctrl-C stops Kore and the cluster this script started.
set -eu
cd "$(dirname "$0")/../.."

mkdir -p var/tmp
pg_started=""

cleanup() {
	trap - EXIT INT TERM
	if [ -n "$pg_started" ]; then
		echo "sen: stopping PostgreSQL"
		app/ops/pg.sh stop var/pg
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
	echo "sen: starting PostgreSQL in var/pg (Unix socket only)"
	app/ops/pg.sh start var/pg
	pg_started=1
	DATABASE_URL=$(app/ops/pg.sh url var/pg)
	export DATABASE_URL
fi

./build/sen-admin migrate
if [ -n "$pg_started" ]; then
	# Our own cluster: the server logs in as the least-privileged role.
	psql "$DATABASE_URL" -qAtc "ALTER ROLE sen_app LOGIN" >/dev/null
	SEN_APP_DATABASE_URL=$(app/ops/pg.sh url var/pg sen_app)
	export SEN_APP_DATABASE_URL
fi
./build/sen-admin demo

echo
echo "sen: serving http://127.0.0.1:8080  (Ctrl-C to stop)"
kore -f -n -r -c conf/dev.conf
