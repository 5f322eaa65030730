# SPDX-License-Identifier: GPL-2.0-only
# Builds the libFuzzer harnesses; run by `make fuzz` (tests/fuzz/Makemodule.am),
# which passes: FUZZ_CC SRCDIR LIB_SOURCES HARNESSES FUZZ_CPPFLAGS FUZZ_LIBS
# FUZZ_WARN TEST_DATA. GNU make; runs in the build directory.
O := tests/fuzz/obj
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 $(SAN) -fsanitize=fuzzer-no-link \
	-fsanitize-coverage-ignorelist=$(SRCDIR)/tests/fuzz/coverage-ignore.txt $(FUZZ_WARN)
INC := -I. -I$(SRCDIR)/common -I$(SRCDIR)/arch -I$(SRCDIR)/kexec -I$(SRCDIR)/kdumpctl \
	-I$(SRCDIR)/vmcore-dmesg -I$(SRCDIR)/tests/fuzz $(FUZZ_CPPFLAGS) \
	-DKX_FUZZ_TEST_DATA='"$(TEST_DATA)"'

# Library code only: each program's main() would clash with libFuzzer's.
LIB_C := $(filter-out %/main.c,$(filter %.c,$(LIB_SOURCES)))
LIB_O := $(LIB_C:%.c=$(O)/%.o)
LIB_A := $(O)/libkxfuzz.a
BINS := $(HARNESSES:%=tests/fuzz/fuzz_%)

# Sources are found in the build directory first (generated purgatory
# blobs), then in the source tree.
vpath %.c $(SRCDIR)

ifeq ($(V),1)
Q :=
else
Q := @
endif

all: $(BINS)

# Changed flags (this file, the ignore list) rebuild everything.
$(O)/%.o: %.c $(SRCDIR)/tests/fuzz/fuzz.mk $(SRCDIR)/tests/fuzz/coverage-ignore.txt
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC   $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(INC) -MMD -MP -c $< -o $@

$(LIB_A): $(LIB_O)
	$(Q)rm -f $@ && ar cr $@ $(LIB_O)

tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(LIB_A)
	@$(if $(Q),echo "  FUZZLD   $@")
	$(Q)$(FUZZ_CC) $(SAN) -fsanitize=fuzzer $< $(LIB_A) $(FUZZ_LIBS) -o $@

-include $(LIB_O:.o=.d) $(HARNESSES:%=$(O)/tests/fuzz/fuzz_%.d)
.PHONY: all
.SECONDARY:
