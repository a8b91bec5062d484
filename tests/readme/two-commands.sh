#!/bin/sh
# The README's first command, as a newcomer runs it: `make run` in a clean
# copy of the repository.  It must build, start its own PostgreSQL, print
# the demo accounts, serve :8080, stop everything on Ctrl-C, and reuse the
# cluster and its data the second time.  (`make test`, the second command,
# is what runs this.)
set -eu
cd "$(dirname "$0")/../.."

port=8080
work=$(mktemp -d /tmp/sen-readme.XXXXXX)
pgid=""

fail() {
	echo "two-commands: $*" >&2
	[ -f "$work/run.log" ] && tail -n 30 "$work/run.log" >&2
	exit 1
}

cleanup() {
	trap - EXIT INT TERM
	[ -n "$pgid" ] && kill -TERM "-$pgid" 2>/dev/null || true
	(cd "$work/sen" && app/ops/pg.sh destroy var/pg) 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
	fail "port $port is busy (is \`make run\` running?)"
fi

# What a clone would hold: tracked files and new ones not ignored.
mkdir -p "$work/sen"
git ls-files -z --cached --others --exclude-standard |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf - | tar -C "$work/sen" -xf -

start() {
	# Own process group, so that "Ctrl-C" reaches make, the script and Kore;
	# a background job ignores SIGINT unless told otherwise.
	(cd "$work/sen" && exec setsid env --default-signal=INT -u DATABASE_URL make run) \
	    >"$work/run.log" 2>&1 &
	pgid=$!
	i=0
	until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 600 ] && fail "make run did not serve :$port in 60 s"
		kill -0 "$pgid" 2>/dev/null || fail "make run exited early"
		sleep 0.1
	done
}

stop() {
	kill -INT "-$pgid"
	i=0
	while kill -0 "$pgid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && fail "make run did not stop on Ctrl-C"
		sleep 0.1
	done
	pgid=""
	curl -s -o /dev/null "http://127.0.0.1:$port/" &&
	    fail "something still serves :$port after Ctrl-C"
	[ -f "$work/sen/var/pg/data/postmaster.pid" ] &&
	    fail "PostgreSQL still runs after Ctrl-C"
	[ -S "$(cd "$work/sen" && app/ops/pg.sh url var/pg | sed 's/^host=//; s/ .*//')/.s.PGSQL.5432" ] &&
	    fail "PostgreSQL's socket is still there after Ctrl-C"
	return 0
}

login() {
	curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
	    -d "{\"email\":\"$1\",\"password\":\"$2\"}" \
	    "http://127.0.0.1:$port/api/auth/login"
}

start
grep -q "creating a new PostgreSQL cluster" "$work/run.log" ||
    fail "the first run did not create its cluster"
grep -q "staff@sen.example" "$work/run.log" || fail "demo accounts not printed"
pw=$(awk '$2 == "staff@sen.example" { print $3 }' "$work/run.log" | head -n 1)
[ "$(login staff@sen.example "$pw")" = 200 ] ||
    fail "cannot log in with the printed staff password"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
    -d '{"email":"second-run@sen.example","password":"a long passphrase","full_name":"Hoàng Thị Mai"}' \
    "http://127.0.0.1:$port/api/auth/register")
[ "$code" = 201 ] || fail "registration answered $code"
curl -sf "http://127.0.0.1:$port/" | grep -q "Sen" || fail "no front page"
stop

# Second run: same cluster, same data.
start
grep -q "creating a new PostgreSQL cluster" "$work/run.log" &&
    fail "the second run made a new cluster"
[ "$(login second-run@sen.example 'a long passphrase')" = 200 ] ||
    fail "the account from the first run is gone"
stop

echo "two-commands: make run works twice from a clean copy and stops on Ctrl-C"
