#!/bin/sh
# `make bench`: Sen at province scale, against PostgreSQL's own limit.
#
# A cluster of its own under var/bench (production settings: fsync on),
# a fresh database seeded by seed-scale.sql (BENCH_N applications,
# default 100 000), Sen built as for production (conf/prod.conf without
# the chroot and the user switch, one worker per core, on 127.0.0.1:
# BENCH_PORT), then wrk at 64 connections on each hot path and pgbench
# on the same statements, and the rest of the figures.  The report:
# var/bench/latest.json and a table (app/ops/bench/report.mjs; README.md,
# "Performance", says how to read them).  Nothing is left running.
#
#   BENCH_N=100000  BENCH_DURATION=20  BENCH_PORT=18105  BENCH_CONNECTIONS=64
set -eu
cd "$(dirname "$0")/../.."

n=${BENCH_N:-100000}
dur=${BENCH_DURATION:-20}
port=${BENCH_PORT:-18105}
conns=${BENCH_CONNECTIONS:-64}
threads=2
dir=var/bench
res=$dir/results
data=$dir/data
kore_pid=""
pg_started=""

cleanup() {
	status=$?
	trap - EXIT INT TERM
	if [ -n "$kore_pid" ]; then
		kill "$kore_pid" 2>/dev/null || true
		i=0
		while kill -0 "$kore_pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$kore_pid" 2>/dev/null || true
	fi
	if [ -n "$pg_started" ]; then
		app/ops/pg.sh stop "$dir/pg"
	fi
	[ $status -eq 0 ] || echo "sen bench: FAILED (logs in $dir)" >&2
	exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s sen bench: %s\n' "$(date +%H:%M:%S)" "$*"; }

rm -rf "$res" "$data" "$dir/tmp" "$dir/access.log" "$dir/kore.log"
mkdir -p "$res" "$data" "$dir/tmp"

# ---- PostgreSQL, as in production: durable, a sensible share of memory.
say "PostgreSQL in $dir/pg"
app/ops/pg.sh start "$dir/pg"
pg_started=1
DATABASE_URL=$(app/ops/pg.sh url "$dir/pg")
admin_url=$(printf %s "$DATABASE_URL" | sed 's/dbname=sen/dbname=postgres/')
psql "$admin_url" -X -q -v ON_ERROR_STOP=1 <<'EOF'
ALTER SYSTEM SET fsync = on;
ALTER SYSTEM SET synchronous_commit = on;
ALTER SYSTEM SET full_page_writes = on;
ALTER SYSTEM SET shared_buffers = '2GB';
ALTER SYSTEM SET effective_cache_size = '12GB';
ALTER SYSTEM SET work_mem = '16MB';
ALTER SYSTEM SET maintenance_work_mem = '512MB';
ALTER SYSTEM SET max_wal_size = '8GB';
ALTER SYSTEM SET checkpoint_timeout = '30min';
ALTER SYSTEM SET random_page_cost = 1.1;
ALTER SYSTEM SET jit = off;
EOF
app/ops/pg.sh stop "$dir/pg"
app/ops/pg.sh start "$dir/pg"
psql "$admin_url" -X -q -c "DROP DATABASE IF EXISTS sen" -c "CREATE DATABASE sen"
export DATABASE_URL
./build/sen-admin migrate >/dev/null
psql "$DATABASE_URL" -X -qAtc "ALTER ROLE sen_app LOGIN" >/dev/null
./build/sen-admin demo >/dev/null
SEN_APP_DATABASE_URL=$(app/ops/pg.sh url "$dir/pg" sen_app)
export SEN_APP_DATABASE_URL

say "seeding $n applications"
t0=$(date +%s.%N)
N=$n app/ops/seed-scale.sh | tee "$res/seed.txt"
t1=$(date +%s.%N)
psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f app/ops/bench/fixtures.sql
psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -v dir="$data" \
    -f app/ops/bench/data.sql
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }' >"$res/seed.seconds"

fact() { awk -v k="$1" '$1 == k { print $2 }' "$data/facts.txt"; }
lo=$(fact apps_lo); hi=$(fact apps_hi)
rcall=$(fact ranking_call); ocall=$(fact open_call); calls=$(fact calls)
slo=$(fact staff_lo); shi=$(fact staff_hi)
alo=$(psql "$DATABASE_URL" -X -qAtc "SELECT min(applicant_id) FROM applications")
ahi=$(psql "$DATABASE_URL" -X -qAtc "SELECT max(applicant_id) FROM applications")
clo=$(printf %s "$calls" | cut -d, -f1)
chi=$(printf %s "$calls" | awk -F, '{ print $NF }')

# The plans of the hot statements at this scale.
psql "$DATABASE_URL" -X -q -v app="$(( (lo + hi) / 2 ))" -v call="$rcall" \
    -v applicant="$alo" -f app/ops/bench/explain.sql >"$dir/explain.txt"

# ---- Sen, as in production (no chroot or user switch: not root-run here).
say "Sen on 127.0.0.1:$port, $(nproc) workers"
sed -e '/^runas/d' -e '/^root/d' \
    -e "s|^pidfile.*|pidfile		$dir/kore.pid|" \
    -e "s|^workers[[:space:]].*|workers			$(nproc)|" \
    -e "s|bind	127.0.0.1 8080|bind	127.0.0.1 $port|" \
    -e "s|/var/log/sen/access.log|$dir/access.log|" \
    -e "s|http_body_disk_path	var/tmp|http_body_disk_path	$dir/tmp|" \
    conf/prod.conf >"$dir/kore.conf"
