"""sgx-sim's satellite enclaves (docs/satellites.md) under a hostile host.

Linux has no analogue of a host that forges the frames between two
enclaves, so these check properties: a tampered frame ends only the process
whose channel it was (or fails the fork it belonged to), the rest goes on,
nto says what happened, and no host process is left behind.
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

import ntoharness as h

SRC = Path(__file__).parent / "robust" / "fork_channel.c"
# A child whose channel breaks is killed (SIGKILL), or gets SIGBUS if the
# break came while a page of its program was being read in (as Linux gives
# for a file page it cannot read).
LINE = re.compile(rb"^child (\d+): (exited (\d+)|killed by signal (9|7)|fork failed: .*)$")


@pytest.fixture(scope="module")
def fork_channel(tmp_path_factory):
    exe = tmp_path_factory.mktemp("sat") / "fork_channel"
    subprocess.run(["gcc", "-static", "-O1", "-o", str(exe), str(SRC)], check=True)
    return exe


def run(exe, env_extra, n=4, timeout=60):
    env = dict(os.environ, **env_extra)
    cmd = h.nto_command() + ["run", "--platform", "sgx-sim", str(exe), str(n)]
    # A session of its own, to find every host process it leaves behind.
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         start_new_session=True)
    out, err = p.communicate(timeout=timeout)
    return p.pid, p.returncode, out, err


def leftovers(sid):
    """Live host processes still in nto's session (zombies wait for the
    machine's init to reap them: they run nothing)."""
    for _ in range(20):
        time.sleep(0.1)
        r = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-s", str(sid)],
                           capture_output=True)
        live = [l for l in r.stdout.decode().splitlines() if l.split()[1][0] != "Z"]
        if not live:
            return ""
    return "\n".join(live)


def test_forks_leave_no_host_process(fork_channel, platform):
    if platform != "sgx-sim":
        pytest.skip("satellites are sgx-sim's way of forking")
    sid, rc, out, err = run(fork_channel, {}, n=6)
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[-1] == b"parent done"
    assert lines[:-1] == [b"child %d: exited %d" % (i, i) for i in range(6)]
    assert leftovers(sid) == ""


@pytest.mark.parametrize("nth", [1, 2, 3, 5, 8, 13, 21, 34, 55])
def test_tampered_frame_ends_only_its_process(fork_channel, platform, nth):
    if platform != "sgx-sim":
        pytest.skip("satellites are sgx-sim's way of forking")
    sid, rc, out, err = run(fork_channel, {"NTO_SGXSIM_TAMPER": str(nth)})
    assert rc == 0, err
    assert b"panic" not in err
    lines = out.splitlines()
    assert lines[-1] == b"parent done", out
    results = [LINE.match(l) for l in lines[:-1]]
    assert all(results) and len(results) == 4, out
    hurt = [m for m in results if m.group(3) is None or int(m.group(3)) != int(m.group(1))]
    assert b"tampered with frame" in err, "the hostile host never got its chance"
    # Every forged frame is caught: exactly one child suffers, cleanly —
    # its fork fails, or it is killed and nto says why.
    assert len(hurt) == 1, out
    if b"killed" in hurt[0].group(0):
        assert b"channel failed" in err, err
    assert leftovers(sid) == ""
