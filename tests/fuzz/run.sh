#!/bin/sh
# `make fuzz`: run each libFuzzer target of build-fuzz/ for FUZZ_SECONDS
# (default 30) from its seed corpus (tests/fuzz/corpus/<target>/, read
# only) plus the inputs it found before (var/fuzz/<target>/corpus/), and
# print executions and time per target.  A crash, leak, sanitizer report
# or broken check stops that target, keeps the input under
# var/fuzz/<target>/ and fails the run: fix the bug, then copy the input
# to tests/fuzz/regressions/<target>/ so that `make test` replays it.
set -u
cd "$(dirname "$0")/../.."

secs=${FUZZ_SECONDS:-30}
failed=""
total=0
printf '%-8s %12s %8s %10s  %s\n' target executions seconds exec/s result
for t in "$@"; do
	out=var/fuzz/$t
	mkdir -p "$out/corpus"
	log=$out/log
	start=$(date +%s)
	./build-fuzz/fuzz-"$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$out/" "$out/corpus" "tests/fuzz/corpus/$t" \
	    >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	result=ok
	if [ $rc -ne 0 ]; then
		result="FAILED (rc $rc, see $log; input: $(ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* 2>/dev/null | head -1))"
		failed="$failed $t"
	fi
	printf '%-8s %12s %8s %10s  %s\n' "$t" "${execs:-?}" $((end - start)) "${rate:-?}" "$result"
	total=$((total + ${execs:-0}))
done
echo "fuzz: $total executions in all"
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed" >&2
	exit 1
fi
