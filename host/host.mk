# host/host.mk: the host-side tools of build/nto (CLI, image builder,
# host-call server). Included by the top Makefile; defines no default goal.
#
#   HOST_SRCS, HOST_OBJS   host/*.c -> build/host/*.o (link into build/nto
#                          with the platform's objects and $(HOST_LIBS))
#   make host-unit         cmocka tests of the image builder and the server
#                          (ASan + UBSan): build/host-tests/test_host
#   make host-cli          CLI end to end against a fake launcher
#
# Needs libssl-dev (SHA-256) and, for the tests, libcmocka-dev.

_host_saved_goal := $(.DEFAULT_GOAL)

HOST_CC      ?= gcc
NTO_INCLUDE  ?= core/include
HOST_CFLAGS  ?= -std=gnu11 -Wall -Wextra -Werror -O2
# the protocol headers (nto/hostcall.h, nto/image.h, nto/bootargs.h)
HOST_INC     := -I $(NTO_INCLUDE)
HOST_LIBS    ?= -lcrypto
HOST_BUILD   ?= build/host
HOST_TBUILD  ?= build/host-tests
HOST_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

HOST_SRCS := $(wildcard host/*.c)
HOST_OBJS := $(patsubst host/%.c,$(HOST_BUILD)/%.o,$(HOST_SRCS))
HOST_HDRS := $(wildcard host/*.h)
# what the tests link: everything but the CLI's main
HOST_LIB_SRCS := host/image.c host/hostcall_server.c

$(HOST_BUILD)/%.o: host/%.c $(HOST_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_INC) -MMD -MP -c $< -o $@

$(HOST_TBUILD)/test_host: host/tests/test_host.c $(HOST_LIB_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_INC) -O1 -g $(HOST_SAN) -o $@ host/tests/test_host.c $(HOST_LIB_SRCS) -lcmocka $(HOST_LIBS)

$(HOST_TBUILD)/nto-fake: host/nto.c host/tests/fake_launch.c $(HOST_LIB_SRCS) $(HOST_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(HOST_INC) -O1 -g $(HOST_SAN) -o $@ host/nto.c host/tests/fake_launch.c $(HOST_LIB_SRCS) $(HOST_LIBS)

-include $(HOST_OBJS:.o=.d)

.PHONY: host-unit host-cli host-check
host-unit: $(HOST_TBUILD)/test_host
	$(HOST_TBUILD)/test_host

host-cli: $(HOST_TBUILD)/nto-fake
	sh host/tests/cli_test.sh $(HOST_TBUILD)/nto-fake

host-check: host-unit host-cli

.DEFAULT_GOAL := $(_host_saved_goal)
