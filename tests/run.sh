#!/bin/sh
# `make test`: a throw-away PostgreSQL cluster under var/test, migrations
# and demo data, Sen on 127.0.0.1:$SEN_TEST_PORT, then every suite.
# Whatever happens -- a failure, Ctrl-C -- nothing is left running.
#
# The cluster is always private, even when DATABASE_URL is set: the tests
# stop and start PostgreSQL to prove that Sen recovers by itself.
#
# Suites: unit (cmocka), api (node:test over HTTP), web (headless
# Chromium), readme (`make run` from a clean copy, twice).  SUITES="unit
# api" runs a subset.
set -eu
cd "$(dirname "$0")/.."

port=${SEN_TEST_PORT:-18080}
build=${SEN_BUILD:-build}
suites=${SUITES:-unit api web readme}
dir=${SEN_TEST_DIR:-var/test}
kore_pid=""
pg_started=""

cleanup() {
	status=$?
	trap - EXIT INT TERM
	if [ -n "$kore_pid" ]; then
		kill "$kore_pid" 2>/dev/null || true
		# The parent stops its workers; wait so the port is free again.
		i=0
		while kill -0 "$kore_pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$kore_pid" 2>/dev/null || true
	fi
	if [ -n "$pg_started" ]; then
		app/ops/pg.sh destroy "$dir/pg"
	fi
	if [ $status -ne 0 ]; then
		echo "sen: tests FAILED (server log: $dir/kore.log)" >&2
	fi
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

app/ops/pg.sh destroy "$dir/pg"
rm -rf "$dir"
mkdir -p "$dir/tmp"

app/ops/pg.sh start "$dir/pg" fast
pg_started=1
DATABASE_URL=$(app/ops/pg.sh url "$dir/pg")
SEN_APP_DATABASE_URL=$(app/ops/pg.sh url "$dir/pg" sen_app)
export DATABASE_URL SEN_APP_DATABASE_URL

./$build/sen-admin migrate >/dev/null
psql "$DATABASE_URL" -qAtc "ALTER ROLE sen_app LOGIN" >/dev/null
./$build/sen-admin demo >/dev/null

# The development config on the test port, logs under var/test.
sed -e "s/bind	127.0.0.1 8080/bind	127.0.0.1 $port/" \
    -e "s|var/access.log|$dir/access.log|" \
    -e "s|var/tmp|$dir/tmp|" \
    -e "s|var/kore.pid|$dir/kore.pid|" \
    -e "s|./build/sen.so|./$build/sen.so|" conf/dev.conf > "$dir/kore.conf"
grep -q "127.0.0.1 $port" "$dir/kore.conf"

# Documents: a 2 MiB limit instead of 10 MiB keeps the boundary tests fast
# and still above the 1 MiB at which Kore moves bodies to disk, so that
# both paths are tested (tests/api/documents.test.mjs reads it back).
SEN_UPLOAD_MAX=${SEN_UPLOAD_MAX:-2097152}
export SEN_UPLOAD_MAX

# Tests play several clients through X-Real-IP, as nginx would set it.
SEN_TRUST_PROXY=1
SEN_PUBLIC_ORIGIN="http://127.0.0.1:$port"
export SEN_TRUST_PROXY SEN_PUBLIC_ORIGIN

# Sanitizer builds: every report goes to $dir/san.*; any file there fails
# the run.  The module is loaded into Debian's (uninstrumented) kore, so
# the ASan runtime must come first.  Leak checking is left to the unit
# tests: Kore's workers exit without freeing what lives until exit.
san_env=""
if [ -n "${SEN_SANITIZE:-}" ]; then
	export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:log_path=$PWD/$dir/san"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$PWD/$dir/san"
	san_env="LD_PRELOAD=$(${CC:-cc} -print-file-name=libasan.so)"
fi

# Another server on the port would answer in our place: refuse.
if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
	echo "sen: port $port is taken by another server (SEN_TEST_PORT)" >&2
	exit 1
fi

env $san_env stdbuf -oL kore -f -n -r -c "$dir/kore.conf" >"$dir/kore.log" 2>&1 &
kore_pid=$!

i=0
until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$kore_pid" 2>/dev/null; then
		echo "sen: the server did not come up" >&2
		cat "$dir/kore.log" >&2
		exit 1
	fi
	sleep 0.1
done

export SEN_URL="http://127.0.0.1:$port"
export SEN_BUILD="$build"
export SEN_PG_DIR="$dir/pg"
export SEN_KORE_PID="$kore_pid"

node_deps() {
	if [ ! -d tests/node_modules ] ||
	    [ tests/package-lock.json -nt tests/node_modules ]; then
		(cd tests && npm ci --no-audit --no-fund --silent)
		touch tests/node_modules
	fi
}

for suite in $suites; do
	echo "== $suite"
	case "$suite" in
	unit)
		./$build/unit-tests
		;;
	api)
		node_deps
		node --test --test-concurrency=1 tests/api/
		;;
	web)
		node_deps
		SEN_TEST_OUT="$dir/web" node --test --test-concurrency=1 tests/web/
		echo "sen: screenshots in $dir/web"
		;;
	readme)
		tests/readme/two-commands.sh
		;;
	*)
		echo "sen: unknown suite $suite" >&2
		exit 2
		;;
	esac
done

if [ -n "${SEN_SANITIZE:-}" ] && ls "$dir"/san.* >/dev/null 2>&1; then
	echo "sen: sanitizer reports:" >&2
	cat "$dir"/san.* >&2
	exit 1
fi

echo "sen: all tests passed"
