# beian - plain Makefile (no other build system).
#
#   make deps       install the Debian packages beian needs (only what is missing)
#   make            build bin/beian
#   make demo       render the sample records in examples/ to out/ (PDF and PNG)
#   make test       unit tests (cmocka) and end-to-end tests of the command line
#   make test-asan  the same under AddressSanitizer and UBSan
#   make install PREFIX=/usr/local   (also the man page, man/beian.1)
#   make man        regenerate man/beian.1 from the option tables in src/cli/
#   make lint       banned functions and formatting

PREFIX ?= /usr/local
CC ?= cc
PKGS := harfbuzz harfbuzz-subset cairo libqrencode libzip jansson libcrypto zbar expat poppler-glib libjpeg zlib libmicrohttpd libtiff-4 sqlite3
BUILD ?= build
BIN ?= bin

# Debian packages: libraries (pkg-config names above), test tools and fonts.
DEB_LIBS := libhpdf-dev libharfbuzz-dev libcairo2-dev libqrencode-dev libzip-dev \
            libjansson-dev libssl-dev libcmocka-dev libzbar-dev libexpat1-dev libjpeg-dev libpoppler-glib-dev zlib1g-dev libmicrohttpd-dev libtiff-dev libsqlite3-dev pkg-config
DEB_TOOLS := poppler-utils qpdf zbar-tools imagemagick img2pdf qrencode ghostscript unzip python3 valgrind man-db sqlite3 \
             default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java
DEB_FONTS := fonts-noto-cjk fonts-liberation2 fonts-droid-fallback fonts-dejavu-core fonts-wqy-zenhei \
             fonts-arphic-uming fonts-hanazono
# The tests of `beian ui`: curl for its API, Debian's chromium driven by Selenium for the page.
DEB_WEB := curl chromium chromium-driver python3-selenium
# Only the benchmarks need these (the ReportLab reference, GNU time, the scan generator).
DEB_BENCH := python3-reportlab time python3-numpy libharfbuzz-bin

WARN := -Wall -Wextra -Wpedantic -Wshadow -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lm
TEST_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# The layers of src/, bottom first: each calls only the ones before it. A layer's files are
# compiled with an include path that holds only its own and the lower layers' headers (public
# ones through build/inc/<layer>/beian/, private ones by their folder), so an upward include
# fails to compile; tests/layers.py checks the calls and that no two modules call each other.
LAYERS := util fonts input layout backend archive rules web cli
PUBLIC_util := common.h version.h date.h message.h
PUBLIC_fonts := font.h ttf.h
PUBLIC_input := form.h record.h scan.h tracking.h sheet.h batch.h
PUBLIC_layout := layout.h dlist.h qr.h
PUBLIC_backend := pdf.h png.h render.h
PUBLIC_archive := archive.h bundle.h verify.h
PUBLIC_rules := rules.h register.h
PUBLIC_web := web.h
PUBLIC_cli :=

# upto L: the layers from util up to and including L
upto = $(wordlist 1,$(firstword $(foreach i,1 2 3 4 5 6 7 8 9 10 11 12,$(if $(filter $(1),$(word $(i),$(LAYERS))),$(i)))),$(LAYERS))
layer_of = $(word 2,$(subst /, ,$(1)))
LAYER_CFLAGS = -I$(BUILD)/inc/$(1) $(foreach l,$(call upto,$(1)),-Isrc/$(l))

