#!/bin/sh
# `make seed-scale N=…`: fill DATABASE_URL's database (migrated, without
# applications yet) with a province-scale data set: N applications
# (default 100 000) and everything that goes with them
# (app/ops/seed-scale.sql says what), then VACUUM ANALYZE so that the
# planner knows the new sizes.
set -eu
cd "$(dirname "$0")/../.."

n=${N:-100000}
case "$n" in
''|*[!0-9]*) echo "seed-scale: N must be a number of applications" >&2; exit 2 ;;
esac

start=$(date +%s.%N)
psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -v n="$n" -f app/ops/seed-scale.sql
loaded=$(date +%s.%N)
psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -c "VACUUM (ANALYZE)"
done_=$(date +%s.%N)
psql "$DATABASE_URL" -X -qAt -F ' ' -c "SELECT
    (SELECT count(*) FROM applications) || ' applications, ' ||
    (SELECT count(*) FROM users) || ' users, ' ||
    (SELECT count(*) FROM reviews WHERE status = 'submitted') || ' submitted reviews, ' ||
    (SELECT count(*) FROM businesses) || ' businesses, ' ||
    (SELECT count(*) FROM checkins) || ' check-ins'"
awk -v a="$start" -v b="$loaded" -v c="$done_" 'BEGIN {
    printf "seed-scale: loaded in %.1f s, vacuum analyze %.1f s\n", b - a, c - b }'
