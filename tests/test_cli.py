"""The nto command itself: measurement, bad programs, --strace, #! scripts.

Where Linux can be the oracle (scripts, strace not changing behaviour) the
native run is the expectation; for what only nto has (the measurement, its
exit statuses for programs that cannot run) the checks are on properties
that would fail if the feature were wrong or missing.
"""

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import ntoharness as h

BUSYBOX = "/bin/busybox"


def nto(*args, stdin=b"", timeout=30, cwd=None):
    cmd = h.nto_command() + list(args)
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout, cwd=cwd)


def measure(*args):
    r = nto("measure", *args)
    assert r.returncode == 0, r.stderr
    digest = r.stdout.decode().strip()
    assert len(digest) == 64 and int(digest, 16) >= 0
    return digest


def verbose_measurement(stderr: bytes) -> str:
    for line in stderr.decode(errors="replace").splitlines():
        if line.startswith("nto: measurement "):
            return line.split()[-1]
    raise AssertionError(f"no measurement line in: {stderr!r}")


@pytest.fixture
def prog_copy(tmp_path, progs_built, request):
    """A private copy of a small static test program (of the ISA of the
    test's platform, if it has one)."""
    platform = request.getfixturevalue("platform") if "platform" in request.fixturenames else None
    src, _ = h.prog_path(progs_built, platform, "glibc", "uname")
    dst = tmp_path / "uname"
    shutil.copy2(src, dst)
    return dst


def test_measurement_is_deterministic(prog_copy):
    assert measure(str(prog_copy)) == measure(str(prog_copy))


def test_one_byte_changes_measurement(prog_copy):
    before = measure(str(prog_copy))
    data = bytearray(prog_copy.read_bytes())
    data[len(data) // 2] ^= 0x01
    prog_copy.write_bytes(bytes(data))
    assert measure(str(prog_copy)) != before


def test_only_the_image_is_measured(prog_copy, tmp_path, platform):
    """Arguments, environment, mounts and the working directory are not
    part of the image: the measurement run --verbose prints stays the one
    nto measure computes."""
    want = measure(str(prog_copy))
    mnt = tmp_path / "m"
    mnt.mkdir()
    runs = [
        nto("run", "--platform", platform, "--verbose", str(prog_copy)),
        nto("run", "--platform", platform, "--verbose", "--env", "A=1", "--mount",
            f"{mnt}:/data", "--cwd", "/data", str(prog_copy), "x", "y"),
    ]
    for r in runs:
        assert r.returncode == 0, r.stderr
        assert verbose_measurement(r.stderr) == want


def test_tee_measures_what_it_runs(prog_copy, platform):
    """The platform hashes the image inside the TEE (mbedTLS); the result
    must be the measurement nto measure computes on the host."""
    want = measure(str(prog_copy))
    r = nto("run", "--platform", platform, "--verbose", str(prog_copy))
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stderr.decode().splitlines() if l.startswith("nto: measurement in the TEE ")]
    assert lines and lines[0].split()[-1] == want


