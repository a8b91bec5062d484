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
OPT		?= -O2 -g
override CFLAGS	+= $(OPT) -std=gnu11 $(WARN) -Iapp -I$(B) -I/usr/include/postgresql
LDLIBS_APP	:= -ljansson -lscrypt
SAN		?=
# Where objects and binaries go; `make test-asan` builds into build-asan.
B		?= build

# Pure C: no Kore, shared by the module, the CLI and the unit tests.
LIB_SRCS	:= $(wildcard app/lib/*.c)
# The Kore module: everything under app/ except the CLI.
MOD_SRCS	:= $(filter-out app/cli/%,$(wildcard app/*.c app/*/*.c))
CLI_SRCS	:= $(wildcard app/cli/*.c)
UNIT_SRCS	:= $(wildcard tests/unit/*.c)
# Body tables without Kore (app/*/*_fields.c), linked by the module, the
# unit tests and the fuzzers; the fuzz targets (tests/fuzz/).
FIELDS_SRCS	:= $(wildcard app/*/*_fields.c)
FUZZ_SRCS	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS	:= $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
HDRS		:= $(wildcard app/*.h app/*/*.h) app/routes.def

MOD_OBJS	:= $(patsubst app/%.c,$(B)/mod/%.o,$(MOD_SRCS)) $(B)/mod/openapi_json.o
LIB_OBJS	:= $(patsubst app/%.c,$(B)/lib/%.o,$(LIB_SRCS))
FIELDS_OBJS	:= $(patsubst app/%.c,$(B)/lib/%.o,$(FIELDS_SRCS))

.PHONY: all build deps run test test-unit test-asan fuzz migrate user demo \
	clean distclean seed-scale bench

all: build

build: $(B)/sen.so $(B)/sen-admin

deps:
	@app/ops/deps.sh build db test

# Every object of the module is compiled with Kore's feature flags: the
# layout of Kore's structs depends on them.
$(B)/mod/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -fPIC $(KORE_FEATURES) -c $< -o $@

$(B)/openapi_json.c: assets/openapi.json
	@mkdir -p $(B)
	xxd -i assets/openapi.json > $@

$(B)/mod/openapi_json.o: $(B)/openapi_json.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -c $< -o $@

$(B)/sen.so: $(MOD_OBJS)
	$(CC) $(SAN) -shared -o $@ $(MOD_OBJS) $(LDLIBS_APP)

$(B)/lib/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

$(B)/sen-admin: $(CLI_SRCS) $(LIB_OBJS) $(HDRS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $(CLI_SRCS) $(LIB_OBJS) -lpq -lcurl \
	    $(LDLIBS_APP)

# The unit tests also replay the fuzz targets' corpora and regressions
# (tests/unit/test_fuzz.c).
$(B)/unit-tests: $(UNIT_SRCS) $(FUZZ_SRCS) $(LIB_OBJS) $(FIELDS_OBJS) \
    $(HDRS) tests/unit/unit.h tests/fuzz/fuzz.h
	$(CC) $(CFLAGS) $(SAN) -DFUZZ_REPLAY -Itests/unit -Itests/fuzz \
	    -o $@ $(UNIT_SRCS) $(FUZZ_SRCS) $(LIB_OBJS) $(FIELDS_OBJS) \
	    -lcmocka $(LDLIBS_APP)

run:
	@app/ops/deps.sh build db
	@$(MAKE) --no-print-directory build
	@app/ops/run.sh

test:
	@app/ops/deps.sh build db test browser
	@$(MAKE) --no-print-directory build $(B)/unit-tests
	@tests/run.sh

test-unit: $(B)/unit-tests
	./$(B)/unit-tests

# The unit and HTTP suites again, with the module, the CLI and the unit
# tests built with AddressSanitizer and UndefinedBehaviorSanitizer; any
# report fails the run (tests/run.sh collects them).
ASAN_FLAGS	:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
test-asan:
	@app/ops/deps.sh build db test
	@$(MAKE) --no-print-directory B=build-asan SAN="$(ASAN_FLAGS)" \
	    OPT="-O1 -g" build build-asan/unit-tests
	@SEN_BUILD=build-asan SEN_SANITIZE=1 SUITES="unit api" tests/run.sh

# libFuzzer (clang from Debian) over every parser and validator of outside
# input: each target of tests/fuzz/ runs FUZZ_SECONDS (default 30) from
# its seed corpus; a crash leaves its input under var/fuzz/<target>/ and
# fails.  Not part of `make test` (the unit tests replay the corpora and
# the regressions).  See tests/fuzz/README.md.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 30
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS	:= -g -O1 -std=gnu11 -Iapp -Itests/fuzz -I/usr/include/postgresql
FUZZ_LIB_OBJS	:= $(patsubst app/%.c,build-fuzz/lib/%.o,$(LIB_SRCS) \
		    $(FIELDS_SRCS))

.SECONDARY: $(FUZZ_LIB_OBJS)

build-fuzz/lib/%.o: app/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	    -c $< -o $@

build-fuzz/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_LIB_OBJS) $(LDLIBS_APP)

fuzz:
	@app/ops/deps.sh build fuzz
	@$(MAKE) --no-print-directory \
	    $(addprefix build-fuzz/fuzz-,$(FUZZ_TARGETS))
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_TARGETS)
# The pure computations timed at scale (ranking, matching): make bench.
$(B)/bench-lib: app/ops/bench/bench-lib.c $(LIB_OBJS) $(HDRS)
	$(CC) $(CFLAGS) $(SAN) -o $@ app/ops/bench/bench-lib.c $(LIB_OBJS) \
	    $(LDLIBS_APP)

# make seed-scale [N=100000]: a province-scale data set (N applications)
# in DATABASE_URL's database, or the private cluster of `make run`.
seed-scale: $(B)/sen-admin
	@app/ops/with-db.sh sh -c './$(B)/sen-admin migrate && N=$(N) app/ops/seed-scale.sh'

# Load tests against a cluster and server of their own (var/bench), at
# scale; the figures in var/bench/latest.json.  Not part of `make test`.
bench:
	@app/ops/deps.sh build db bench
	@$(MAKE) --no-print-directory build $(B)/bench-lib
	@app/ops/bench.sh

# Against DATABASE_URL, or the private cluster of `make run`.
migrate: $(B)/sen-admin
	@app/ops/with-db.sh ./$(B)/sen-admin migrate

demo: $(B)/sen-admin
	@app/ops/with-db.sh ./$(B)/sen-admin demo

# make user EMAIL=a@b.vn ROLE=admin NAME="Trần Thị A" [PASSWORD=…] [PHONE=…]
user: $(B)/sen-admin
	@test -n "$(EMAIL)" -a -n "$(ROLE)" -a -n "$(NAME)" || { \
	    echo "usage: make user EMAIL=… ROLE=applicant|reviewer|mentor|staff|admin NAME=… [PASSWORD=…]" >&2; \
	    exit 2; }
	@app/ops/with-db.sh ./$(B)/sen-admin user "$(EMAIL)" "$(ROLE)" "$(NAME)"

clean:
	rm -rf build build-asan build-fuzz

distclean: clean
	@app/ops/pg.sh stop var/pg 2>/dev/null || true
	rm -rf var tests/node_modules
