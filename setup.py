"""The optional compiled build. Everything else about the package is in pyproject.toml.

``GRAMGEN_COMPILE=1 pip install .`` compiles the modules that make each problem
(:data:`COMPILED`) to C extensions with mypyc, which needs a C compiler; they run the
same code with 12-17% less CPU in the workers of a run, and make the same problems to
the byte. Without ``GRAMGEN_COMPILE`` (the default) the package is pure Python.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from setuptools import setup

# the hot path of ``gramgen generate``, as (package directory, module)
COMPILED = [
    ("engine", "family"),
    ("engine", "filler"),
    ("engine", "generate"),
    ("engine", "render"),
    ("engine", "seeds"),
    ("engine", "trees"),
    ("solvers", "construct"),
    ("solvers", "instance"),
]
PACKAGES = {"engine": "gramgen", "solvers": "gramgen/solvers"}
HERE = Path(__file__).resolve().parent


def _packages() -> list[str]:
    """The installed packages. Every folder of ``grammars/`` is one: its families'
    actions are ``.py`` files, and setuptools warns of (and may one day drop) a folder
    of modules that no package names."""
    grammars = HERE / "grammars"
    folders = sorted(p for p in grammars.rglob("*") if p.is_dir() and p.name != "__pycache__")
    found = [".".join(("gramgen.grammars", *p.relative_to(grammars).parts)) for p in folders]
    return ["gramgen", "gramgen.solvers", "gramgen.grammars", *found]


# (not for an editable install: its compiled modules would hide later edits of the sources)
WANTED = os.environ.get("GRAMGEN_COMPILE", "0") not in ("", "0")
WANTED = WANTED and "editable_wheel" not in sys.argv


def _extensions() -> list[object]:
    # setuptools builds in build/ and packs all it finds there: extensions left by an
    # earlier build would go into this one's wheel, even a pure one
    for old in (HERE / "build").glob("lib*"):
        shutil.rmtree(old, ignore_errors=True)
    if not WANTED:
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # asked for the build's requirements (mypy is one, below), or
        # built without them (pip install --no-build-isolation, mypy not installed)
        print("gramgen: GRAMGEN_COMPILE is set but mypyc (mypy) is not installed: "
              "the modules stay pure Python", file=sys.stderr)  # fmt: skip
        return []
    # mypyc names a module by the packages around its file: build from a copy of the
    # sources laid out as the installed package is (engine/ is gramgen/)
    tree = HERE / "build" / "mypyc-src"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(HERE / "engine", tree / "gramgen")
    shutil.copytree(HERE / "solvers", tree / "gramgen" / "solvers")
    paths = [os.path.relpath(tree / PACKAGES[pkg] / f"{mod}.py") for pkg, mod in COMPILED]
    # the build's environment has none of the dependencies: their types are unknown
    # (Any) to mypy here; ``mypy --strict`` checks them in development
    options = ["--ignore-missing-imports", "--no-warn-unused-ignores", "--allow-subclassing-any"]
    return list(mypycify([*options, *paths], opt_level="3"))


setup(
    packages=_packages(),
    ext_modules=_extensions(),
    # (setuptools hands these to pip as requirements of the build)
    setup_requires=["mypy>=1.10"] if WANTED else [],
)
