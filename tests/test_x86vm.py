"""x86_64-vm's own tests (issue 4). The differential corpus (test_progs,
test_busybox, test_cli) runs on x86_64-vm too, parameterized by platform
(the Makefile's TEST_PLATFORMS); these cover what only this platform has:

- the kernel alone: PVH boot, long mode, higher half, start-info parsing;
  a kernel fault is reported with its vector and RIP and ends the VM;
- a busybox pipeline, the in-VM measurement, QEMU's accelerator choice.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

import ntoharness as h

ROOT = Path(__file__).resolve().parent.parent
KERNEL = ROOT / "build" / "x86_64-vm" / "kernel.elf"
QEMU = shutil.which("qemu-system-x86_64")
PLATFORM = "x86_64-vm"

pytestmark = pytest.mark.skipif(QEMU is None, reason="qemu-system-x86_64 not installed "
                                "(scripts/install-deps.sh installs it)")


def boot(tmp_path, append):
    """Boots the bare kernel (no initrd) with cmdline append; returns
    (QEMU's exit status, the debugcon text)."""
    assert KERNEL.exists(), f"{KERNEL} not built (make)"
    log = tmp_path / "debugcon.txt"
    cmd = [QEMU, "-machine", "microvm", "-accel", "tcg", "-cpu", "max", "-m", "128M",
           "-no-reboot", "-nodefaults", "-display", "none",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=1",
           "-debugcon", f"file:{log}", "-kernel", str(KERNEL), "-append", append]
    r = subprocess.run(cmd, capture_output=True, timeout=10)
    return r.returncode, log.read_text(errors="replace")


def test_kernel_boots_and_reads_start_info(tmp_path):
    rc, out = boot(tmp_path, "selftest=boot")
    # isa-debug-exit: QEMU's status is (v << 1) | 1; the kernel wrote 0
    assert rc == 1, out
    assert "NTO kernel up, long mode, higher half at 0xffffffff8" in out
    assert 'cmdline "selftest=boot", 0 module(s)' in out
    assert "type 1" in out and "MiB of RAM for frames" in out
    assert "boot test done" in out


@pytest.mark.parametrize("what,vector", [("ud2", "vector 6 #UD"), ("pf", "vector 14 #PF")])
def test_kernel_fault_is_reported(tmp_path, what, vector):
    rc, out = boot(tmp_path, f"selftest={what}")
    assert rc == (70 << 1 | 1) & 0xff, out  # 70 = kpanic's status
    assert f"panic: kernel fault: {vector}" in out and "at rip ffffffff8" in out
    if what == "pf":
        assert "cr2 1000" in out


def test_busybox_pipeline(dirs):
    """busybox sh forks and pipes: one address space per process."""
    a, b = dirs
    (b / "f.txt").write_text("b\na\nb\n")
    argv = ["sh", "-c", "echo hello; sort /work/f.txt | uniq -c | sort -n; x=$(echo sub); "
            "echo $x; exit 7"]
    guest = h.run_nto("/bin/busybox", argv, b, PLATFORM, timeout=20)
    assert (guest.status, guest.stdout) == (7, b"hello\n      1 a\n      2 b\nsub\n"), guest.stderr


def test_verbose_boot_and_measurement(tmp_path, progs_built):
    """--verbose shows the kernel's boot lines; the kernel hashes the image
    (mbedTLS SHA-256) to the same measurement `nto measure` computes."""
    exe = progs_built / "glibc" / "exit"
    want = subprocess.run(h.nto_command() + ["measure", str(exe)], capture_output=True,
                          timeout=20).stdout.decode().strip()
    r = subprocess.run(h.nto_command() + ["run", "--platform", PLATFORM, "--verbose", str(exe)],
                       capture_output=True, timeout=20, cwd=tmp_path)
    err = r.stderr.decode(errors="replace")
    assert "x86_64-vm: NTO kernel up" in err and "core_main: image" in err
    assert "nto: platform x86_64-vm" in err
    assert f"nto: measurement in the TEE {want}" in err and len(want) == 64


def expected_accel():
    """What --accel auto must pick, from the machine itself: KVM only when
    /dev/kvm opens and the CPU flags name vmx or svm."""
    try:
        open("/dev/kvm", "rb+").close()
    except OSError:
        return "tcg"
    flags = set()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            flags |= set(line.split(":", 1)[1].split())
    return "kvm" if flags & {"vmx", "svm"} else "tcg"


def test_accel_auto_and_tcg(tmp_path, progs_built):
    exe = progs_built / "glibc" / "exit"
    native = subprocess.run([str(exe)], capture_output=True, timeout=20).returncode
    for accel, want in (("auto", expected_accel()), ("tcg", "tcg")):
        r = subprocess.run(h.nto_command() + ["run", "--platform", PLATFORM, "--accel", accel,
                                              "--verbose", str(exe)],
                           capture_output=True, timeout=20, cwd=tmp_path)
        err = r.stderr.decode(errors="replace")
        assert f"x86_64-vm under QEMU, accelerator {want}\n" in err, err
        assert r.returncode == native, err


def test_accel_bad_value(tmp_path, progs_built):
    r = subprocess.run(h.nto_command() + ["run", "--platform", PLATFORM, "--accel", "hvf",
                                          str(progs_built / "glibc" / "exit")],
                       capture_output=True, timeout=20, cwd=tmp_path)
    assert r.returncode == 2
    assert b"nto: --accel hvf: expected auto, tcg or kvm" in r.stderr