grep -q "127.0.0.1 $port" "$dir/kore.conf"
SEN_PUBLIC_ORIGIN="http://127.0.0.1:$port"
# Behind nginx in production: the client address comes from X-Real-IP
# (login.lua plays clients from many addresses).
SEN_TRUST_PROXY=1
export SEN_PUBLIC_ORIGIN SEN_TRUST_PROXY
kore -f -n -r -c "$dir/kore.conf" >"$dir/kore.log" 2>&1 &
kore_pid=$!
i=0
until curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$kore_pid" 2>/dev/null; then
		cat "$dir/kore.log" >&2
		exit 1
	fi
	sleep 0.1
done
url="http://127.0.0.1:$port"

workers() { ps --ppid "$kore_pid" -o pid= ; }
# VmRSS and VmHWM (kB) of each worker: "pid rss hwm" lines.
memory() {
	for p in $(workers); do
		awk -v p="$p" '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 }
		    END { print p, r, h }' "/proc/$p/status"
	done
}

# wrk NAME SCRIPT SECONDS CONNECTIONS ARGS...: the BENCHJSON line.
run_wrk() {
	name=$1 script=$2 secs=$3 c=$4
	shift 4
	wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 10s \
	    -s "app/ops/bench/$script" "$url" -- "$@" >"$res/$name.wrk.txt" 2>&1
	sed -n 's/^BENCHJSON //p' "$res/$name.wrk.txt" >"$res/$name.json"
	[ -s "$res/$name.json" ] || { cat "$res/$name.wrk.txt" >&2; exit 1; }
	say "$name: $(cat "$res/$name.json")"
}

# pgbench NAME SCRIPT...: the same statements, same clients, same time.
run_pgbench() {
	name=$1
	shift
	files=""
	for f in "$@"; do files="$files -f app/ops/bench/$f"; done
	# shellcheck disable=SC2086
	pgbench -n -M extended -c "$conns" -j "$threads" -T "$dur" \
	    -D lo="$lo" -D hi="$hi" -D slo="$slo" -D shi="$shi" \
	    -D alo="$alo" -D ahi="$ahi" -D clo="$clo" -D chi="$chi" \
	    -D call="$rcall" $files "$SEN_APP_DATABASE_URL" \
	    >"$res/$name.pgbench.txt" 2>&1 || { cat "$res/$name.pgbench.txt" >&2; exit 1; }
	say "$name pgbench: $(grep -E '^tps' "$res/$name.pgbench.txt")"
}

# ---- Warm up: every read path once over, caches and plans.
say "warming up"
run_wrk warmup-detail detail.lua 5 "$conns" "$data" "$lo" "$hi"
run_wrk warmup-list list.lua 5 "$conns" "$data" "$calls"
run_wrk warmup-mine mine.lua 5 "$conns" "$data"
memory >"$res/memory.first"

# ---- Read paths: Sen, then pgbench on the same statements.
run_wrk detail detail.lua "$dur" "$conns" "$data" "$lo" "$hi"
run_pgbench detail pg-detail.sql
run_wrk list list.lua "$dur" "$conns" "$data" "$calls"
run_pgbench list pg-list-1.sql pg-list-2.sql pg-list-3.sql pg-list-4.sql
run_wrk mine mine.lua "$dur" "$conns" "$data"
run_pgbench mine pg-mine.sql
run_wrk ranking ranking.lua "$dur" "$conns" "$data" "$rcall"
run_pgbench ranking pg-ranking.sql

# ---- Writes, each valid once (see the scripts): the first halves of the
# pools; the mixed workload takes the second halves.
run_wrk review review.lua "$dur" "$conns" "$data" "$threads" 0 submit
run_wrk checkin checkin.lua "$dur" "$conns" "$data" "$threads" 0
run_wrk mixed mixed.lua "$dur" "$conns" "$data" "$threads" "$lo" "$hi" "$calls"

# ---- Logins (scrypt), and the detail page while they run.
run_wrk login login.lua 10 16 "$data"
wrk -t1 -c16 -d"$((dur + 4))s" --timeout 10s -s app/ops/bench/login.lua \
    "$url" -- "$data" >"$res/burst-login.wrk.txt" 2>&1 &
burst=$!
sleep 2
run_wrk detail-during-logins detail.lua "$dur" "$conns" "$data" "$lo" "$hi"
wait "$burst"
sed -n 's/^BENCHJSON //p' "$res/burst-login.wrk.txt" >"$res/burst-login.json"

# ---- Bulk import through the API: 10 000 drafts, as fast as they go.
run_wrk import import.lua 40 "$conns" "$data" "$threads" "$ocall"
psql "$DATABASE_URL" -X -qAtc "SELECT count(*) FROM applications
    WHERE call_id = $ocall AND created_at > now() - interval '10 minutes'" \
    >"$res/import.rows"

memory >"$res/memory.last"

# ---- The pure computations at full size.
say "ranking 100 000 and matching 10 000 x 1 000 (build/bench-lib)"
./build/bench-lib >"$res/lib.json"
say "lib: $(cat "$res/lib.json")"

# ---- The ranking endpoint's own time, one request at a time.
for k in 1 2 3 4 5; do
	curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $(head -n 1 "$data/staff.txt")" \
	    "$url/api/calls/$rcall/ranking"
done >"$res/ranking.single"
curl -s -H "Authorization: Bearer $(head -n 1 "$data/staff.txt")" \
    "$url/api/calls/$rcall/ranking" | wc -c >"$res/ranking.bytes"

{
	echo "n $n"
	echo "duration $dur"
	echo "connections $conns"
	echo "cores $(nproc)"
	echo "ranking_call $rcall"
	echo "ranking_apps $(fact ranking_apps)"
	echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} >"$res/meta.txt"

node app/ops/bench/report.mjs "$res" "$dir/latest.json"
