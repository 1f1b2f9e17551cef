"""riscv64-vm (issue 5): the core as an S-mode kernel on QEMU's RISC-V
`virt` machine under OpenSBI runs static riscv64 programs.

- The kernel alone: OpenSBI hands it the device tree, it enters Sv39 in
  the higher half, reads RAM, the command line and the timer's rate; a
  kernel fault is reported with its scause and sepc and ends the VM with
  status 70 through the sifive_test device.
- `nto run --platform riscv64-vm`: the project's programs cross-built with
  riscv64-linux-gnu-gcc -static, compared with qemu-riscv64-static runs,
  including a host mount, a fault delivered as a signal, threads and
  processes; the in-VM measurement.

The whole corpus on riscv64-vm: NTO_PLATFORMS=riscv64-vm (make test-riscv64).
"""

import shutil
import subprocess
from pathlib import Path

import pytest

import ntoharness as h

ROOT = Path(__file__).resolve().parent.parent
KERNEL = ROOT / "build" / "riscv64-vm" / "kernel.elf"
QEMU = shutil.which("qemu-system-riscv64")
PLATFORM = "riscv64-vm"

pytestmark = pytest.mark.skipif(QEMU is None, reason="qemu-system-riscv64 not installed "
                                "(scripts/install-deps.sh installs it)")


def boot(append):
    """Boots the bare kernel (no initrd) with bootargs append; returns
    (QEMU's exit status, what the UART showed)."""
    assert KERNEL.exists(), f"{KERNEL} not built (make)"
    cmd = [QEMU, "-machine", "virt", "-bios", "default", "-m", "128M", "-no-reboot",
           "-nodefaults", "-display", "none", "-serial", "stdio", "-kernel", str(KERNEL),
           "-append", append]
    r = subprocess.run(cmd, capture_output=True, timeout=20)
    return r.returncode, r.stdout.decode(errors="replace")


def test_kernel_boots_and_reads_the_device_tree():
    rc, out = boot("selftest=boot")
    assert rc == 0, out  # the sifive_test device carries the status
    assert "NTO kernel up, Sv39, higher half at 0xffffffff8" in out
    assert 'bootargs "selftest=boot", initrd 0-0, timebase 10000000 Hz' in out
    assert "RAM 80000000+8000000" in out and "MiB of RAM for frames" in out
    assert "boot test done" in out


@pytest.mark.parametrize("what,cause", [("ill", "scause 2 illegal instruction"),
                                        ("pf", "scause d load page fault, stval 1000")])
def test_kernel_fault_is_reported(what, cause):
    rc, out = boot(f"selftest={what}")
    assert rc == 70, out  # vm_panic's status, whole: no 7-bit limit here
    assert f"riscv64-vm: panic: kernel fault: {cause}" in out and "at sepc ffffffff8" in out


@pytest.mark.parametrize("prog", ["rw", "stat", "getrandom", "sigaction", "crash_segv", "pipe",
                                  "signal_fpu", "pthread_sync", "thread_exit_group",
                                  "proc_wait", "futex_ops", "mmap_file"])
def test_static_program_matches_native(dirs, progs_built, prog):
    a, b = dirs
    exe = progs_built / "riscv64-glibc" / prog
    h.assert_same(h.run_native(exe, [], a, platform=PLATFORM),
                  h.run_nto(exe, [], b, PLATFORM, timeout=20))


def test_verbose_boot_and_measurement(tmp_path, progs_built):
    """--verbose shows the kernel's boot lines (and not OpenSBI's banner);
    the kernel hashes the image (mbedTLS SHA-256) to the same measurement
    `nto measure` computes."""
    exe = progs_built / "riscv64-glibc" / "exit"
    want = subprocess.run(h.nto_command() + ["measure", str(exe)], capture_output=True,
                          timeout=20).stdout.decode().strip()
    r = subprocess.run(h.nto_command() + ["run", "--platform", PLATFORM, "--verbose", str(exe)],
                       capture_output=True, timeout=30, cwd=tmp_path)
    err = r.stderr.decode(errors="replace")
    assert "riscv64-vm: NTO kernel up" in err and "core_main: image" in err
    assert "OpenSBI" not in err
    assert "nto: platform riscv64-vm" in err
    assert f"nto: measurement in the TEE {want}" in err and len(want) == 64


def test_x86_program_is_refused(progs_built, tmp_path):
    """The loader checks e_machine: an x86-64 program is not riscv64's."""
    r = subprocess.run(h.nto_command() + ["run", "--platform", PLATFORM,
                                          str(progs_built / "glibc" / "exit")],
                       capture_output=True, timeout=30, cwd=tmp_path)
    assert r.returncode == 126, r.stderr
