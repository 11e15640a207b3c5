"""Worker processes of ``gramgen generate``: they end when the main process dies."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

_CLI = "import sys; from gramgen.cli import main; sys.exit(main())"


def _proc_children() -> bool:
    """Whether this system lists a process's children in /proc (Linux, most kernels)."""
    return Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists()


def _children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children."""
    if _proc_children():
        found: list[int] = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # thread ended
                found += map(int, (task / "children").read_text().split())
        return found
    got = subprocess.run(["pgrep", "-P", str(pid)], check=False, capture_output=True, text=True)
    return [int(c) for c in got.stdout.split()]


def _ps(pid: int) -> tuple[str, str]:
    """``pid``'s state (``""`` if there is no such process) and command line."""
    if _proc_children():
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            args = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError):
            return "", ""
        return state, args
    got = subprocess.run(
        ["ps", "-o", "stat=,args=", "-p", str(pid)], check=False, capture_output=True, text=True
    )
    state, _, args = got.stdout.strip().partition(" ")
    return state, args


def _alive(pid: int) -> bool:
    """Whether ``pid`` is running (a zombie, dead but not yet reaped, is not)."""
    state = _ps(pid)[0]
    return bool(state) and not state.startswith("Z")


@pytest.mark.skipif(
    not _proc_children() and not (shutil.which("pgrep") and shutil.which("ps")),
    reason="needs /proc/<pid>/task/*/children or pgrep to find the worker processes",
)
def test_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-c", _CLI, "generate", "change_join", "-n", "200000",
           "--workers", "2", "-o", str(out), "-q"]  # fmt: skip
    main = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    workers: list[int] = []
    try:
        # wait until both workers run (they start with the first chunks sent), then
        # kill the main process while they make chunks
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and main.poll() is None and len(workers) < 2:
            time.sleep(0.05)
            workers = _children(main.pid)
        time.sleep(0.5)
        assert main.poll() is None, main.communicate()[1]
        assert len(workers) >= 2, f"workers not seen: {workers}"
        assert all(_alive(w) for w in workers)
        main.send_signal(signal.SIGKILL)
        main.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "workers outlived the main process"
    finally:
        if main.poll() is None:
            main.kill()
            main.wait()
        for w in workers:  # (if the test failed: leave none of this test's running)
            state, args = _ps(w)
            if state and not state.startswith("Z") and str(out) in args:
                os.kill(w, signal.SIGKILL)
