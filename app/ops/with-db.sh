#!/bin/sh
# Run a command against DATABASE_URL or, when it is unset, against the
# private cluster of `make run` (started for the command if need be).
set -eu
cd "$(dirname "$0")/../.."

if [ -n "${DATABASE_URL:-}" ]; then
	exec "$@"
fi

running=""
if [ -f var/pg/data/postmaster.pid ]; then
	running=1
fi
app/ops/pg.sh start var/pg
DATABASE_URL=$(app/ops/pg.sh url var/pg)
export DATABASE_URL

status=0
"$@" || status=$?
[ -n "$running" ] || app/ops/pg.sh stop var/pg
exit $status
