# Unit tests and fuzzers for the NTO core, hosted on Linux over the "test"
# platform (platform/test/). Included by the top Makefile; defines no default
# goal. Targets:
#   unit         build and run every cmocka suite (tests/unit/test_*.c)
#   fuzz-replay  build the fuzzers and run every corpus file once (CI)
#   fuzz         run each fuzzer for FUZZ_SECONDS (not part of the tests)
#   fuzz-build   just build the fuzzers
# The core is built with clang, ASan and UBSan; every core/**/*.c except
# core/lib/string.c (libc's memcpy & co. stand in for it).

_ut_saved_goal := $(.DEFAULT_GOAL)

B            ?= build
UNIT_CC      ?= clang
FUZZ_SECONDS ?= 60
UT_B         := $(B)/test
UT_WARN      := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-cast-function-type -Wshadow \
                -Wstrict-prototypes -Wmissing-prototypes
UT_BASE      := -std=gnu11 -g -O1 -fno-omit-frame-pointer $(UT_WARN) -Icore/include \
                -Icore/arch/x86_64/include -DNTO_HOSTED -MMD -MP
UT_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all
UT_FSAN      := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all

# The unit tests run the core on this host: x86-64 arch code only.
UT_CORE_SRCS := $(filter-out core/lib/string.c core/arch/riscv64/%,$(sort $(shell find core -name '*.c')))
UT_PLAT_SRCS := platform/test/hal_test.c platform/test/fakehost.c platform/test/hal_os.c
UT_WRAP_SRC  := platform/test/heap_wrap.c
UT_FIX_SRCS  := tests/unit/fixture.c tests/unit/imgbuild.c
UT_LDSCRIPT  := platform/test/core_state.ld
# The ASan-visible heap (platform/test/heap_wrap.c) replaces core/mm/kheap.c's
# allocator in every binary except the suites that test the real heap.
UT_WRAP_LD   := -Wl,--wrap=kmalloc,--wrap=kzalloc,--wrap=kfree,--wrap=krealloc,--wrap=kstrdup
UT_LDFLAGS   := -Wl,-T,$(UT_LDSCRIPT)

UNIT_TESTS   := $(sort $(basename $(notdir $(wildcard tests/unit/test_*.c))))
# Suites linked with the core's own heap (kheap.c) instead of the ASan one;
# the "-kheap" variants run a suite a second time over the real heap.
UNIT_REALHEAP := test_kheap
UNIT_KHEAP_VARIANTS := $(filter $(UNIT_TESTS),test_tmpfs test_syscall)
FUZZERS      := $(sort $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c))))

ut_obj = $(patsubst %.c,$(UT_B)/$(1)/%.o,$(2))

UT_U_CORE := $(call ut_obj,unit,$(UT_CORE_SRCS))
UT_U_PLAT := $(call ut_obj,unit,$(UT_PLAT_SRCS) $(UT_FIX_SRCS))
UT_U_WRAP := $(call ut_obj,unit,$(UT_WRAP_SRC))
UT_F_CORE := $(call ut_obj,fuzz,$(UT_CORE_SRCS))
UT_F_PLAT := $(call ut_obj,fuzz,$(UT_PLAT_SRCS) $(UT_FIX_SRCS) $(UT_WRAP_SRC))

UNIT_BINS := $(addprefix $(UT_B)/bin/,$(UNIT_TESTS) $(addsuffix -kheap,$(UNIT_KHEAP_VARIANTS)))
FUZZ_BINS := $(addprefix $(UT_B)/bin/,$(FUZZERS))

$(UT_B)/unit/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  UTCC    $<'
	$(Q)$(UNIT_CC) $(UT_BASE) $(UT_SAN) -c $< -o $@

$(UT_B)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  FZCC    $<'
	$(Q)$(UNIT_CC) $(UT_BASE) $(UT_FSAN) -c $< -o $@

# test_X: cmocka suite over the ASan heap; test_X-kheap and the real-heap
# suites: over core/mm/kheap.c.
$(UT_B)/bin/%-kheap: $(UT_B)/unit/tests/unit/%.o $(UT_U_CORE) $(UT_U_PLAT) $(UT_LDSCRIPT)
	@mkdir -p $(dir $@)
	@echo '  UTLD    $@'
	$(Q)$(UNIT_CC) $(UT_SAN) $(UT_LDFLAGS) -o $@ $< $(UT_U_CORE) $(UT_U_PLAT) -lcmocka

$(addprefix $(UT_B)/bin/,$(UNIT_REALHEAP)): $(UT_B)/bin/%: $(UT_B)/unit/tests/unit/%.o \
		$(UT_U_CORE) $(UT_U_PLAT) $(UT_LDSCRIPT)
	@mkdir -p $(dir $@)
	@echo '  UTLD    $@'
	$(Q)$(UNIT_CC) $(UT_SAN) $(UT_LDFLAGS) -o $@ $< $(UT_U_CORE) $(UT_U_PLAT) -lcmocka

$(addprefix $(UT_B)/bin/,$(filter-out $(UNIT_REALHEAP),$(UNIT_TESTS))): $(UT_B)/bin/%: \
		$(UT_B)/unit/tests/unit/%.o $(UT_U_CORE) $(UT_U_PLAT) $(UT_U_WRAP) $(UT_LDSCRIPT)
	@mkdir -p $(dir $@)
	@echo '  UTLD    $@'
	$(Q)$(UNIT_CC) $(UT_SAN) $(UT_LDFLAGS) $(UT_WRAP_LD) -o $@ $< $(UT_U_CORE) $(UT_U_PLAT) \
		$(UT_U_WRAP) -lcmocka

$(FUZZ_BINS): $(UT_B)/bin/%: $(UT_B)/fuzz/tests/fuzz/%.o $(UT_F_CORE) $(UT_F_PLAT) $(UT_LDSCRIPT)
	@mkdir -p $(dir $@)
	@echo '  FZLD    $@'
	$(Q)$(UNIT_CC) -fsanitize=fuzzer,address,undefined $(UT_LDFLAGS) $(UT_WRAP_LD) -o $@ $< \
		$(UT_F_CORE) $(UT_F_PLAT)

.PHONY: unit unit-build fuzz fuzz-build fuzz-replay
unit-build: $(UNIT_BINS)

unit: unit-build
	$(Q)sh tests/unit/run_unit.sh $(UNIT_BINS)

fuzz-build: $(FUZZ_BINS)

fuzz-replay: fuzz-build
	$(Q)sh tests/fuzz/replay.sh $(UT_B)/bin $(FUZZERS)

fuzz: fuzz-build
	$(Q)for f in $(FUZZERS); do \
		mkdir -p $(UT_B)/fuzz-corpus/$$f $(UT_B)/fuzz-artifacts && \
		echo "== $$f for $(FUZZ_SECONDS)s" && \
		$(UT_B)/bin/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(UT_B)/fuzz-artifacts/$$f- \
			$(UT_B)/fuzz-corpus/$$f tests/fuzz/corpus/$$f || exit 1; \
	done

-include $(shell find $(UT_B) -name '*.d' 2>/dev/null)

.DEFAULT_GOAL := $(_ut_saved_goal)
