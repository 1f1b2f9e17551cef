#!/usr/bin/env python3
"""A stand-in for `nto` that runs the program natively (harness self-test aid).

    fake_nto.py run [--platform P] [--mount HOST:GUEST[:ro]]... [--cwd DIR]
                    [--env K=V]... [--] PROGRAM [ARGS...]

It mimics what the differential harness relies on:
  * the guest cwd DIR is mapped to a host directory through the mounts
    (longest matching GUEST prefix);
  * the program's environment is exactly the --env variables, in order;
  * memory is limited like an enclave (RLIMIT_AS, env FAKE_NTO_MEM_MIB,
    default 512), so malloc eventually fails with ENOMEM;
  * death by signal N prints `nto: program killed by SIGxxx at 0x...` on
    stderr and exits 128+N; otherwise the program's exit status is returned.

Limitations: PROGRAM and ARGS are not translated (give a host path to the
program and relative paths as arguments); `:ro` is not enforced; the guest
sees the whole host file system.
"""

import os
import resource
import signal
import subprocess
import sys


def usage(msg):
    sys.stderr.write(f"fake-nto: {msg}\nusage: fake_nto.py run [--platform P] [--mount H:G[:ro]] "
                     "[--cwd DIR] [--env K=V] PROGRAM ARGS...\n")
    sys.exit(125)


def parse(argv):
    if not argv or argv[0] != "run":
        usage("expected the `run` command")
    opts = {"platform": None, "mount": [], "cwd": None, "env": []}
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--":
            i += 1
            break
        if not a.startswith("--"):
            break
        name, eq, val = a[2:].partition("=")
        if name not in opts:
            usage(f"unknown option {a}")
        if not eq:
            i += 1
            if i >= len(argv):
                usage(f"{a} needs a value")
            val = argv[i]
        if isinstance(opts[name], list):
            opts[name].append(val)
        else:
            opts[name] = val
        i += 1
    if i >= len(argv):
        usage("no PROGRAM given")
    return opts, argv[i:]


def map_guest(path, mounts):
    best = None
    for host, guest in mounts:
        g = guest.rstrip("/") or "/"
        if path == g or path.startswith(g.rstrip("/") + "/"):
            if best is None or len(g) > len(best[1]):
                best = (host, g)
    if best is None:
        return None
    rest = path[len(best[1]):].lstrip("/")
    return os.path.join(best[0], rest) if rest else best[0]


def main():
    opts, prog = parse(sys.argv[1:])
    mounts = []
    for m in opts["mount"]:
        parts = m.split(":")
        if len(parts) == 3 and parts[2] == "ro":
            parts = parts[:2]
        if len(parts) != 2 or not parts[0] or not parts[1].startswith("/"):
            usage(f"bad --mount {m!r}")
        if not os.path.isdir(parts[0]):
            usage(f"--mount: {parts[0]} is not a directory")
        mounts.append((parts[0], parts[1]))
    cwd = None
    if opts["cwd"] is not None:
        cwd = map_guest(opts["cwd"], mounts)
        if cwd is None:
            usage(f"--cwd {opts['cwd']} is not under a mount")
    env = {}
    for kv in opts["env"]:
        k, eq, v = kv.partition("=")
        if not eq or not k:
            usage(f"bad --env {kv!r}")
        env[k] = v
    mem = int(os.environ.get("FAKE_NTO_MEM_MIB", "512")) << 20

    def limits():
        os.umask(0o022)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

    # Let the program's stdin/stdout/stderr be ours; fds above 2 are closed.
    try:
        proc = subprocess.Popen(prog, cwd=cwd, env=env, preexec_fn=limits, close_fds=True)
    except OSError as e:
        sys.stderr.write(f"nto: cannot run {prog[0]}: {e.strerror}\n")
        sys.exit(127)
    # Forward termination requests so the child does not outlive us.
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, lambda sig, _f: proc.send_signal(sig))
    rc = proc.wait()
    if rc < 0:
        name = signal.Signals(-rc).name
        sys.stderr.write(f"nto: program killed by {name} at 0x0 (fake: address unknown)\n")
        sys.stderr.flush()
        sys.exit(128 - rc)
    sys.exit(rc)


if __name__ == "__main__":
    main()
