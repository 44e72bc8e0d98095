# beian - plain Makefile (no other build system).
#
#   make deps       install the Debian packages beian needs (only what is missing)
#   make            build bin/beian
#   make demo       render the sample records in examples/ to out/ (PDF and PNG)
#   make test       unit tests (cmocka) and end-to-end tests of the command line
#   make test-asan  the same under AddressSanitizer and UBSan
#   make install PREFIX=/usr/local
#   make lint       banned functions and formatting

PREFIX ?= /usr/local
CC ?= cc
PKGS := harfbuzz harfbuzz-subset cairo libqrencode libzip jansson libcrypto zbar expat poppler-glib libjpeg zlib
BUILD ?= build
BIN ?= bin

# Debian packages: libraries (pkg-config names above), test tools and fonts.
DEB_LIBS := libhpdf-dev libharfbuzz-dev libcairo2-dev libqrencode-dev libzip-dev \
            libjansson-dev libssl-dev libcmocka-dev libzbar-dev libexpat1-dev libjpeg-dev libpoppler-glib-dev zlib1g-dev pkg-config
DEB_TOOLS := poppler-utils qpdf zbar-tools imagemagick qrencode ghostscript unzip python3 valgrind \
             default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java
DEB_FONTS := fonts-droid-fallback fonts-dejavu-core fonts-wqy-zenhei fonts-arphic-uming fonts-hanazono

WARN := -Wall -Wextra -Wpedantic -Wshadow -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -Iinclude $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lm
TEST_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

LIB_SRC := $(wildcard src/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo test test-asan unit e2e install lint clean bench

all: $(BIN)/beian

$(BUILD)/%.o: src/%.c $(wildcard include/beian/*.h src/*.h src/cli/*.h src/cli/*.inc)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

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
	@$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/libbeian.a $(LIBS) $(TEST_LIBS)

# Installs only what is missing; says what to do when it cannot install.
deps:
	@sh tests/deps.sh $(DEB_LIBS) -- $(DEB_TOOLS) -- $(DEB_FONTS)

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

unit: $(UNIT_BIN)
	@sh tests/run-unit.sh $(UNIT_BIN)

e2e: $(BIN)/beian
	@BEIAN=$(BIN)/beian sh tests/e2e.sh

test: deps
	@$(MAKE) --no-print-directory all unit e2e hardening-test

test-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  all unit e2e hardening-test

install: $(BIN)/beian
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/beian/forms \
	  $(DESTDIR)$(PREFIX)/share/beian/fonts
	install -m 755 $(BIN)/beian $(DESTDIR)$(PREFIX)/bin/beian
	install -m 644 forms/*.json $(DESTDIR)$(PREFIX)/share/beian/forms/
	install -m 644 fonts/fonts.json $(DESTDIR)$(PREFIX)/share/beian/fonts/

lint:
	@! grep -nE '\b(strcpy|strcat|sprintf|strtok|atoi|gets)\s*\(' src/*.c src/cli/*.c \
	  tests/unit/*.c || (echo "lint: banned function (see STYLE)"; exit 1)
	@echo "lint: ok"

clean:
	rm -rf build build-asan bin out

# make bench: beian against the ReportLab reference, side by side in one run (bench/run.sh).
bench: deps
	@$(MAKE) --no-print-directory all
	@BEIAN=$(BIN)/beian sh bench/run.sh

# Fuzzing, valgrind and fault injection (make fuzz, make valgrind, ...).
include tests/hardening.mk
