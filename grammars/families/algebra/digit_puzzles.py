"""Two-digit number puzzles: the digit sum, a relation between the digits, reversal."""

from __future__ import annotations

from typing import Any

import sympy
from lark import Token

from gramgen.semantics import Story


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class DigitPuzzles(Story):
    title = "Two-digit number puzzles: digit sums and reversed digits"
    # generated answers are whole; a vague number may give a fraction, which answers it
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.relation: tuple[str, Token | None] = ("", None)
        self.rev: tuple[str, Token | None] = ("", None)
        self.sum_tok: Token | None = None

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- sentences: they hand over their slots; the levels say what they are ---------

    def digit_sum(self, c: list[Any]) -> None:
        (self.sum_tok,) = self.tokens(c)

    reverse_sum = digit_sum

    def _rel(self, c: list[Any], kind: str) -> None:
        toks = self.tokens(c)
        self.relation = (kind, toks[0] if toks else None)

    def t_more(self, c: list[Any]) -> None:
        self._rel(c, "t_more")

    def t_less(self, c: list[Any]) -> None:
        self._rel(c, "t_less")

    def t_twice(self, c: list[Any]) -> None:
        self._rel(c, "t_twice")

    def u_twice(self, c: list[Any]) -> None:
        self._rel(c, "u_twice")

    def rev_up(self, c: list[Any]) -> None:
        self.rev = ("up", self.tokens(c)[0])

    def rev_down(self, c: list[Any]) -> None:
        self.rev = ("down", self.tokens(c)[0])

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 3, 40, name="aside")

    def intro(self, c: list[Any]) -> None:
        return None

    ask = intro

    # -- the digits ------------------------------------------------------------------

    def _digits_from_relation(self) -> tuple[Any, Any]:
        """Tens and ones digits from the relation sentence (the ones digit chosen)."""
        kind, tok = self.relation
        if kind in ("t_twice", "u_twice"):
            small = self.unknown("small", 1, 4)
            return (2 * small, small) if kind == "t_twice" else (small, 2 * small)
        assert tok is not None
        k = self.number(tok, 1, 7, name="k", vague="a certain number")
        u = self.unknown("u", 1, 8)
        if kind == "t_more":
            return self.let("t", u + k, hi=9), u
        return self.let("t", u - k), u

    def _solve_relation(self, s: str) -> None:
        """Steps: the digits from their sum {s} and the relation."""
        kind, _ = self.relation
        if kind in ("t_twice", "u_twice"):
            big, small = ("tens", "ones") if kind == "t_twice" else ("ones", "tens")
            self.let("small_d", _q(s.strip("{}")) / 3)
            self.step(
                f"The {big} digit is twice the {small} digit, so the digit sum is 3 times the "
                f"{small} digit: {s} / 3 = {{small_d}}."
            )
            self.let("big_d", 2 * _q("small_d"))
            self.step(f"The {big} digit is 2 x {{small_d}} = {{big_d}}.")
            return
        big, small = ("tens", "ones") if kind == "t_more" else ("ones", "tens")
        self.let("twice_small", _q(s.strip("{}")) - _q("k"))
        self.step(
            f"The {big} digit is {{k}} more than the {small} digit, so twice the {small} digit "
            f"is {s} - {{k}} = {{twice_small}}."
        )
        self.let("small_d", _q("twice_small") / 2)
        self.let("big_d", _q("small_d") + _q("k"))
        self.step(
            f"The {small} digit is {{twice_small}} / 2 = {{small_d}} and the {big} digit is "
            f"{{small_d}} + {{k}} = {{big_d}}."
        )

    def _answer(self, t: Any, u: Any) -> Any:
        kind, _ = self.relation
        tens, ones = ("big_d", "small_d") if kind in ("t_more", "t_twice") else ("small_d", "big_d")
        if self.level == 2:
            tens, ones = "t", "u"
        self.let("tens_value", 10 * t)
        n = self.let("n", 10 * t + u)
        self.step(f"The number is 10 x {{{tens}}} + {{{ones}}} = {{n}}.")
        return n

    # -- levels ----------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        t, u = self._digits_from_relation()
        assert self.sum_tok is not None
        self.result(self.sum_tok, t + u, name="s")
        self._solve_relation("{s}")
        return self._answer(t, u)

    def level2(self, c: list[Any]) -> Any:
        assert self.sum_tok is not None
        up, tok = self.rev
        s = self.number(self.sum_tok, 3, 17, name="s")
        u = self.unknown("u_pick", 1, 9)
        t = self.let("t_pick", s - u, hi=9)
        d = self.result(tok, 9 * (u - t) if up == "up" else 9 * (t - u), name="d")
        self.let("gap", d / 9)
        if up == "up":
            self.step(
                "Reversing the digits changes the number by 9 times the difference of the "
                "digits; it goes up, so the ones digit is the larger: {d} / 9 = {gap} more "
                "than the tens digit."
            )
            small, big = "tens", "ones"
        else:
            self.step(
                "Reversing the digits changes the number by 9 times the difference of the "
                "digits; it goes down, so the tens digit is the larger: {d} / 9 = {gap} more "
                "than the ones digit."
            )
            small, big = "ones", "tens"
        self.let("twice_small", s - _q("gap"))
        self.step(f"Twice the {small} digit is {{s}} - {{gap}} = {{twice_small}}.")
        small_d = self.let("t" if small == "tens" else "u", _q("twice_small") / 2)
        big_d = self.let("u" if small == "tens" else "t", small_d + _q("gap"))
        self.step(
            f"The {small} digit is {{twice_small}} / 2 = {{{small_d}}} and the {big} digit is "
            f"{{{small_d}}} + {{gap}} = {{{big_d}}}."
        )
        return self._answer(_q("t"), _q("u"))

    def level3(self, c: list[Any]) -> Any:
        t, u = self._digits_from_relation()
        assert self.sum_tok is not None
        self.result(self.sum_tok, 11 * (t + u), name="both")
        self.let("s", (t + u))
        self.step(
            "A number and its reversal add up to 10 x tens + ones + 10 x ones + tens, which is "
            "11 times the digit sum: {both} / 11 = {s}."
        )
        self._solve_relation("{s}")
        return self._answer(t, u)
