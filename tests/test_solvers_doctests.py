"""The examples in the solvers' docstrings run and are right."""

from __future__ import annotations

import doctest
import importlib
import random
from fractions import Fraction

import pytest
import sympy

from gramgen import solvers

MODULES = [
    "answers", "audit", "construct", "drawgen", "exact", "model", "relations", "sandbox",
    "skeleton", "solution", "units", "verdict",
]  # fmt: skip


@pytest.mark.parametrize("name", ["__init__", *MODULES])
def test_docstring_examples(name):
    module = solvers if name == "__init__" else importlib.import_module(f"gramgen.solvers.{name}")
    globs = {**vars(solvers), "Fraction": Fraction, "random": random, "sympy": sympy}
    result = doctest.testmod(module, extraglobs=globs, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
