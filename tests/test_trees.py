"""Derivations as lark trees: the same tree Lark's own parser builds for the text."""

from __future__ import annotations

import math
from pathlib import Path

import lark
import pytest
from lark import Token, Transformer, Tree
from lark.exceptions import VisitError
from lark.visitors import Discard, v_args

from gramgen import Grammar, Sampler
from gramgen.trees import all_choices, to_lark, transform, view

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


class _Record(Transformer[Token, object]):
    """Writes down every call lark makes (rule, children) and drops B tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, list[object]]] = []

    def __default__(self, data: str, children: list[object], meta: object) -> object:
        self.calls.append((data, list(children)))
        return (data, tuple(children))

    def __default_token__(self, tok: Token) -> object:
        return Discard if tok.type == "B" else (tok.type, str(tok))


@pytest.mark.parametrize(
    ("grammar", "options"),
    [
        ("arith", {"parser": "lalr"}),
        (str(LARK_GRAMMARS / "lark.lark"), {"parser": "lalr"}),
        (SHAPES, {"parser": "lalr"}),
        (SHAPES, {"parser": "lalr", "maybe_placeholders": False}),
        (SHAPES, {"parser": "lalr", "keep_all_tokens": True}),
        ('start: a\na: B C?\n?b: B\nB: "b"\nC: "c"\n', {"parser": "lalr"}),
        ('?start: B | "(" start ")"\nB: "b"\n', {"parser": "lalr"}),
    ],
)
def test_one_pass_transform_makes_larks_calls(grammar: str, options: dict[str, object]) -> None:
    """transform() is transformer.transform(to_lark(...)): the same calls, the same
    children (Discard dropped where lark drops it), the same result."""
    g = (
        Grammar.from_string(grammar, **options)
        if "\n" in grammar
        else Grammar.open(grammar, **options)
    )
    s = Sampler(g)
    for smp in s.sample(150, seed=5):
        fused, plain = _Record(), _Record()
        got = transform(s, smp.derivation, fused)
        want = plain.transform(to_lark(s, smp.derivation))  # type: ignore[arg-type]
        assert got == want, smp.text
        assert fused.calls == plain.calls, smp.text


def _slots(tok: Token) -> tuple[object, ...]:
    return (str(tok), *(getattr(tok, a) for a in Token.__slots__))


class _Acts(Transformer[Token, object]):
    """Token and rule methods (one inline, through lark's ``v_args``) that record
    every slot of the tokens they are handed; ``fail`` names a method that raises."""

    def __init__(self, fail: str = "") -> None:
        super().__init__()
        self.fail = fail

    def _check(self, name: str) -> None:
        if name == self.fail:
            raise ValueError(f"{name} failed")

    def NUM(self, tok: Token) -> object:
        self._check("NUM")
        return ("NUM", _slots(tok))

    def NAME(self, tok: Token) -> object:
        self._check("NAME")
        return ("NAME", _slots(tok))

    @v_args(inline=True)
    def intro(self, *children: object) -> object:
        self._check("intro")
        return ("intro", children)

    def gain(self, children: list[object]) -> object:
        self._check("gain")
        return ("gain", tuple(children))


@pytest.mark.parametrize("fail", ["", "NUM", "NAME", "intro", "gain"])
def test_one_pass_transform_calls_methods_as_lark_does(fail: str) -> None:
    """transform() hands token and rule methods (plain and ``v_args``-wrapped) what
    lark's own Transformer does, tokens alike in every field; an error in a method
    comes out as lark's VisitError naming the same rule or terminal."""
    s = Sampler(Grammar.from_string(PHRASINGS, parser="lalr"))
    raised = 0
    for smp in s.sample(60, seed=2):
        tree = to_lark(s, smp.derivation)
        assert isinstance(tree, Tree)
        for t in tree.scan_values(lambda v: isinstance(v, Token)):  # as lark makes them
            assert _slots(t) == _slots(Token(t.type, str(t), start_pos=t.start_pos))
        want: object
        got: object
        try:
            want = _Acts(fail).transform(tree)
        except VisitError as err:
            want = (err.rule, type(err.orig_exc), str(err.orig_exc))
        try:
            got = transform(s, smp.derivation, _Acts(fail))
        except VisitError as err:
            got = (err.rule, type(err.orig_exc), str(err.orig_exc))
            raised += 1
        assert got == want, smp.text
    assert bool(raised) == bool(fail)


class _OwnDispatch(_Acts):
    """Overrides lark's dispatch itself: transform() must go through it."""

    def _call_userfunc(self, tree: Tree[Token], new_children: list[object] | None = None) -> object:
        return ("own", tree.data, tuple(new_children or tree.children))

    def _call_userfunc_token(self, token: Token) -> object:
        return ("own", token.type, str(token))


def test_one_pass_transform_keeps_a_transformers_own_dispatch() -> None:
    s = Sampler(Grammar.from_string(PHRASINGS, parser="lalr"))
    for smp in s.sample(30, seed=4):
        want = _OwnDispatch().transform(to_lark(s, smp.derivation))  # type: ignore[arg-type]
        assert transform(s, smp.derivation, _OwnDispatch()) == want, smp.text


PHRASINGS = """\
start: intro step+ ask
intro: NAME "has" NUM ITEM "."
     | "At" "first" "," NAME "has" NUM ITEM "."
     | NAME "starts with" NUM ITEM "."
     | NAME ITEM "count" ":" NUM "."
step: "Then" NAME "gets" NUM "more" "." -> gain
    | NAME "gets" NUM "more"  "really"? "." -> gain
    | NAME "loses" NUM "." -> loss
ask: "How many now" "?" | "Count" "them" "?"
NAME: /[A-Z][a-z]+/
NUM: /[1-9][0-9]?/
ITEM: /[a-z]+/
%ignore " "
"""


def _seen(tree: Tree[Token] | Token | None, order: dict[int, int]) -> object:
    """What a transformer sees of ``tree``: node names, token types, token order."""
    if tree is None:  # a placeholder
        return None
    if isinstance(tree, Token):
        return (tree.type, order[int(tree.start_pos or 0)])
    return (tree.data, tuple(_seen(c, order) for c in tree.children))


@pytest.mark.parametrize(
    ("grammar", "options"),
    [
        (PHRASINGS, {"parser": "lalr"}),
        (SHAPES, {"parser": "lalr"}),
        (SHAPES, {"parser": "lalr", "maybe_placeholders": False}),
        (SHAPES, {"parser": "lalr", "keep_all_tokens": True}),
        ("arith", {"parser": "lalr"}),
        (str(LARK_GRAMMARS / "lark.lark"), {"parser": "lalr"}),
    ],
)
def test_equal_views_hand_a_transformer_the_same(grammar: str, options: dict[str, object]) -> None:
    """Derivations with one view key give a transformer the same nodes and token types
    in the same order (only token texts and positions differ); ``kept`` are the
    positions of the tokens it is handed, ``choices`` the choices the tree records."""
    g = (
        Grammar.from_string(grammar, **options)
        if "\n" in grammar
        else Grammar.open(grammar, **options)
    )
    s = Sampler(g)
    first: dict[object, object] = {}
    for smp in s.sample(400, seed=7):
        d = smp.derivation
        key, kept, choices = view(s, d)
        tree = to_lark(s, d)
        handed = [t.start_pos for t in ([tree] if isinstance(tree, Token) else tree.scan_values(
            lambda v: isinstance(v, Token)))]  # fmt: skip
        assert sorted(int(p or 0) for p in handed) == kept
        seen = _seen(tree, {t: k for k, t in enumerate(kept)})
        assert first.setdefault(key, seen) == seen, smp.text
        root = s.engine.tree(d)
        assert sorted(choices) == sorted((n.sym, n.choice) for n in root.walk() if n.choice >= 0)
    if grammar is PHRASINGS:
        # intro's first two phrasings differ only in filtered literals, and "really"? is
        # never seen: 3 intro views x (gain | loss)^k x 1 ask view
        assert len(first) < len({tuple(smp.derivation.path) for smp in s.sample(400, seed=7)})


def test_all_choices_are_the_choices_derivations_can_make() -> None:
    """A bounded grammar's derivations make exactly the choices all_choices lists (so
    a caller can tell when every one has been seen); an unbounded one has no such list."""
    s = Sampler(Grammar.from_string(SHAPES, parser="lalr"))
    every = all_choices(s, s.start)
    assert every is not None
    made = {c for smp in s.sample(300, seed=3) for c in view(s, smp.derivation)[2]}
    assert made == every
    unbounded = Sampler(Grammar.from_string(PHRASINGS, parser="lalr"))
    assert all_choices(unbounded, unbounded.start) is None
    # and with record=False a view records none (its key and tokens are the same)
    d = next(iter(s.sample(1, seed=3))).derivation
    assert view(s, d, record=False)[:2] == view(s, d)[:2] and view(s, d, record=False)[2] == []
