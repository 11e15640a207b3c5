"""Shared fixtures: bundled grammar names and a helper to write grammar files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def write_grammar(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a grammar file into a temporary directory and return its path."""

    def write(text: str, name: str = "g.lark") -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write
