"""Differential test harness for NTO: Linux is the oracle.

A test runs the same program twice, once natively on Linux and once under
`nto run`, each in its own fresh directory seeded with identical files, and
compares what an observer can see: stdout, the exit status (death by signal N
counts as 128+N, as nto reports it), the files left in the directory, and --
only where a test says it is deterministic -- stderr.

Used by conftest.py, test_progs.py, test_busybox.py and the self-test.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import resource
import shlex
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Callable, Mapping, Sequence

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTS_DIR = REPO_ROOT / "tests"
PROGS_SRC_DIR = TESTS_DIR / "progs"
FAKE_NTO = TESTS_DIR / "fake_nto.py"

#: Seconds allowed for one run of one program (native or under nto).
TIMEOUT = 20.0
#: Where the guest sees the per-test directory.
GUEST_DIR = "/work"
#: The whole environment of every program, native and guest alike.
BASE_ENV: dict[str, str] = {"PATH": "/bin", "HOME": "/", "LANG": "C"}
#: Native address-space limit for memory-exhaustion programs (memhog).
NATIVE_AS_LIMIT = 512 * 1024 * 1024
#: mtime given to every seeded file and directory.
FIXED_MTIME = 1_600_000_000  # 2020-09-13T12:26:40Z
#: Files larger than this are compared by hash only.
INLINE_CONTENT_LIMIT = 1 << 20


# --------------------------------------------------------------------------
# Configuration from the environment


def nto_command(value: str | None = None) -> list[str]:
    """The command prefix that runs nto: env NTO (default build/nto).

    A relative path is taken relative to the repository root. A *.py path is
    run with the current Python interpreter (this is how tests/fake_nto.py is
    used)."""
    if value is None:
        value = os.environ.get("NTO", "build/nto")
    path = Path(value)
    if not path.is_absolute():
        path = REPO_ROOT / path
    if path.suffix == ".py":
        return [sys.executable, str(path)]
    return [str(path)]


def platforms() -> list[str]:
    """Platforms to test: env NTO_PLATFORMS, comma separated (default sgx-sim)."""
    raw = os.environ.get("NTO_PLATFORMS", "sgx-sim")
    return [p.strip() for p in raw.split(",") if p.strip()]


#: The ISA of each platform's programs, where it is not this host's x86-64.
PLATFORM_ARCH = {"riscv64-vm": "riscv64"}
#: How the native oracle runs a program of another ISA on this host
#: (binfmt_misc is not mounted here: the emulator is named explicitly).
NATIVE_RUNNER = {"riscv64": ["qemu-riscv64-static"]}
#: The static C compiler of each ISA's test programs.
STATIC_CC = {"x86_64": ["gcc", "-static"], "riscv64": ["riscv64-linux-gnu-gcc", "-static"]}


def platform_arch(platform: str | None) -> str:
    """The ISA of the programs platform runs (x86_64 unless PLATFORM_ARCH says)."""
    return PLATFORM_ARCH.get(platform or "", "x86_64")


def native_runner(platform: str | None) -> list[str]:
    """The command prefix that runs platform's programs natively ([] on x86-64)."""
    return list(NATIVE_RUNNER.get(platform_arch(platform), []))


def static_cc(platform: str | None) -> list[str]:
    """gcc -static for platform's ISA: for tests that compile a program themselves."""
    return list(STATIC_CC[platform_arch(platform)])


def x86_only(platform: str | None) -> str | None:
    """Why a test that runs this host's own x86-64 binaries (Debian's busybox,
    coreutils, python, a dynamically linked program) cannot run on platform;
    None when it can."""
    arch = platform_arch(platform)
    if arch == "x86_64":
        return None
    return (f"runs this host's x86-64 binaries; {platform} runs {arch} programs "
            f"(Debian 12 has no {arch} busybox; the project's own programs cover it)")


def prog_path(progs_dir: Path, platform: str | None, libc: str, name: str
              ) -> tuple[Path | None, str | None]:
    """(path of test program name for platform and libc, None), or (None, why
    there is none): progs.mk builds riscv64 programs with glibc only."""
    arch = platform_arch(platform)
    if arch == "x86_64":
        return progs_dir / libc / name, None
    if libc != "glibc":
        return None, f"no {libc} build for {arch}: Debian 12 has no {libc} cross compiler for it"
    return progs_dir / f"{arch}-glibc" / name, None


def progs_build_dir() -> Path:
    """Where progs.mk put the binaries: env NTO_TEST_PROGS_DIR (default build/tests)."""
    path = Path(os.environ.get("NTO_TEST_PROGS_DIR", "build/tests"))
    return path if path.is_absolute() else REPO_ROOT / path


