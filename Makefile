# claimkit: Unix filters for X12 837P claims.
#
#   make            build every tool into build/bin
#   make check      sanitizer build (ASan+UBSan) and every test under prove
#   make demo       install what is missing, build, run the pipeline on examples/
#   make bench      benchmarks against the named baselines (prints ratios)
#   make deps       install the Debian packages the build and the tests need
#   make install    PREFIX=/usr/local DESTDIR= (binaries and man pages)
#
# Local overrides go in config.mak (git's convention).

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC      ?= cc
AR      ?= ar
VERSION := 0.1.0

-include config.mak

BUILD   ?= build
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wno-format-truncation
OPT     ?= -O2 -g
SAN     ?=
# Optional libraries: pkg-config where a .pc exists, plain -l otherwise
# (STYLE-ANCHORS 31; libcsv and ct-lib ship no .pc file).
PQ_CFLAGS   := $(shell $(PKG_CONFIG) --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
PQ_LIBS     := $(shell $(PKG_CONFIG) --libs libpq 2>/dev/null || echo -lpq)
YAJL_LIBS   := $(shell $(PKG_CONFIG) --libs yajl 2>/dev/null || echo -lyajl)
SODIUM_LIBS := $(shell $(PKG_CONFIG) --libs libsodium 2>/dev/null || echo -lsodium)
XGB_CFLAGS  := $(shell $(PKG_CONFIG) --cflags xgboost 2>/dev/null)
XGB_LIBS    := $(shell $(PKG_CONFIG) --libs xgboost 2>/dev/null || echo -lxgboost)
SQLITE_LIBS := $(shell $(PKG_CONFIG) --libs sqlite3 2>/dev/null || echo -lsqlite3)
CSV_LIBS    := -lcsv
CT_LIBS     := -lct

CPPFLAGS += -Iinclude $(PQ_CFLAGS) $(XGB_CFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
            -DCLAIMKIT_VERSION='"$(VERSION)"'
CFLAGS   += -std=c11 $(OPT) $(WARN) $(SAN) -MMD -MP
LDFLAGS  += $(SAN) -Wl,--as-needed
LDLIBS   += $(PQ_LIBS) $(CT_LIBS) $(CSV_LIBS) $(YAJL_LIBS) $(SODIUM_LIBS) $(XGB_LIBS) -lm

# Every cmd/<tool>.c is one executable; every lib/*.c goes into libclaimkit.a.
TOOLS     := $(patsubst cmd/%.c,%,$(wildcard cmd/*.c))
LIB_SRC   := $(wildcard lib/*.c)
LIB_OBJ   := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC))
LIB_A     := $(BUILD)/libclaimkit.a
BINS      := $(addprefix $(BUILD)/bin/,$(TOOLS))
# Test helpers (unit drivers) and test servers: tests/helper/<name>.c
HELPERS   := $(patsubst tests/helper/%.c,$(BUILD)/tests/%,$(wildcard tests/helper/*.c))
# tdsd, the TDS test server, lives in tests/tdsd/ (issue 7)
TDSD_SRC  := $(wildcard tests/tdsd/*.c)
TDSD      := $(if $(TDSD_SRC),$(BUILD)/tests/tdsd)
MANS      := $(wildcard man/*.[1-9])

ifneq ($(V),1)
Q_CC = @echo "  CC      $@";
Q_LD = @echo "  LD      $@";
Q_AR = @echo "  AR      $@";
endif

.PHONY: all check check-fast test demo bench deps install uninstall clean fuzz model db man-lint
all: $(BINS) $(HELPERS) $(TDSD)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q_CC)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	$(Q_AR)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/cmd/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q_LD)$(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/helper/%.o $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q_LD)$(CC) $(LDFLAGS) -o $@ $< $(LIB_A) $(LDLIBS)

$(BUILD)/tests/tdsd: $(patsubst %.c,$(BUILD)/%.o,$(TDSD_SRC)) $(LIB_A)
	@mkdir -p $(dir $@)
	$(Q_LD)$(CC) $(LDFLAGS) -o $@ $^ $(LIB_A) $(LDLIBS) $(SQLITE_LIBS)

# make check: the sanitizer variant in build-san/, then every test under prove.
PROVE_FLAGS ?= -j2
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
check: deps-check
	$(MAKE) BUILD=build-san OPT="-O1 -g" SAN="$(SAN_FLAGS)" all
	CLAIMKIT_BUILD=$(CURDIR)/build-san CLAIMKIT_SRC=$(CURDIR) \
	  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  prove $(PROVE_FLAGS) tests/t[0-9]*.sh

# The same tests against the optimised build, without sanitizers (faster).
check-fast: all
	CLAIMKIT_BUILD=$(CURDIR)/build CLAIMKIT_SRC=$(CURDIR) prove $(PROVE_FLAGS) tests/t[0-9]*.sh
test: check

deps:
	@sh .ci/deps.sh install
deps-check:
	@sh .ci/deps.sh ensure

demo: deps-check all
	@sh examples/demo.sh $(CURDIR)/$(BUILD)

bench: deps-check all
	@sh bench/run.sh $(CURDIR)/$(BUILD)

# libFuzzer targets (clang): tests/fuzz/fuzz-<name>.c
FUZZ_SRC := $(wildcard tests/fuzz/fuzz-*.c)
FUZZERS  := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
fuzz: $(FUZZERS)
build-fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p build-fuzz
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SAN="-fsanitize=fuzzer-no-link,address,undefined" WARN="-Wall -Wextra -Werror -Wno-unused-parameter" build-fuzz/libclaimkit.a
	clang -std=c11 -O1 -g -Iinclude $(CPPFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< build-fuzz/libclaimkit.a $(LDLIBS)

install: all
	mkdir -p $(DESTDIR)$(BINDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	for m in $(MANS); do s=$${m##*.}; mkdir -p $(DESTDIR)$(MANDIR)/man$$s; \
	  install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

# The PostgreSQL staging schema (claimkit-schema(5)): install or upgrade,
# connection from the PG* environment (PGHOST, PGDATABASE, ...).
db:
	psql -X -v ON_ERROR_STOP=1 -f sql/postgresql/install.sql

man-lint:
	mandoc -Tlint -Wwarning $(MANS)

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(patsubst %,$(BUILD)/cmd/%.d,$(TOOLS))
