"""The compiled build (``GRAMGEN_COMPILE=1 pip install .``, setup.py) makes what the
pure-Python package makes, to the byte. These tests run where the package installed
is the compiled one (CI installs it for a second run of the suite) and skip elsewhere;
with ``GRAMGEN_COMPILE`` set they do not skip, so a build that silently came out pure
fails."""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import gramgen
import gramgen.family

SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES)
SETUP = Path(__file__).resolve().parents[1] / "setup.py"


def _compiled(module: ModuleType) -> bool:
    return str(module.__file__).endswith(SUFFIXES)


WANTED = os.environ.get("GRAMGEN_COMPILE", "0") not in ("", "0")
pytestmark = pytest.mark.skipif(
    not (WANTED or _compiled(gramgen.family)),
    reason="the pure-Python package is installed (GRAMGEN_COMPILE=1 pip install . compiles)",
)

# one of each kind: stories, equations, percentages, systems, fractions, chance
FAMILIES = ["change_join", "think_of_number", "percent_of", "coins_system", "unlike_fractions",
            "simple_probability"]  # fmt: skip

# the run, in a process of its own (the package found first on PYTHONPATH), after the
# file its families module was loaded from
_RUN = """
import sys
import gramgen.family
from gramgen.cli import main
print(gramgen.family.__file__)
sys.exit(main(sys.argv[1:]))
"""


def test_the_modules_setup_names_are_compiled() -> None:
    tree = ast.parse(SETUP.read_text())
    listed = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "COMPILED"
    )
    packages = {"engine": "gramgen", "solvers": "gramgen.solvers"}
    for pkg, name in listed:
        module = importlib.import_module(f"{packages[pkg]}.{name}")
        assert _compiled(module), f"{module.__name__} is not compiled: {module.__file__}"


def test_compiled_and_pure_python_make_the_same_files(tmp_path: Path) -> None:
    # the installed package without its extensions is the pure-Python one
    pure = tmp_path / "pure"
    shutil.copytree(
        Path(gramgen.__file__).parent,
        pure / "gramgen",
        ignore=shutil.ignore_patterns(*(f"*{s}" for s in SUFFIXES), "__pycache__"),
    )
    args = [*FAMILIES, "-n", "20", "--seed", "3", "--unsolvable", "0.2",
            "--test-fraction", "0.3", "--workers", "1", "-q"]  # fmt: skip
    outs = {}
    for name, path in (("compiled", ""), ("pure", str(pure))):
        env = {**os.environ, "PYTHONPATH": path}
        out = outs[name] = tmp_path / name / "out"
        cmd = [sys.executable, "-c", _RUN, "generate", *args, "-o", str(out)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip().endswith(SUFFIXES if name == "compiled" else ".py")
    files = sorted(f.name for f in outs["pure"].glob("*.jsonl"))
    assert files == sorted(f.name for f in outs["compiled"].glob("*.jsonl"))
    assert {"train-00000-of-00001.jsonl", "test-00000-of-00001.jsonl"} <= set(files)
    for name in files:
        pure_bytes = (outs["pure"] / name).read_bytes()
        assert (outs["compiled"] / name).read_bytes() == pure_bytes, name