def test_added_file_changes_measurement(prog_copy, tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("one\n")
    a = measure("--add", f"{extra}:/etc/extra.txt", str(prog_copy))
    extra.write_text("two\n")
    b = measure("--add", f"{extra}:/etc/extra.txt", str(prog_copy))
    assert a != b and a != measure(str(prog_copy))


def elf_variant(src: Path, dst: Path, patch):
    data = bytearray(src.read_bytes())
    patch(data)
    dst.write_bytes(bytes(data))
    dst.chmod(0o755)
    return dst


def text_file(d: Path) -> Path:
    f = d / "notelf"
    f.write_text("just some text\n")
    return f


BAD_PROGRAMS = {
    "text": lambda p, d: text_file(d),
    "truncated": lambda p, d: elf_variant(p, d / "trunc", lambda b: b.__delitem__(slice(200, None))),
    "wrong-machine": lambda p, d: elf_variant(p, d / "arm", lambda b: b.__setitem__(slice(18, 20), struct.pack("<H", 183))),
    "32-bit": lambda p, d: elf_variant(p, d / "elf32", lambda b: b.__setitem__(4, 1)),
    "relocatable": lambda p, d: elf_variant(p, d / "rel", lambda b: b.__setitem__(slice(16, 18), struct.pack("<H", 1))),
    "core-file": lambda p, d: elf_variant(p, d / "core", lambda b: b.__setitem__(slice(16, 18), struct.pack("<H", 4))),
    "huge-phnum": lambda p, d: elf_variant(p, d / "phnum", lambda b: b.__setitem__(slice(56, 58), struct.pack("<H", 0xffff))),
    "phoff-outside": lambda p, d: elf_variant(p, d / "phoff", lambda b: b.__setitem__(slice(32, 40), struct.pack("<Q", 1 << 40))),
}


@pytest.mark.parametrize("kind", sorted(BAD_PROGRAMS))
def test_bad_program_exits_126_with_one_line(kind, prog_copy, tmp_path, platform):
    bad = BAD_PROGRAMS[kind](prog_copy, tmp_path)
    bad.chmod(0o755)
    r = nto("run", "--platform", platform, str(bad))
    assert r.returncode == 126, (r.returncode, r.stderr)
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nto: "), lines


DYN_PROG = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	char *p = malloc(1 << 20);
	memset(p, 'x', 1 << 20);
	FILE *f = fopen("made-by-dynamic.txt", "w");
	fprintf(f, "%d args, last %s, %zu bytes\n", argc, argv[argc - 1], strlen(p));
	fclose(f);
	printf("dynamic: %s\n", getenv("HOME"));
	return 5;
}
"""


def test_dynamic_program_runs(tmp_path, dirs, platform):
    """A dynamically linked program: nto packs its ld.so and libraries (as
    the host's ldd finds them) and the core loads the interpreter."""
    if h.x86_only(platform):
        pytest.skip(h.x86_only(platform))
    a, b = dirs
    src = tmp_path / "dyn.c"
    src.write_text(DYN_PROG)
    exe = tmp_path / "dyn"
    subprocess.run(["gcc", "-O1", "-o", str(exe), str(src)], check=True)
    h.assert_same(h.run_native(exe, ["one", "two"], a), h.run_nto(exe, ["one", "two"], b, platform))


@pytest.mark.parametrize("argv", [["/bin/ls", "-l"], ["/usr/bin/sort", "-r", "words.txt"],
                                  ["/usr/bin/sha256sum", "words.txt"], ["/usr/bin/wc", "words.txt"]],
                         ids=["ls", "sort", "sha256sum", "wc"])
def test_dynamic_coreutils(argv, dirs, platform):
    """Debian's own (dynamically linked) coreutils, unmodified."""
    if h.x86_only(platform):
        pytest.skip(h.x86_only(platform))
    a, b = dirs
    for d in (a, b):
        h.seed(d, {"words.txt": "pear\napple\nfig\n", "sub/x.txt": "x\n"})
    h.assert_same(h.run_native(argv[0], argv[1:], a), h.run_nto(argv[0], argv[1:], b, platform))


def test_missing_program_exits_127(tmp_path, platform):
    r = nto("run", "--platform", platform, str(tmp_path / "nope"))
    assert r.returncode == 127
    assert b"No such file" in r.stderr


def test_directory_is_not_a_program(tmp_path, platform):
    r = nto("run", "--platform", platform, str(tmp_path))
    assert r.returncode == 126


def test_help():
    for args in (["--help"], ["run", "--help"]):
        r = nto(*args)
        assert r.returncode == 0 and b"run" in r.stdout + r.stderr


def test_unknown_platform_is_a_usage_error(prog_copy):
    r = nto("run", "--platform", "no-such-tee", str(prog_copy))
    assert r.returncode == 2 and b"sgx-sim" in r.stderr


def test_strace_lists_calls_and_changes_nothing(dirs, progs_built, platform):
    a, b = dirs
    prog, _ = h.prog_path(progs_built, platform, "glibc", "rw")
    native = h.run_native(prog, [], a, platform=platform)
    plain = h.run_nto(prog, [], b, platform)
    cmd = h.nto_command() + ["run", "--platform", platform, "--strace", str(prog)]
    r = subprocess.run(cmd, capture_output=True, timeout=30, cwd=a)
    assert r.stdout == plain.stdout == native.stdout or native.status != 0
    err = r.stderr.decode()
    # Every call the program makes is listed with its result.
    assert "write(1, " in err and ") = " in err
    assert "exit_group(" in err
    assert "openat(AT_FDCWD, " in err
    assert "-1 E" in err  # the program's error paths show as errno names
    assert r.returncode == plain.status


SCRIPT = """#!/bin/busybox sh
# A script run by its interpreter from the image.
echo "args: $# $1 $2"
x=$((6 * 7))
echo "x=$x"
[ -e /etc/passwd ] && echo passwd-present
exit 3
"""


def test_shebang_script(tmp_path, dirs, platform):
    if h.x86_only(platform):
        pytest.skip(h.x86_only(platform))
    a, b = dirs
    script = tmp_path / "script.sh"
    script.write_text(SCRIPT)
    script.chmod(0o755)
    native = h.run_native(script, ["one", "two"], a)
    guest = h.run_nto(script, ["one", "two"], b, platform)
    # The native oracle: same interpreter, same script.
    assert guest.status == native.status == 3
    assert guest.stdout == native.stdout


def test_busybox_applet_via_argv0(dirs, platform):
    """busybox picks its applet from argv[0]: a symlink named 'echo' to it."""
    if h.x86_only(platform):
        pytest.skip(h.x86_only(platform))
    a, b = dirs
    link = a.parent / "echo"
    link.symlink_to(BUSYBOX)
    native = h.run_native(link, ["hello", "world"], a)
    guest = h.run_nto(link, ["hello", "world"], b, platform)
    h.assert_same(native, guest)


def test_core_survives_a_syscall_storm(tmp_path, platform):
    """Every syscall number with hostile arguments (tests/robust/): the
    program must finish and the core must not panic."""
    exe = tmp_path / "storm"
    src = Path(__file__).parent / "robust" / "syscall_storm.c"
    subprocess.run(h.static_cc(platform) + ["-O1", "-o", str(exe), str(src)], check=True)
    r = nto("run", "--platform", platform, str(exe), timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert b"survived" in r.stdout
    assert b"panic" not in r.stderr


def test_read_only_mount_refuses_writes(tmp_path, platform):
    if h.x86_only(platform):
        pytest.skip(h.x86_only(platform))
    d = tmp_path / "ro"
    d.mkdir()
    (d / "keep.txt").write_text("original\n")
    mount = ["run", "--platform", platform, "--mount", f"{d}:/m:ro"]
    for applet in (["touch", "/m/new.txt"], ["rm", "/m/keep.txt"], ["mkdir", "/m/dir"],
                   ["mv", "/m/keep.txt", "/m/moved.txt"], ["chmod", "600", "/m/keep.txt"]):
        r = nto(*mount, BUSYBOX, *applet)
        assert r.returncode == 1, (applet, r)
        assert b"Read-only file system" in r.stderr, (applet, r.stderr)
    r = nto(*mount, BUSYBOX, "cat", "/m/keep.txt")
    assert r.returncode == 0 and r.stdout == b"original\n"
    assert (d / "keep.txt").read_text() == "original\n"
    assert sorted(p.name for p in d.iterdir()) == ["keep.txt"]
    assert (d / "keep.txt").stat().st_mode & 0o777 == 0o644


PY_SCRIPT = """import json, threading, hashlib, os
out = []
def work(i):
    out.append(hashlib.sha256(str(i).encode()).hexdigest()[:12])
ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(json.dumps(sorted(out)))
with open("made-by-python.txt", "w") as f:
    f.write("written by python\\n")
print(sorted(os.listdir(".")), sum(x * x for x in range(10000)))
"""

PYTHON = "/usr/bin/python3.11"


def test_python(tmp_path, platform):
    """Debian's CPython (dynamic, threads, its stdlib from a read-only
    mount): the same script natively and under nto, same output and files."""
    if h.x86_only(platform):
        pytest.skip(h.x86_only(platform))
    assert os.path.exists(PYTHON), "python3.11 comes with python3-pytest"
    stdlib = "/usr/lib/python3.11"
    env = {"PATH": "/bin", "HOME": "/", "LANG": "C", "PYTHONHOME": "/usr",
           "PYTHONDONTWRITEBYTECODE": "1"}
    runs = {}
    for kind in ("native", "nto"):
        d = tmp_path / kind
        d.mkdir()
        (d / "script.py").write_text(PY_SCRIPT)
        if kind == "native":
            r = subprocess.run([PYTHON, "script.py"], cwd=d, env=env, capture_output=True, timeout=60)
        else:
            args = ["run", "--platform", platform, "--mount", f"{stdlib}:{stdlib}:ro",
                    "--mount", f"{d}:/w", "--cwd", "/w"]
            for k, v in env.items():
                args += ["--env", f"{k}={v}"]
            r = nto(*args, PYTHON, "script.py", timeout=60)
        runs[kind] = (r.returncode, r.stdout, (d / "made-by-python.txt").read_text())
    assert runs["native"] == runs["nto"], runs
