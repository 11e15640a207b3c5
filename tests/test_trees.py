"""Derivations as lark trees: the same tree Lark's own parser builds for the text."""

from __future__ import annotations

import math
from pathlib import Path

import lark
import pytest
from lark import Token, Transformer, Tree

from gramgen import Grammar, Sampler
from gramgen.trees import to_lark

LARK_GRAMMARS = Path(lark.__file__).parent / "grammars"

SHAPES = """\
start: pair{"a"} _hid ["q" B C] ["x" "y"] B? keep one two ["w" _hid two] "z"~2 "k" B~0..2
pair{x}: x "," x
_hid: B
!keep: ";" B
?one: B
?two: B C
B: "b"
C: "c"
%ignore " "
"""


@pytest.mark.parametrize(
    ("grammar", "options"),
    [
        ("arith", {"parser": "lalr"}),
        ("json", {"parser": "lalr"}),
        (str(LARK_GRAMMARS / "lark.lark"), {"parser": "lalr"}),
        (SHAPES, {"parser": "lalr"}),
        (SHAPES, {"parser": "lalr", "maybe_placeholders": False}),
        (SHAPES, {"parser": "lalr", "keep_all_tokens": True}),
    ],
)
def test_tree_equals_larks_parse_of_the_text(grammar: str, options: dict[str, object]) -> None:
    g = (
        Grammar.from_string(grammar, **options)
        if "\n" in grammar
        else Grammar.open(grammar, **options)
    )
    s = Sampler(g)
    for smp in s.sample(150, seed=3):
        assert to_lark(s, smp.derivation) == g.loaded.lark.parse(smp.text), smp.text


def test_a_transformer_runs_on_generated_trees() -> None:
    class Calc(Transformer[Token, float]):
        def NUMBER(self, tok: Token) -> float:
            return float(tok)

        def add(self, c: list[float]) -> float:
            return c[0] + c[1]

        def sub(self, c: list[float]) -> float:
            return c[0] - c[1]

        def mul(self, c: list[float]) -> float:
            return c[0] * c[1]

        def div(self, c: list[float]) -> float:
            return c[0] / c[1] if c[1] else math.inf

        def neg(self, c: list[float]) -> float:
            return -c[0]

    s = Sampler(Grammar.open("arith", parser="lalr"))
    for smp in s.sample(100, seed=8):
        mine = to_lark(s, smp.derivation)
        theirs = s.grammar.loaded.lark.parse(smp.text)
        if isinstance(mine, Token):
            assert mine == theirs
            continue
        assert isinstance(mine, Tree)
        a, b = Calc().transform(mine), Calc().transform(theirs)
        assert a == b or (math.isnan(a) and math.isnan(b))