# --------------------------------------------------------------------------
# Running


@dataclasses.dataclass
class Result:
    """What one run of a program showed."""

    argv: list[str]
    status: int | None  # exit status, 128+N for death by signal N, None on timeout
    stdout: bytes
    stderr: bytes
    tree: dict[str, tuple] = dataclasses.field(default_factory=dict)
    timed_out: bool = False

    def describe(self) -> str:
        if self.timed_out:
            st = f"TIMEOUT after {TIMEOUT:g}s"
        else:
            st = f"status {self.status}"
        return f"{shlex.join(self.argv)}\n    -> {st}"


def _preexec(as_limit: int | None) -> Callable[[], None]:
    def fn() -> None:
        os.umask(0o022)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if as_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))

    return fn


def _run(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    stdin: bytes,
    timeout: float,
    as_limit: int | None = None,
) -> Result:
    """Run argv in its own session so a timeout can kill every descendant."""
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_preexec(as_limit),
        start_new_session=True,
        close_fds=True,
    )
    timed_out = False
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
    rc = proc.returncode
    status = None if timed_out else (128 - rc if rc < 0 else rc)
    return Result(list(argv), status, out, err, timed_out=timed_out)


def run_native(
    prog: str | Path,
    args: Sequence[str],
    workdir: Path,
    *,
    env: Mapping[str, str] | None = None,
    stdin: bytes = b"",
    timeout: float = TIMEOUT,
    as_limit: int | None = None,
    platform: str | None = None,
) -> Result:
    """Run prog natively with cwd=workdir and exactly the environment env;
    a program of another ISA than the host's (platform's) runs under its
    user-mode emulator (native_runner)."""
    full_env = dict(BASE_ENV if env is None else env)
    argv = [*native_runner(platform), str(prog), *args]
    res = _run(argv, workdir, full_env, stdin, timeout, as_limit)
    res.tree = snapshot(workdir)
    return res


def run_nto(
    prog: str | Path,
    args: Sequence[str],
    workdir: Path,
    platform: str,
    *,
    env: Mapping[str, str] | None = None,
    stdin: bytes = b"",
    timeout: float = TIMEOUT,
    nto: Sequence[str] | None = None,
    run_cwd: Path | None = None,
) -> Result:
    """Run prog under `nto run` with workdir mounted at /work as the cwd.

    The environment of the guest is exactly env, passed with --env; nto
    itself runs with the harness's own environment."""
    full_env = dict(BASE_ENV if env is None else env)
    cmd = list(nto if nto is not None else nto_command())
    if not Path(cmd[0]).exists():
        raise FileNotFoundError(
            f"nto not found at {cmd[0]} (build it, or set NTO=...; "
            "NTO=tests/fake_nto.py self-checks the harness)")
    cmd += ["run", "--platform", platform, "--mount", f"{workdir}:{GUEST_DIR}", "--cwd", GUEST_DIR]
    for k, v in full_env.items():
        cmd += ["--env", f"{k}={v}"]
    cmd += [str(prog), *args]
    if run_cwd is None:
        # nto runs "anywhere": a scratch directory beside A and B.
        run_cwd = workdir.parent / "nto-cwd"
        run_cwd.mkdir(exist_ok=True)
    cwd = run_cwd
    res = _run(cmd, cwd, os.environ, stdin, timeout)
    res.tree = snapshot(workdir)
    return res


# --------------------------------------------------------------------------
# Directory trees


def snapshot(root: Path) -> dict[str, tuple]:
    """Everything observable about the files under root (root excluded):
    relative path -> (type, mode & 0o777, size, content) for files,
    ("dir", mode) for directories, ("symlink", target) for symlinks."""
    tree: dict[str, tuple] = {}
    root = Path(root)

    def walk(d: Path, rel: str) -> None:
        try:
            names = sorted(os.listdir(d))
        except OSError as e:
            tree[rel or "."] = ("unlistable", e.errno)
            return
        for name in names:
            p = d / name
            r = f"{rel}/{name}" if rel else name
            st = os.lstat(p)
            mode = stat.S_IMODE(st.st_mode) & 0o777
            if stat.S_ISLNK(st.st_mode):
                tree[r] = ("symlink", os.readlink(p))
            elif stat.S_ISDIR(st.st_mode):
                tree[r] = ("dir", oct(mode))
                walk(p, r)
            elif stat.S_ISREG(st.st_mode):
                try:
                    data = p.read_bytes()
                except OSError as e:
                    content: object = f"<unreadable: errno {e.errno}>"
                else:
                    if len(data) > INLINE_CONTENT_LIMIT:
                        content = "sha256:" + hashlib.sha256(data).hexdigest()
                    else:
                        content = data
                tree[r] = ("file", oct(mode), st.st_size, content)
            elif stat.S_ISFIFO(st.st_mode):
                tree[r] = ("fifo", oct(mode))
            elif stat.S_ISSOCK(st.st_mode):
                tree[r] = ("socket", oct(mode))
            else:
                tree[r] = ("other", oct(mode))

    walk(root, "")
    return tree


def seed(root: Path, files: Mapping[str, object], mtime: int = FIXED_MTIME) -> None:
    """Create identical input files under root.

    files maps a relative path to bytes/str (a file), DIR (a directory),
    Symlink(target), or File(content, mode). Parents are created as needed.
    Every seeded file and directory (and root) gets mtime `mtime`."""
    root = Path(root)
    made: list[Path] = []
    for rel, spec in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        for parent in p.relative_to(root).parents:
            if str(parent) != ".":
                made.append(root / parent)
        if spec is DIR:
            p.mkdir(exist_ok=True)
        elif isinstance(spec, Symlink):
            os.symlink(spec.target, p)
        else:
            if isinstance(spec, File):
                content, mode = spec.content, spec.mode
            else:
                content, mode = spec, 0o644
            p.write_bytes(content.encode() if isinstance(content, str) else content)
            os.chmod(p, mode)
        made.append(p)
    # Deepest first so that setting a child's time does not disturb the parent's.
    for p in sorted(set(made), key=lambda q: len(q.parts), reverse=True):
        if not p.is_symlink():
            os.utime(p, (mtime, mtime))
    os.utime(root, (mtime, mtime))


class _Dir:
    def __repr__(self) -> str:
        return "DIR"


DIR = _Dir()


@dataclasses.dataclass(frozen=True)
class Symlink:
    target: str


@dataclasses.dataclass(frozen=True)
class File:
    content: bytes | str
    mode: int = 0o644


def make_dirs(base: Path, mode: int = 0o755) -> tuple[Path, Path]:
    """Two fresh, identical, empty directories A (native) and B (nto)."""
    a, b = Path(base) / "A", Path(base) / "B"
    for d in (a, b):
        d.mkdir()
        os.chmod(d, mode)
    return a, b


# --------------------------------------------------------------------------
# Comparing


def _text(b: bytes) -> list[str]:
    return b.decode("utf-8", "backslashreplace").splitlines(keepends=True)


def _diff(label: str, native: bytes, guest: bytes, limit: int = 80) -> str:
    lines = list(
        difflib.unified_diff(_text(native), _text(guest), f"{label} (native)", f"{label} (nto)", n=2)
    )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more diff lines)\n"]
    return "".join(line if line.endswith("\n") else line + "\n\\ no newline\n" for line in lines)


def _short(v: object) -> str:
    if isinstance(v, tuple) and len(v) == 4 and isinstance(v[3], bytes):
        data = v[3]
        shown = data[:60] + (b"..." if len(data) > 60 else b"")
        return f"({v[0]}, {v[1]}, size {v[2]}, {shown!r})"
    return repr(v)


def tree_diff(native: Mapping[str, tuple], guest: Mapping[str, tuple]) -> list[str]:
    out = []
    for path in sorted(set(native) | set(guest)):
        n, g = native.get(path), guest.get(path)
        if n == g:
            continue
        if n is None:
            out.append(f"  only under nto:   {path}: {_short(g)}")
        elif g is None:
            out.append(f"  only natively:    {path}: {_short(n)}")
        else:
            out.append(f"  differs:          {path}:\n      native {_short(n)}\n      nto    {_short(g)}")
            if n[0] == "file" == g[0] and isinstance(n[3], bytes) and isinstance(g[3], bytes):
                if n[3] != g[3]:
                    out.append(_diff(f"  {path}", n[3], g[3], limit=20))
    return out


def mismatches(
    native: Result,
    guest: Result,
    *,
    stdout: bool = True,
    stderr: bool = False,
    status: bool = True,
    tree: bool = True,
) -> list[str]:
    """Human-readable list of every observable difference (empty if none)."""
    problems = []
    if guest.timed_out:
        problems.append(f"nto run timed out after {TIMEOUT:g}s")
    if native.timed_out:
        problems.append(f"native run timed out after {TIMEOUT:g}s (the test itself is broken)")
    if status and native.status != guest.status:
        problems.append(f"exit status: native {native.status}, nto {guest.status}")
    if stdout and native.stdout != guest.stdout:
        problems.append("stdout differs:\n" + _diff("stdout", native.stdout, guest.stdout))
    if stderr and native.stderr != guest.stderr:
        problems.append("stderr differs:\n" + _diff("stderr", native.stderr, guest.stderr))
    if tree and native.tree != guest.tree:
        problems.append("files differ:\n" + "\n".join(tree_diff(native.tree, guest.tree)))
    return problems


