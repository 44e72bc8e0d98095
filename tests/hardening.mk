# Hardening targets (fuzz, valgrind, fault injection): see docs/internals/reliability.md.
#
#   make fuzz-replay   replay every fuzz corpus (tests/fuzz/corpus/*) through its target,
#                      built with $(CC) and no fuzzer runtime (part of make test / test-asan)
#   make fuzz          build the libFuzzer targets with clang and run each for FUZZ_SECONDS
#   make fuzz-merge    minimise what the fuzzers found into tests/fuzz/corpus/
#   make test-stress   the kill -9 loop (200 kills, fsck and verify after each) and parallel
#                      writers with the lock file deleted mid-commit (tests/stress/; minutes)
#   make test-stress-short   the same, short (about a minute): what CI runs
#   make mutation      plants the bugs of tests/mutation/mutants.json one at a time in a copy
#                      of the tree and reports how many the suite catches (long; outside CI)
#
# Included by the Makefile after its own variables, so $(BUILD), $(ALL_CFLAGS), $(LIBS) and
# $(BUILD)/libbeian.a are the ones of the build being tested (build-asan under test-asan).

.PHONY: fuzz fuzz-build fuzz-merge fuzz-replay hardening-test

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

# --- corpus replay (any compiler) -------------------------------------------------------------

FUZZ_REPLAY_BIN := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/%)

$(BUILD)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(BUILD)/libbeian.a
	@mkdir -p $(dir $@)
	@echo "  FUZZ  $@ (replay)"
	@$(CC) $(ALL_CFLAGS) $(ALL_INC) -DFUZZ_ROOT='"$(CURDIR)"' -o $@ $< tests/fuzz/replay.c \
	  $(BUILD)/libbeian.a $(LIBS)

fuzz-replay: $(FUZZ_REPLAY_BIN)
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  if [ -d tests/fuzz/corpus/$$t ]; then \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	    $(BUILD)/fuzz-replay/$$t tests/fuzz/corpus/$$t </dev/null 2>$(BUILD)/fuzz-replay/$$t.err \
	      || { echo "fuzz-replay: $$t FAILED"; tail -30 $(BUILD)/fuzz-replay/$$t.err; fail=1; }; \
	  fi; \
	done; [ $$fail -eq 0 ]

# What make test adds for hardening: the corpus replay, and in a build without sanitizers (the
# fault shim is an LD_PRELOAD library, which ASan refuses) a short fault sweep: fill and submit
# with each of their writes, fsyncs and renames failing in turn (about 30 runs, seconds).
hardening-test: fuzz-replay $(if $(findstring sanitize,$(CFLAGS)),,faultinject-short stress-readers-short)

# --- libFuzzer (clang) ------------------------------------------------------------------------

FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_RSS_MB ?= 2048
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -O1 -g -Wall -Wextra $(FUZZ_SAN) $(ALL_INC) \
  $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -DFUZZ_ROOT='"$(CURDIR)"'
FUZZ_LIB_OBJ := $(LIB_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o)

