"""pytest configuration for the NTO differential tests.

Environment:
  NTO             nto command (default build/nto, relative to the repo root);
                  NTO=tests/fake_nto.py runs everything natively (harness self-check)
  NTO_PLATFORMS   comma-separated platforms, each test runs once per platform
                  (default sgx-sim)
  NTO_TEST_NO_BUILD=1   do not run `make -f tests/progs/progs.mk test-progs` first
  NTO_TEST_PROGS_DIR    where the test binaries are (default build/tests)
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ntoharness as h  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "multiproc: needs fork/wait/processes (issue 3); "
        "deselected by the Makefile until fork lands")


def pytest_report_header(config):
    return [
        f"nto: {' '.join(h.nto_command())}",
        f"platforms: {', '.join(h.platforms())}",
    ]


def pytest_generate_tests(metafunc):
    if "platform" in metafunc.fixturenames:
        metafunc.parametrize("platform", h.platforms())


@pytest.fixture(scope="session")
def progs_built():
    """Build the test programs once per session; returns the build dir."""
    if not os.environ.get("NTO_TEST_NO_BUILD"):
        try:
            h.build_progs()
        except RuntimeError as e:
            pytest.fail(str(e), pytrace=False)
    return h.progs_build_dir()


@pytest.fixture
def dirs(tmp_path):
    """(A, B): fresh identical directories for the native and the nto run."""
    return h.make_dirs(tmp_path)
