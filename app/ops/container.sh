#!/bin/sh
# Entry point of the container image (Dockerfile): apply migrations, then
# run Kore in the foreground with the production configuration.
set -eu
cd /srv/sen

: "${DATABASE_URL:?set DATABASE_URL, e.g. hostaddr=10.0.0.5 dbname=sen user=sen_owner}"

./build/sen-admin migrate
if [ -n "${SEN_CREATE_DEMO:-}" ]; then
	./build/sen-admin demo
fi

mkdir -p /run/sen /var/log/sen var/tmp
chown sen:sen var/tmp

exec kore -f -c conf/prod.conf