$(FUZZ_BUILD)/obj/%.o: src/%.c $(wildcard include/beian/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC    $< (fuzz)"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/libbeian.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_BUILD)/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libbeian.a
	@echo "  FUZZ  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libbeian.a $(LIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

# Runs each target for FUZZ_SECONDS, one at a time, niced, in one worker (-jobs=1
# -workers=1: libFuzzer then writes the worker's log to fuzz-0.log in its working directory,
# $(FUZZ_BUILD)/logs/<target>/), on the committed corpus plus a work corpus in
# $(FUZZ_BUILD)/corpus (new inputs go there); crashes go to $(FUZZ_BUILD)/artifacts.
# FUZZ=fuzz_record runs one target. The closing statistics are printed at the end.
FUZZ ?= $(FUZZ_TARGETS)
FUZZ_ENV = LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp
fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/artifacts
	@for t in $(FUZZ); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/logs/$$t tests/fuzz/corpus/$$t; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=$(CURDIR)/tests/fuzz/$$t.dict; \
	  log=$(FUZZ_BUILD)/logs/$$t/fuzz-0.log; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s (log: $$log)"; \
	  (cd $(FUZZ_BUILD)/logs/$$t && $(FUZZ_ENV) nice -n 10 $(CURDIR)/$(FUZZ_BUILD)/$$t \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=$(FUZZ_RSS_MB) -timeout=60 \
	    -jobs=1 -workers=1 -print_final_stats=1 $$dict \
	    -artifact_prefix=$(CURDIR)/$(FUZZ_BUILD)/artifacts/$$t- \
	    $(CURDIR)/$(FUZZ_BUILD)/corpus/$$t $(CURDIR)/tests/fuzz/corpus/$$t </dev/null \
	    >driver.log 2>&1); \
	  if grep -qE '^(==[0-9]+== ?ERROR|SUMMARY: )' $$log; then \
	    echo "fuzz: $$t FAILED, see $$log"; grep -E 'ERROR|SUMMARY|artifact' $$log | head; exit 1; \
	  fi; \
	  grep -E '^(stat::number_of_executed_units|#[0-9]+ +DONE)' $$log | tail -2; \
	done

# Keeps the smallest set of inputs that covers what the committed corpus and the work corpus
# cover, in tests/fuzz/corpus/<target> (run after make fuzz, then commit the corpus).
fuzz-merge: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/logs
	@for t in $(FUZZ); do \
	  rm -rf $(FUZZ_BUILD)/merged/$$t; mkdir -p $(FUZZ_BUILD)/merged/$$t; \
	  $(FUZZ_ENV) nice -n 10 $(FUZZ_BUILD)/$$t -merge=1 -rss_limit_mb=$(FUZZ_RSS_MB) -timeout=60 \
	    $(FUZZ_BUILD)/merged/$$t tests/fuzz/corpus/$$t $(FUZZ_BUILD)/corpus/$$t </dev/null \
	    >$(FUZZ_BUILD)/logs/$$t-merge.log 2>&1 || exit 1; \
	  for f in tests/fuzz/corpus/$$t/regress-*; do [ -f "$$f" ] && cp "$$f" $(FUZZ_BUILD)/merged/$$t/; done; \
	  rm -rf tests/fuzz/corpus/$$t; cp -r $(FUZZ_BUILD)/merged/$$t tests/fuzz/corpus/$$t; \
	  echo "fuzz-merge: $$t: $$(ls tests/fuzz/corpus/$$t | wc -l) inputs"; \
	done

# --- fault injection (plain build only: the shim replaces malloc, which ASan owns) ----------

.PHONY: faultinject faultinject-short bad valgrind

$(BUILD)/faultinject/shim.so: tests/faultinject/shim.c
	@mkdir -p $(dir $@)
	@echo "  CC    $@"
	@$(CC) -std=c11 -Wall -Wextra -O1 -g -shared -fPIC -o $@ $< -ldl

# FAULT_SCENARIOS="fill" limits the sweep; FAULT_MALLOC_RUNS bounds the allocation points.
faultinject-short: $(BIN)/beian $(BUILD)/faultinject/shim.so
	@FAULT_KINDS="write fsync rename" BEIAN=$(BIN)/beian SHIM=$(BUILD)/faultinject/shim.so \
	  bash tests/faultinject/sweep.sh fill submit

faultinject: $(BIN)/beian $(BUILD)/faultinject/shim.so
	@BEIAN=$(BIN)/beian SHIM=$(BUILD)/faultinject/shim.so bash tests/faultinject/sweep.sh $(FAULT_SCENARIOS)

# --- the catalogue of bad inputs ---------------------------------------------------------------

bad: $(BIN)/beian
	@BEIAN=$(BIN)/beian sh tests/e2e.sh tests/e2e/bad.sh

# --- valgrind ---------------------------------------------------------------------------------

valgrind: $(BIN)/beian
	@BEIAN=$(BIN)/beian sh tests/valgrind/run.sh

# --- stress (issue 14): the kill -9 loop and parallel writers with the lock deleted ---------

.PHONY: test-stress test-stress-short stress-readers-short mutation

# STRESS_KILLS kills (default 200, each with fsck and verify after it) and STRESS_ROUNDS
# rounds of parallel writers: a few minutes.
STRESS_KILLS ?= 200
STRESS_ROUNDS ?= 20
test-stress: $(BIN)/beian
	@BEIAN=$(BIN)/beian bash tests/stress/killloop.sh $(STRESS_KILLS)
	@BEIAN=$(BIN)/beian bash tests/stress/lockrace.sh $(STRESS_ROUNDS)
	@BEIAN=$(BIN)/beian bash tests/stress/readers.sh 60

# The short form CI runs (about a minute): 50 kills, 6 rounds.
test-stress-short: $(BIN)/beian
	@BEIAN=$(BIN)/beian bash tests/stress/killloop.sh 50
	@BEIAN=$(BIN)/beian bash tests/stress/lockrace.sh 6
	@BEIAN=$(BIN)/beian bash tests/stress/readers.sh 10

# 8 writers and 8 readers for 10 seconds: part of make test (readers and writers at once)
stress-readers-short: $(BIN)/beian
	@BEIAN=$(BIN)/beian bash tests/stress/readers.sh 10

# --- the mutation check: plants each bug of tests/mutation/mutants.txt in a copy of the tree,
# rebuilds, runs the suite, and reports how many the suite caught (a rebuild and a suite run per
# mutant: long; outside CI). MUTANTS="id ..." runs some of them.
mutation:
	@bash tests/mutation/run.sh $(MUTANTS)