def report(native: Result, guest: Result, problems: Sequence[str]) -> str:
    def tail(b: bytes, n: int = 2000) -> str:
        s = b.decode("utf-8", "backslashreplace")
        return s if len(s) <= n else "..." + s[-n:]

    parts = [
        "native: " + native.describe(),
        "nto:    " + guest.describe(),
        *problems,
        "--- nto stderr ---\n" + tail(guest.stderr),
        "--- native stderr ---\n" + tail(native.stderr),
    ]
    return "\n".join(parts)


def assert_same(native: Result, guest: Result, **what: bool) -> None:
    problems = mismatches(native, guest, **what)
    if problems:
        raise AssertionError(report(native, guest, problems))


def signal_name(status: int | None) -> str | None:
    """SIGSEGV for 139, None when status is not a death by signal."""
    if status is None or status <= 128:
        return None
    try:
        return signal.Signals(status - 128).name
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Test program metadata: `//! key: value` lines in tests/progs/NAME.c


@dataclasses.dataclass
class ProgSpec:
    name: str
    args: list[str] = dataclasses.field(default_factory=list)
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    stdin: bytes = b""
    crash: str | None = None  # e.g. "SIGSEGV"
    compare: str = "full"  # "full" or "memhog"
    stderr: bool = False
    timeout: float = TIMEOUT
    multiproc: bool = False  # needs fork/wait: pytest marker `multiproc`
    arch: str | None = None  # the one ISA it is for (its calls exist only there)
    # platform -> why it fails there today: the test runs and must fail
    # (strict xfail, reported with the reason; a pass is an error)
    known_bug: dict[str, str] = dataclasses.field(default_factory=dict)


def _unescape(s: str) -> bytes:
    out = bytearray()
    i = 0
    esc = {"n": b"\n", "t": b"\t", "\\": b"\\", "0": b"\0", "r": b"\r"}
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in esc:
            out += esc[s[i + 1]]
            i += 2
        else:
            out += s[i].encode()
            i += 1
    return bytes(out)


def parse_spec(path: Path) -> ProgSpec:
    spec = ProgSpec(path.stem)
    for line in path.read_text().splitlines():
        if not line.startswith("//!"):
            continue
        key, _, value = line[3:].strip().partition(":")
        key, value = key.strip(), value.strip()
        if key == "args":
            spec.args = shlex.split(value)
        elif key == "env":
            k, _, v = value.partition("=")
            spec.env[k] = v
        elif key == "stdin":
            spec.stdin = _unescape(value)
        elif key == "crash":
            if value not in signal.Signals.__members__:
                raise ValueError(f"{path}: unknown signal {value!r}")
            spec.crash = value
        elif key == "compare":
            if value not in ("full", "memhog"):
                raise ValueError(f"{path}: unknown compare mode {value!r}")
            spec.compare = value
        elif key == "stderr":
            spec.stderr = value == "compare"
        elif key == "timeout":
            spec.timeout = float(value)
        elif key == "arch":
            if value not in ("x86_64", "riscv64"):
                raise ValueError(f"{path}: unknown arch {value!r}")
            spec.arch = value
        elif key == "multiproc":
            if value not in ("yes", "no"):
                raise ValueError(f"{path}: multiproc must be yes or no, not {value!r}")
            spec.multiproc = value == "yes"
        elif key == "known-bug":
            plat, _, why = value.partition(":")
            if not why.strip():
                raise ValueError(f"{path}: known-bug needs 'PLATFORM: reason'")
            spec.known_bug[plat.strip()] = why.strip()
        else:
            raise ValueError(f"{path}: unknown metadata key {key!r}")
    return spec


def prog_specs() -> list[ProgSpec]:
    return [parse_spec(p) for p in sorted(PROGS_SRC_DIR.glob("*.c"))]


LIBCS = ("glibc", "musl")


def build_progs() -> None:
    """Build every test program with tests/progs/progs.mk (idempotent)."""
    jobs = str(os.cpu_count() or 2)
    cmd = ["make", "-s", "-j", jobs, "-f", "tests/progs/progs.mk", "test-progs"]
    out = progs_build_dir()
    if "NTO_TEST_PROGS_DIR" in os.environ:
        cmd.append(f"TESTPROGS_OUT={out}")
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"building test programs failed:\n{proc.stdout}\n{proc.stderr}")
