# Builds and tests host/ alone, without the core or a top Makefile:
#   make -f host/tests/standalone.mk [NTO_INCLUDE=/path/to/core/include] host-check
# Run from the repository root.
all: host-check
include host/host.mk
