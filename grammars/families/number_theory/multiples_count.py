"""Counting multiples: how many numbers in a range are multiples of k (or of two numbers)."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class MultiplesCount(Story):
    title = "Counting multiples: every k-th numbered thing gets a sticker"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("chair", "locker", "tile", "bead", "cup", "card", "flag", "block",
                  "seat", "stone", "box", "peg"),
    }  # fmt: skip
    answer_unit = "thing"
    answer_domain = "nonnegative"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.marks = 0

    def THING(self, tok: Token) -> str:
        return self.noun(tok, "thing")

    def THING1(self, tok: Token) -> str:
        return self.noun(tok, "thing", 1)

    # -- sentences ----------------------------------------------------------------------

    def row(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        lo, hi = (20, 100) if self.level == 1 else (40, 200)
        self.number(tok, lo, hi, name="total")

    def span(self, c: list[Any]) -> None:
        first_tok, last_tok = self.tokens(c)
        first = self.number(first_tok, 10, 80, name="first")
        length = self.unknown("length", 30, 150)
        self.result(last_tok, first + length, name="last")

    def mark(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.marks += 1
        if self.level < 3:
            self.number(tok, 3, 12, name="k")
        elif self.marks == 1:
            # two step sizes g*a and g*(a + 1): their common multiples are the
            # multiples of g*a*(a + 1) (a and a + 1 share no factor). k1 is tied to
            # the gap k2 - k1 (k1 = (k2 - k1) * a) so reading the problem back is linear.
            self.unknown("gap", 1, 3)
            ratio = self.unknown("ratio", 2, 3)
            self.result(tok, (_q("k2") - _q("k1")) * ratio, name="k1")
        else:
            self.result(tok, _q("k1") + _q("gap"), name="k2")

    def ask(self, c: list[Any]) -> None:
        return None

    def ask_both(self, c: list[Any]) -> str:
        return "both"

    def ask_either(self, c: list[Any]) -> str:
        return "either"

    def ask_neither(self, c: list[Any]) -> str:
        return "neither"

    # -- levels -------------------------------------------------------------------------

    def _upto(self, n: Any, k: Any, name: str, label: str, k_name: str = "") -> Any:
        """How many multiples of k are 1..n, with a step that shows it (k_name: a
        quantity equal to k, named in the step)."""
        count = self.let(name, sympy.floor(n / k), domain="nonnegative")
        k_name = k_name or str(k)
        self.let(f"top_{name}", sympy.Symbol(k_name, real=True) * count, domain="nonnegative")
        self.step(
            f"The largest multiple of {{{k_name}}} up to {label} is "
            f"{{{k_name}}} x {{{name}}} = {{top_{name}}}, so the count is {{{name}}}."
        )
        return count

    def level1(self, c: list[Any]) -> Any:
        got = self._upto(_q("total"), _q("k"), "stickers", "{total}")
        self.step("So the number of {thing} with a sticker is {stickers}.")  # may be 1
        return got

    def level2(self, c: list[Any]) -> Any:
        k = _q("k")
        self.let("before", _q("first") - 1)
        self.step("Count the multiples up to {last}, then take away those below {first}.")
        upto = self._upto(_q("last"), k, "upto_last", "{last}")
        below = self._upto(_q("first") - 1, k, "below_first", "{before}")
        got = self.let("stickers", upto - below)
        self.step("{upto_last} - {below_first} = {stickers}")
        self.step("So the number of {thing} with a sticker is {stickers}.")
        return got

    def level3(self, c: list[Any]) -> Any:
        n, k1, k2 = _q("total"), _q("k1"), _q("k2")
        self.let("ratio_whole", _q("ratio"))  # k1 is a multiple of k2 - k1
        red = self._upto(n, k1, "red", "{total}")
        blue = self._upto(n, k2, "blue", "{total}")
        step = k1 * k2 / (k2 - k1)  # (written out in the floor: it stays in the knowns)
        self.let("both_step", step)
        self.step(
            "The numbers in both the {k1} and the {k2} times tables are the multiples of "
            "{both_step}."
        )
        both = self._upto(n, step, "both", "{total}", "both_step")
        if c[-1] == "both":
            self.step("So the number of {thing} with both stickers is {both}.")
            return both
        either = self.let("either", red + blue - both)
        self.step("{red} + {blue} - {both} = {either}")
        if c[-1] == "either":
            self.step("So the number of {thing} with at least one sticker is {either}.")
            return either
        neither = self.let("neither", n - either)
        self.step("{total} - {either} = {neither}")
        self.step("So the number of {thing} with no sticker is {neither}.")
        return neither
