# Sen as a container image: the same steps as `make build` on Debian
# bookworm, then Kore with conf/prod.conf (chroot /srv/sen, user sen,
# seccomp).  PostgreSQL is not in the image: give it DATABASE_URL.
#
#   docker build -t sen .
#   docker run -p 127.0.0.1:8080:8080 \
#       -e DATABASE_URL='hostaddr=10.0.0.5 dbname=sen user=sen_owner password=…' \
#       -e SEN_APP_DATABASE_URL='hostaddr=10.0.0.5 dbname=sen user=sen_app password=…' \
#       -e SEN_PUBLIC_ORIGIN=https://sen.example.vn -e SEN_TRUST_PROXY=1 sen
#
# The notification sender runs from the same image, as its own container:
#
#   docker run -e DATABASE_URL='… user=sen_app …' \
#       -e SEN_SMTP_URL=smtps://smtp.example.vn -e SEN_SMTP_USER=… \
#       -e SEN_SMTP_PASSWORD=… -e SEN_MAIL_FROM='Sen <no-reply@sen.example.vn>' \
#       -e SEN_GATEWAY_URL=https://sms.example.vn/v1/messages \
#       -e SEN_GATEWAY_KEY=… sen ./build/sen-admin outbox
#
# conf/prod.conf binds 127.0.0.1:8080 for nginx on the same host; in a
# container, change its bind line to 0.0.0.0 (or use --network host).

FROM debian:bookworm-slim AS build

# The packages of `app/ops/deps.sh build`.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      kore libjansson-dev libscrypt-dev libpq-dev libcurl4-openssl-dev \
      libcmocka-dev gcc make xxd \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY Makefile ./
COPY app ./app
COPY assets ./assets
COPY tests/unit ./tests/unit
RUN make build build/unit-tests && ./build/unit-tests

FROM debian:bookworm-slim

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      kore libjansson4 libscrypt0 libpq5 libcurl4 postgresql-client \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /srv/sen --shell /usr/sbin/nologin sen

WORKDIR /srv/sen
COPY --from=build /src/build/sen.so /src/build/sen-admin ./build/
COPY assets ./assets
COPY conf ./conf
COPY migrations ./migrations
COPY app/ops/container.sh ./app/ops/container.sh

EXPOSE 8080
CMD ["./app/ops/container.sh"]
