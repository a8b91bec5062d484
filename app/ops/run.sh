#!/bin/sh
# `make run`: a private PostgreSQL under var/ (unless DATABASE_URL is set),
# migrations, demo data, the notification sender in the background (its
# log: var/outbox.log), then Kore in the foreground on 127.0.0.1:8080.
# Ctrl-C stops Kore, the sender and the cluster this script started.
set -eu
cd "$(dirname "$0")/../.."

mkdir -p var/tmp
pg_started=""
outbox_pid=""

cleanup() {
	trap - EXIT INT TERM
	if [ -n "$outbox_pid" ]; then
		# It finishes the message in hand, then exits.
		kill "$outbox_pid" 2>/dev/null || true
		wait "$outbox_pid" 2>/dev/null || true
	fi
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

# The notification sender, as the server's least-privileged role when
# there is one.  Channels without configuration (SEN_SMTP_URL,
# SEN_GATEWAY_URL) write their messages to its log instead of sending.
DATABASE_URL=${SEN_APP_DATABASE_URL:-$DATABASE_URL} \
    ./build/sen-admin outbox >>var/outbox.log 2>&1 &
outbox_pid=$!
sleep 0.3
if ! kill -0 "$outbox_pid" 2>/dev/null; then
	outbox_pid=""
	echo "sen: WARNING: the notification sender did not start:" >&2
	tail -n 5 var/outbox.log >&2
fi

echo
echo "sen: serving http://127.0.0.1:8080  (Ctrl-C to stop)"
[ -n "$outbox_pid" ] &&
    echo "sen: notifications: the sender runs in the background, log in var/outbox.log"
if [ -z "${SEN_SMTP_URL:-}" ]; then
	echo "     e-mail: SEN_SMTP_URL not set, messages are written to var/outbox.log"
fi
if [ -z "${SEN_GATEWAY_URL:-}" ]; then
	echo "     SMS and Zalo: SEN_GATEWAY_URL not set, messages are written to var/outbox.log"
fi
kore -f -n -r -c conf/dev.conf
