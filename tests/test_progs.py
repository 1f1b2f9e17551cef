"""Every tests/progs/*.c program x {glibc, musl} x platform, Linux as the oracle.

Metadata in the program source (`//! key: value`, see README.md) sets
arguments, environment, stdin, and whether it is expected to crash.

A platform whose programs are of another ISA (riscv64-vm) has two oracles:
the same binary under the host's user-mode emulator (qemu-riscv64-static,
which knows the ISA but is not a Linux kernel: it misses errors, cannot
exec a riscv64 program without binfmt_misc, ...), and, where that one
disagrees, the same source built for this host and run on its real Linux
kernel (which knows Linux but not the ISA). The run under nto passes if it
matches either one entirely.
"""

import signal

import pytest

import ntoharness as h

SPECS = h.prog_specs()
# Programs that need processes (`//! multiproc: yes`) carry the pytest marker
# `multiproc`; the Makefile deselects it until fork lands (see MULTIPROC there).
PARAMS = [pytest.param(s, id=s.name, marks=[pytest.mark.multiproc] if s.multiproc else [])
          for s in SPECS]


@pytest.mark.parametrize("libc", h.LIBCS)
@pytest.mark.parametrize("spec", PARAMS)
def test_prog(spec, libc, platform, progs_built, dirs, tmp_path, request):
    if spec.arch and spec.arch != h.platform_arch(platform):
        pytest.skip(f"{spec.name} tests {spec.arch}-only calls; {platform} runs "
                    f"{h.platform_arch(platform)} programs")
    if platform in spec.known_bug:
        request.applymarker(pytest.mark.xfail(reason=f"known bug on {platform}: "
                                              f"{spec.known_bug[platform]}", strict=True))
    prog, why = h.prog_path(progs_built, platform, libc, spec.name)
    if why:
        pytest.skip(why)
    assert prog.exists(), f"{prog} was not built"
    a, b = dirs
    env = {**h.BASE_ENV, **spec.env}
    as_limit = h.NATIVE_AS_LIMIT if spec.compare == "memhog" else None

    native = h.run_native(prog, spec.args, a, env=env, stdin=spec.stdin,
                          timeout=spec.timeout, as_limit=as_limit, platform=platform)
    guest = h.run_nto(prog, spec.args, b, platform, env=env, stdin=spec.stdin,
                      timeout=spec.timeout)

    failure = judge(spec, native, guest)
    if failure and h.platform_arch(platform) != "x86_64":
        host = progs_built / libc / spec.name
        a2 = tmp_path / "A-host"
        a2.mkdir(mode=0o755)
        a2.chmod(a.stat().st_mode & 0o777)
        second = h.run_native(host, spec.args, a2, env=env, stdin=spec.stdin,
                              timeout=spec.timeout, as_limit=as_limit)
        if judge(spec, second, guest) is None:
            return
        failure += "\n\n=== and against the host-ISA oracle ===\n" + judge(spec, second, guest)
    if failure:
        raise AssertionError(failure)


def judge(spec, native, guest):
    """None if guest matches the oracle run native, else the report."""
    try:
        if spec.compare == "memhog":
            check_memhog(native, guest)
        elif spec.crash:
            check_crash(spec, native, guest)
        else:
            h.assert_same(native, guest, stderr=spec.stderr)
    except AssertionError as e:
        return str(e)
    return None


def check_crash(spec, native, guest):
    want = 128 + signal.Signals[spec.crash]
    assert native.status == want, (
        f"the oracle did not die by {spec.crash}: {native.describe()}\n"
        f"{native.stderr.decode(errors='replace')}")
    msg = f"nto: program killed by {spec.crash}".encode()
    problems = h.mismatches(native, guest, stderr=False)
    if msg not in guest.stderr:
        problems.append(f"nto's stderr lacks {msg.decode()!r}")
    if problems:
        raise AssertionError(h.report(native, guest, problems))


def check_memhog(native, guest):
    """Only the exit status and the `: ok` suffix of the last line count."""
    def last_line(r):
        lines = r.stdout.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    problems = []
    assert native.status == 0 and last_line(native).endswith(": ok"), (
        "the oracle run of memhog is broken: " + native.describe() + "\n" + last_line(native))
    if guest.timed_out:
        problems.append("nto run timed out")
    if guest.status != native.status:
        problems.append(f"exit status: native {native.status}, nto {guest.status}")
    if not last_line(guest).endswith(": ok"):
        problems.append(f"last line under nto: {last_line(guest)!r} (want '...: ok')")
    if problems:
        raise AssertionError(h.report(native, guest, problems))
