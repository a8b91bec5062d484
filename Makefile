# Sen: build, run and test.  The two commands a person needs:
#
#   make run     install what is missing, build, start a private PostgreSQL
#                under var/, migrate, load demo data, serve :8080
#   make test    the same against a throw-away cluster, then every test
#
# Both honour DATABASE_URL (an existing PostgreSQL instead of var/).

CC		?= cc
KORE_FEATURES	:= $(shell cat /usr/share/kore/features 2>/dev/null)
WARN		:= -Wall -Wextra -Wshadow -Wpointer-arith -Wmissing-prototypes \
		   -Wstrict-prototypes -Wno-unused-parameter
CFLAGS		?= -O2 -g
CFLAGS		+= -std=gnu11 $(WARN) -Iapp -Ibuild -I/usr/include/postgresql
LDLIBS_APP	:= -ljansson -lscrypt
SAN		?=

# Pure C: no Kore, shared by the module, the CLI and the unit tests.
LIB_SRCS	:= $(wildcard app/lib/*.c)
# The Kore module: everything under app/ except the CLI.
MOD_SRCS	:= $(filter-out app/cli/%,$(wildcard app/*.c app/*/*.c))
CLI_SRCS	:= $(wildcard app/cli/*.c)
UNIT_SRCS	:= $(wildcard tests/unit/*.c)
HDRS		:= $(wildcard app/*.h app/*/*.h) app/routes.def

MOD_OBJS	:= $(patsubst app/%.c,build/mod/%.o,$(MOD_SRCS)) build/mod/openapi_json.o
LIB_OBJS	:= $(patsubst app/%.c,build/lib/%.o,$(LIB_SRCS))

.PHONY: all build deps run test test-unit migrate user demo clean distclean

all: build

build: build/sen.so build/sen-admin

deps:
	@app/ops/deps.sh build db test

# Every object of the module is compiled with Kore's feature flags: the
# layout of Kore's structs depends on them.
build/mod/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -fPIC $(KORE_FEATURES) -c $< -o $@

build/openapi_json.c: assets/openapi.json
	@mkdir -p build
	xxd -i assets/openapi.json > $@

build/mod/openapi_json.o: build/openapi_json.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -c $< -o $@

build/sen.so: $(MOD_OBJS)
	$(CC) $(SAN) -shared -o $@ $(MOD_OBJS) $(LDLIBS_APP)

build/lib/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

build/sen-admin: $(CLI_SRCS) $(LIB_OBJS) $(HDRS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $(CLI_SRCS) $(LIB_OBJS) -lpq -lcurl \
	    $(LDLIBS_APP)

build/unit-tests: $(UNIT_SRCS) $(LIB_OBJS) $(HDRS) tests/unit/unit.h
	$(CC) $(CFLAGS) $(SAN) -Itests/unit -o $@ $(UNIT_SRCS) $(LIB_OBJS) \
	    -lcmocka $(LDLIBS_APP)

run:
	@app/ops/deps.sh build db
	@$(MAKE) --no-print-directory build
	@app/ops/run.sh

test:
	@app/ops/deps.sh build db test browser
	@$(MAKE) --no-print-directory build build/unit-tests
	@tests/run.sh

test-unit: build/unit-tests
	./build/unit-tests

# Against DATABASE_URL, or the private cluster of `make run`.
migrate: build/sen-admin
	@app/ops/with-db.sh ./build/sen-admin migrate

demo: build/sen-admin
	@app/ops/with-db.sh ./build/sen-admin demo

# make user EMAIL=a@b.vn ROLE=admin NAME="Trần Thị A" [PASSWORD=…] [PHONE=…]
user: build/sen-admin
	@test -n "$(EMAIL)" -a -n "$(ROLE)" -a -n "$(NAME)" || { \
	    echo "usage: make user EMAIL=… ROLE=applicant|reviewer|mentor|staff|admin NAME=… [PASSWORD=…]" >&2; \
	    exit 2; }
	@app/ops/with-db.sh ./build/sen-admin user "$(EMAIL)" "$(ROLE)" "$(NAME)"

clean:
	rm -rf build

distclean: clean
	@app/ops/pg.sh stop var/pg 2>/dev/null || true
	rm -rf var tests/node_modules
