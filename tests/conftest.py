"""Shared fixtures: bundled grammar names and a helper to write grammar files."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest

# the grammar cache of a test run is its own, not the user's, and goes with it (xdist's
# workers inherit the variable from the process that made the directory)
if "GRAMGEN_CACHE_DIR" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="gramgen-test-cache-")
    os.environ["GRAMGEN_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)


@pytest.fixture
def write_grammar(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a grammar file into a temporary directory and return its path."""

    def write(text: str, name: str = "g.lark") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write


class Interrupting(Executor):
    """Runs chunks in-process, then a Ctrl-C arrives on the ``after``-th chunk."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.calls = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls += 1
        if self.calls >= self.after:
            raise KeyboardInterrupt
        fut: Future[Any] = Future()
        fut.set_result(fn(*args, **kwargs))
        return fut
