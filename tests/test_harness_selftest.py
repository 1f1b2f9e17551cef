"""Self-test of the differential harness, always against tests/fake_nto.py.

These do not test nto. They check that the fake behaves like the harness
expects and, above all, that the comparison would *detect* a difference: a
harness that compares nothing passes everything.
"""

from pathlib import Path

import pytest

import ntoharness as h

FAKE = h.nto_command(str(h.FAKE_NTO))
BUSYBOX = Path("/bin/busybox")
PLATFORM = "sgx-sim"


def fake_run(prog, args, workdir, **kw):
    return h.run_nto(prog, args, workdir, PLATFORM, nto=FAKE, **kw)


def test_fake_matches_native(progs_built, dirs):
    a, b = dirs
    spec = h.parse_spec(h.PROGS_SRC_DIR / "environ.c")
    prog = progs_built / "glibc" / "environ"
    env = {**h.BASE_ENV, **spec.env}
    native = h.run_native(prog, spec.args, a, env=env)
    guest = fake_run(prog, spec.args, b, env=env)
    assert native.status == 0
    assert b"NTO_TEST_VAR: hello world" in native.stdout
    h.assert_same(native, guest, stderr=True)


def test_fake_passes_cwd_files_and_stdin(dirs):
    a, b = dirs
    for d in (a, b):
        h.seed(d, {"in.txt": "seeded\n"})
    argv = ["sh", "-c", "read x; echo \"$x\" > out.txt; cat in.txt"]
    native = h.run_native(BUSYBOX, argv, a, stdin=b"from stdin\n")
    guest = fake_run(BUSYBOX, argv, b, stdin=b"from stdin\n")
    assert native.stdout == b"seeded\n"
    assert native.tree["out.txt"][3] == b"from stdin\n"
    h.assert_same(native, guest, stderr=True)


def test_fake_env_is_exactly_the_given_env(dirs):
    _, b = dirs
    env = {"PATH": "/bin", "ONLY": "this"}
    guest = fake_run(BUSYBOX, ["env"], b, env=env)
    assert guest.stdout == b"PATH=/bin\nONLY=this\n"


def test_detects_stdout_mismatch(dirs):
    a, b = dirs
    native = h.run_native(BUSYBOX, ["echo", "one"], a)
    guest = fake_run(BUSYBOX, ["echo", "two"], b)
    problems = h.mismatches(native, guest)
    assert len(problems) == 1 and problems[0].startswith("stdout differs")
    with pytest.raises(AssertionError, match="stdout differs"):
        h.assert_same(native, guest)


def test_detects_status_mismatch(dirs):
    a, b = dirs
    native = h.run_native(BUSYBOX, ["true"], a)
    guest = fake_run(BUSYBOX, ["false"], b)
    assert h.mismatches(native, guest) == ["exit status: native 0, nto 1"]


def test_detects_stderr_mismatch_only_when_asked(dirs):
    a, b = dirs
    native = h.run_native(BUSYBOX, ["cat", "nope1"], a)
    guest = fake_run(BUSYBOX, ["cat", "nope2"], b)
    assert h.mismatches(native, guest) == []
    assert any(p.startswith("stderr differs") for p in h.mismatches(native, guest, stderr=True))


@pytest.mark.parametrize(
    "native_cmd, guest_cmd, expect",
    [
        (["touch", "x"], ["touch", "y"], "only natively"),
        (["sh", "-c", "echo a > f"], ["sh", "-c", "echo b > f"], "differs"),
        (["sh", "-c", "echo a > f; chmod 600 f"], ["sh", "-c", "echo a > f"], "0o600"),
        (["mkdir", "d"], ["touch", "d"], "differs"),
        (["ln", "-s", "t1", "l"], ["ln", "-s", "t2", "l"], "'t2'"),
    ],
    ids=["name", "content", "mode", "type", "symlink"],
)
def test_detects_tree_mismatch(dirs, native_cmd, guest_cmd, expect):
    a, b = dirs
    native = h.run_native(BUSYBOX, native_cmd, a)
    guest = fake_run(BUSYBOX, guest_cmd, b)
    problems = h.mismatches(native, guest, stdout=False, status=False)
    assert len(problems) == 1 and problems[0].startswith("files differ")
    assert expect in problems[0]


def test_snapshot_ignores_only_mtime(tmp_path):
    a, b = h.make_dirs(tmp_path)
    h.seed(a, {"f": "x", "d/g": "y"}, mtime=1)
    h.seed(b, {"f": "x", "d/g": "y"}, mtime=2)
    assert h.snapshot(a) == h.snapshot(b)
    (b / "d" / "g").write_text("z")
    assert h.snapshot(a) != h.snapshot(b)


def test_crash_is_reported_like_nto(progs_built, dirs):
    a, b = dirs
    prog = progs_built / "musl" / "crash_segv"
    native = h.run_native(prog, [], a)
    guest = fake_run(prog, [], b)
    assert native.status == 128 + 11
    assert guest.status == native.status
    assert b"nto: program killed by SIGSEGV at 0x" in guest.stderr
    assert h.signal_name(guest.status) == "SIGSEGV"
    h.assert_same(native, guest)


def test_fake_limits_memory(progs_built, dirs):
    _, b = dirs
    guest = fake_run(progs_built / "glibc" / "memhog", [], b)
    assert guest.status == 0
    assert guest.stdout.strip().endswith(b": ok")


def test_timeout_is_detected(dirs, monkeypatch):
    a, b = dirs
    native = h.run_native(BUSYBOX, ["true"], a)
    guest = fake_run(BUSYBOX, ["sleep", "30"], b, timeout=0.5)
    assert guest.timed_out and guest.status is None
    assert any("timed out" in p for p in h.mismatches(native, guest))


def test_missing_nto_fails_loudly(dirs, tmp_path):
    a, b = dirs
    native = h.run_native(BUSYBOX, ["true"], a)
    with pytest.raises(OSError):
        h.run_nto(BUSYBOX, ["true"], b, PLATFORM, nto=[str(tmp_path / "no-such-nto")])
    broken = h.run_nto(BUSYBOX, ["true"], b, PLATFORM, nto=["/bin/false"])
    assert h.mismatches(native, broken)


def test_fake_maps_nested_cwd_and_rejects_unmounted(dirs):
    _, b = dirs
    (b / "sub").mkdir()
    cmd = FAKE + ["run", "--platform", PLATFORM, "--mount", f"{b}:/work", "--cwd", "/work/sub",
                  str(BUSYBOX), "touch", "here"]
    r = h._run(cmd, b, {"PATH": "/bin"}, b"", 10)
    assert r.status == 0 and (b / "sub" / "here").exists()
    cmd = FAKE + ["run", "--mount", f"{b}:/work", "--cwd", "/elsewhere", str(BUSYBOX), "true"]
    assert h._run(cmd, b, {"PATH": "/bin"}, b"", 10).status == 125


def test_metadata_parsing(tmp_path):
    src = tmp_path / "demo.c"
    src.write_text(
        "//! args: a 'b c' \"\"\n//! env: K=v=w\n//! stdin: x\\ny\n//! crash: SIGABRT\n"
        "//! stderr: compare\nint main(void) { return 0; }\n"
    )
    spec = h.parse_spec(src)
    assert spec.args == ["a", "b c", ""]
    assert spec.env == {"K": "v=w"}
    assert spec.stdin == b"x\ny"
    assert spec.crash == "SIGABRT" and spec.stderr
    src.write_text("//! bogus: 1\n")
    with pytest.raises(ValueError):
        h.parse_spec(src)