LIB_LAYERS := $(filter-out cli,$(LAYERS))
LIB_SRC := $(foreach l,$(LIB_LAYERS),$(wildcard src/$(l)/*.c))
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Tests see every header, public and private.
ALL_INC := -Iinclude $(foreach l,$(LAYERS),-Isrc/$(l))

.PHONY: all deps demo test test-asan unit e2e install lint clean bench bench-scan layers man test-web bench-web bench-archive

all: $(BIN)/beian

# build/inc/<layer>/beian/: links to the public headers a layer may include (kept between runs:
# make would otherwise delete the stamps as intermediate files and rebuild everything).
.PRECIOUS: $(BUILD)/inc/%/.stamp
$(BUILD)/inc/%/.stamp: Makefile
	@rm -rf $(BUILD)/inc/$* && mkdir -p $(BUILD)/inc/$*/beian
	@for h in $(foreach l,$(call upto,$*),$(PUBLIC_$(l))); do \
	  ln -s $(CURDIR)/include/beian/$$h $(BUILD)/inc/$*/beian/$$h; done
	@touch $@

.SECONDEXPANSION:
$(BUILD)/obj/%.o: src/%.c $$(BUILD)/inc/$$(call layer_of,src/$$*)/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(ALL_CFLAGS) $(call LAYER_CFLAGS,$(call layer_of,$<)) -MMD -MP -c $< -o $@

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

$(BUILD)/libbeian.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BIN)/beian: $(CLI_OBJ) $(BUILD)/libbeian.a
	@mkdir -p $(BIN)
	@echo "  LINK  $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libbeian.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libbeian.a
	@mkdir -p $(dir $@)
	@echo "  TEST  $@"
	@$(CC) $(ALL_CFLAGS) $(ALL_INC) -o $@ $< $(BUILD)/libbeian.a $(LIBS) $(TEST_LIBS)

# The include graph and the calls between files: only downwards, no circle.
layers:
	@python3 tests/layers.py

# Installs only what is missing; says what to do when it cannot install.
deps:
	@sh tests/deps.sh $(DEB_LIBS) -- $(DEB_TOOLS) $(DEB_WEB) -- $(DEB_FONTS)

demo: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out
	@for f in examples/*.json; do \
	  n=$$(basename $$f .json); \
	  $(BIN)/beian fill $$f -o out/$$n.pdf --png out/$$n.png || exit 1; \
	done
	@for id in platform-registration platform-application workgroup-filing; do \
	  $(BIN)/beian fill --blank $$id -o out/blank-$$id.pdf --png out/blank-$$id.png || exit 1; \
	done
	@echo "demo: the filled and blank forms are in out/"
	@echo "demo: to fill a form in the browser: $(BIN)/beian ui (then open the address it prints;"
	@echo "demo:   Ctrl-C stops it); the sample records are examples/*.json (读取文件 on the page)"

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

e2e: $(BIN)/beian
	@BEIAN=$(BIN)/beian sh tests/e2e.sh

test: deps
	@$(MAKE) --no-print-directory all layers unit e2e hardening-test test-web

# The 填表 page in Debian's chromium through chromium-driver (tests/web/run.py, Debian's own
# python3 with python3-selenium); the screenshots are kept in $(BUILD)/web-test/ to be looked at.
test-web: $(BIN)/beian
	@/usr/bin/python3 tests/web/run.py $(BIN)/beian $(BUILD)/web-test

test-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  all unit e2e hardening-test

install: $(BIN)/beian
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/beian/forms \
	  $(DESTDIR)$(PREFIX)/share/beian/fonts $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN)/beian $(DESTDIR)$(PREFIX)/bin/beian
	install -m 644 man/beian.1 $(DESTDIR)$(PREFIX)/share/man/man1/beian.1
	install -m 644 forms/*.json $(DESTDIR)$(PREFIX)/share/beian/forms/
	install -m 644 fonts/fonts.json $(DESTDIR)$(PREFIX)/share/beian/fonts/
	install -d $(DESTDIR)$(PREFIX)/share/beian/web
	install -m 644 web/*.html web/*.css web/*.js $(DESTDIR)$(PREFIX)/share/beian/web/

# man/beian.1 is made by the binary from the option tables in src/cli/ and committed, so that
# it can be read (and installed) without building beian and a change of the help shows in
# review; tests/e2e/cli.sh fails when it is out of date.
man: $(BIN)/beian
	@mkdir -p man
	@$(BIN)/beian help --man >man/beian.1.tmp && mv man/beian.1.tmp man/beian.1
	@echo "man: wrote man/beian.1"

lint:
	@! grep -nE '\b(strcpy|strcat|sprintf|strtok|atoi|gets)\s*\(' src/*/*.c \
	  tests/unit/*.c || (echo "lint: banned function (see STYLE)"; exit 1)
	@echo "lint: ok"

clean:
	rm -rf build build-asan bin out

# make bench: beian against the ReportLab reference, side by side in one run (bench/run.sh).
bench: deps
	@sh tests/deps.sh $(DEB_BENCH)
	@$(MAKE) --no-print-directory all
	@BEIAN=$(BIN)/beian sh bench/run.sh

# make bench-scan: beian's reading of the tracking code over 320 generated degraded scans
# (bench/scan/: 100-200 dpi, rotation, blur, JPEG, noise, perspective, scan-to-PDF); prints the
# rate per kind of damage and the time per scan, and fails below 99 % or on any misread.
bench-scan: deps
	@sh tests/deps.sh $(DEB_BENCH)
	@$(MAKE) --no-print-directory all
	@BEIAN=$(BIN)/beian sh bench/scan/measure.sh -b -s 3 -n 320 -o $(BUILD)/scans-3

# make bench-web: beian ui under 16 concurrent clients (previews and PDFs of different records,
# BENCH_SECONDS, default 30) against beian batch per file in the same run (bench/web/bench.py).
bench-web: deps
	@$(MAKE) --no-print-directory all
	@/usr/bin/python3 bench/web/bench.py $(BIN)/beian $${BENCH_SECONDS:-30}

# make bench-archive: the register at 1 000 and 10 000 records (bench/archive/): generates the
# archives once (kept in build/bench-archive/), then times submit, approve, log, list, due,
# search and verify with index.db and with BEIAN_NO_INDEX=1; a benchmark, never a test.
$(BUILD)/bench/gen: bench/archive/gen.c $(BUILD)/libbeian.a
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_CFLAGS) -Iinclude -o $@ $< $(BUILD)/libbeian.a $(LIBS)
$(BUILD)/bench/nosync.so: bench/archive/nosync.c
	@mkdir -p $(dir $@)
	@$(CC) -shared -fPIC -O2 -o $@ $<
bench-archive: deps
	@sh tests/deps.sh $(DEB_BENCH)
	@$(MAKE) --no-print-directory all $(BUILD)/bench/gen $(BUILD)/bench/nosync.so
	@BEIAN=$(BIN)/beian GEN=$(BUILD)/bench/gen NOSYNC=$(BUILD)/bench/nosync.so \
	  BENCH_DIR=$(BUILD)/bench-archive bash bench/archive/run.sh

# Fuzzing, valgrind and fault injection (make fuzz, make valgrind, ...).
include tests/hardening.mk
