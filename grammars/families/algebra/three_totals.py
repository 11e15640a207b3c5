"""Three unknowns from three totals: a 3x3 linear system about three collections."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story

# level -> range of each friend's count (level 3: of the friends not counted by "times")
RANGES = {1: (5, 40), 2: (20, 120), 3: (4, 30)}
ROLES = ("a", "b", "c")


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class ThreeTotals(Story):
    title = "Three unknowns from three totals (a 3x3 linear system)"
    lexicons: ClassVar[dict[str, Any]] = {
        "item": ("sticker", "marble", "shell", "stamp", "card", "badge", "button",
                 "pebble", "postcard", "comic"),
    }  # fmt: skip
    answer_unit = "item"
    # generated answers are whole; a vague number may leave a fraction, which answers it
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.pairs: list[tuple[str, Token]] = []
        self.all_tok: Token | None = None
        self.times_of: tuple[str, Token] | None = None  # (who "b" has m times, m)

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals -------------------------------------------------------------------

    def THIRD(self, tok: Token) -> str:
        return self.person(tok, "c")

    def FOURTH(self, tok: Token) -> str:
        return self.person(tok, "d")

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "item")

    def ITEM1(self, tok: Token) -> str:
        return self.noun(tok, "item", 1)

    WORDNUM = MONEY = Story.NUM

    # -- sentences -------------------------------------------------------------------

    # The sentences hand over their slots; the level actions say what they are: two
    # counts are chosen first and one total is drawn (so that it can be left vague),
    # the rest follow.

    def pair(self, c: list[Any]) -> None:
        x, y = sorted(r for r in c if r in ROLES and not isinstance(r, Token))
        (tok,) = self.tokens(c)
        self.pairs.append((x + y, tok))

    def all(self, c: list[Any]) -> None:
        (self.all_tok,) = self.tokens(c)

    def times(self, c: list[Any]) -> None:
        (y,) = (r for r in c if r in ("a", "c") and not isinstance(r, Token))
        (tok,) = self.tokens(c, "WORDNUM")
        self.times_of = (y, tok)

    def _build(self, counts: dict[str, Any]) -> None:
        for role, n in counts.items():  # everyone has at least 2 ("1 marbles")
            self.let(f"check_{role}", n - 1)
        for pair, tok in self.pairs:
            if pair not in self.written:
                self.result(tok, counts[pair[0]] + counts[pair[1]], name=f"s_{pair}")
        if self.all_tok is not None and "total" not in self.written:
            self.result(self.all_tok, sum(counts.values()), name="total")

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 3, 40, name="aside")
        for tok in self.tokens(c, "MONEY"):
            self.number(tok, 2, 9, name="aside", style="money")

    def ask(self, c: list[Any]) -> None:
        return None

    # -- levels ----------------------------------------------------------------------

    def _answer(self, got: Any) -> Any:
        self.step("So {a} has {got} {item}.")
        return got

    def level1(self, c: list[Any]) -> Any:
        lo, hi = RANGES[1]
        n_a, n_c = self.unknown("n_a", lo, hi), self.unknown("n_c", lo, hi)
        ab = self.number(dict(self.pairs)["ab"], 2 * lo, 2 * hi, name="s_ab")
        self.written = {"ab"}
        self._build({"a": n_a, "b": self.let("n_b", ab - n_a), "c": n_c})
        double = self.let("double", _q("s_ab") + _q("s_bc") + _q("s_ac"))
        self.step(
            "Adding the three pair totals counts the {item} of each friend twice: "
            "{s_ab} + {s_bc} + {s_ac} = {double}."
        )
        self.let("total", double / 2)
        self.step("So the three friends have {double} / 2 = {total} {item} in all.")
        got = self.let("got", _q("total") - _q("s_bc"))
        self.step("{b} and {c} have {s_bc}, so {a} has {total} - {s_bc} = {got}.")
        return self._answer(got)

    def level2(self, c: list[Any]) -> Any:
        lo, hi = RANGES[2]
        n_b, n_c = self.unknown("n_b", lo, hi), self.unknown("n_c", lo, hi)
        assert self.all_tok is not None
        total = self.number(self.all_tok, 3 * lo, 3 * hi, name="total")
        self.written = {"total"}
        self._build({"a": self.let("n_a", total - n_b - n_c), "b": n_b, "c": n_c})
        self.let("two_pairs", _q("s_ab") + _q("s_ac"))
        self.step(
            "The two pair totals add up to {s_ab} + {s_ac} = {two_pairs}, which counts "
            "the {item} of {a} twice and those of {b} and {c} once."
        )
        got = self.let("got", _q("two_pairs") - _q("total"))
        self.step("Take away the total of all three: {two_pairs} - {total} = {got}.")
        return self._answer(got)

    def level3(self, c: list[Any]) -> Any:
        lo, hi = RANGES[3]
        assert self.all_tok is not None and self.times_of is not None
        scaled, m_tok = self.times_of
        m = self.number(m_tok, 2, 4, name="m", style="words", vague=None)
        total = self.number(self.all_tok, 6 * lo, 6 * hi, name="total")
        self.written = {"total"}
        other = "c" if scaled == "a" else "a"
        small = self.unknown(f"n_{scaled}", lo, hi)
        counts = {scaled: small, "b": m * small}
        counts[other] = self.let(f"n_{other}", total - (1 + m) * small)
        self._build(counts)
        big = self.let("big", _q("total") - _q("s_ac"))
        self.step("{a} and {c} have {s_ac}, so {b} has {total} - {s_ac} = {big}.")
        if scaled == "a":
            got = self.let("got", big / _q("m"))
            self.step("{b} has {m:int} times as many as {a}, so {a} has {big} / {m:int} = {got}.")
            return self._answer(got)
        small = self.let("small", big / _q("m"))
        self.step("{b} has {m:int} times as many as {c}, so {c} has {big} / {m:int} = {small}.")
        got = self.let("got", _q("s_ac") - small)
        self.step("{a} has {s_ac} - {small} = {got}.")
        return self._answer(got)
