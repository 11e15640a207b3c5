"""Measuring with decimals: lengths in meters joined, cut off, and cut into pieces."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

STEP = Fraction(1, 20)  # lengths in twentieths of a meter: 2.35, 0.8


class DecimalMeasurement(Story):
    title = "Measuring with decimals: lengths joined, cut off and cut into pieces"
    verbs = ("CUT", "USE", "GIVE", "BUY", "JOIN", "ADD", "SPLIT", "WANT", "SHARE",
             "DIVIDE", "NEED", "MARK", "DOES")  # fmt: skip
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("ribbon", "rope", "string", "cord", "wire"),
        "meter": ("meter",),
        "piece": ("piece",),
    }
    answer_style = "decimal"
    answer_domain = "rational"
    answer_unit = "unit"  # meters, or pieces

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        """Lengths: positive."""
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals ---------------------------------------------------------------------

    def THING(self, tok: Token) -> str:
        return self.word(tok, "thing")

    DEC = UNIT = MONEY = Story.NUM

    def _unit(self, c: list[Any], lexicon: str) -> None:
        for tok in self.tokens(c, "UNIT"):
            self.noun(tok, "unit", 2, lexicon=lexicon)

    def _length(self, tok: Token, name: str, lo: Any, hi: Any) -> Any:
        """A length written before "meters": never exactly 1 ("1 meters")."""
        x = self.number(tok, Fraction(lo), Fraction(hi), step=STEP, name=name, style="decimal")
        self.let(f"{name}_not_one", (x - 1) ** 2)
        return x

    # -- sentences ---------------------------------------------------------------------

    def have(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "DEC")
        return self._length(tok, "length", 2, "9.95")

    def have_long(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c, "DEC")
        return tok

    def cut_off(self, c: list[Any]) -> tuple[str, Any]:
        (tok,) = self.tokens(c, "DEC")
        return "cut", self._length(tok, "piece", "0.25", 3)

    def add_on(self, c: list[Any]) -> tuple[str, Any]:
        (tok,) = self.tokens(c, "DEC")
        return "add", self._length(tok, "piece", "0.25", 3)

    def into_parts(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 3, 12, name="parts")

    def into_lengths(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "DEC")
        return self._length(tok, "piece", "0.15", "0.95")

    def cut_many(self, c: list[Any]) -> tuple[Any, Any]:
        (ntok,) = self.tokens(c, "NUM")
        (dtok,) = self.tokens(c, "DEC")
        count = self.number(ntok, 3, 8, name="count")
        return count, self._length(dtok, "piece", "0.25", "2.5")

    def cut_one(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "DEC")
        return self._length(tok, "extra", "0.3", 2)

    def other(self, c: list[Any]) -> None:
        for tok in self.tokens(c, "NUM"):
            self.number(tok, 2, 12, name="aside")
        for tok in self.tokens(c, "DEC"):
            self.number(tok, "1.5", "9.5", step="0.5", name="aside", style="decimal")
        for tok in self.tokens(c, "MONEY"):
            self.number(tok, 3, 12, name="aside", style="money")

    def ask_length(self, c: list[Any]) -> None:
        self._unit(c, "meter")

    ask_each = ask_left = ask_length

    def ask_count(self, c: list[Any]) -> None:
        self._unit(c, "piece")

    # -- the answer --------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        length, (kind, piece), _ = c
        if kind == "cut":
            now = self.let("now", length - piece)
            self.let("now_check", now - 1)  # more than a meter is left
            self.step("{length} - {piece} = {now}")
        else:
            now = self.let("now", length + piece)
            self.step("{length} + {piece} = {now}")
        self.step("{a} has {now} m of {thing} now.")
        return now

    def level2(self, c: list[Any]) -> Any:
        tok, split, _ = c
        if split.name == "parts":
            each = self.unknown("each", "0.15", "2.5", step=STEP)
            self.let("each_not_one", (each - 1) ** 2)
            length = self.result(
                tok, split * each, name="length", style="decimal", domain="rational"
            )
            self.let("length_check", length - Fraction(3, 2))  # not "1 meters"
            self.step("{length} / {parts} = {each}")
            self.step("Each piece is {each} m long.")
            return each
        count = self.unknown("pieces", 4, 20)
        length = self.result(tok, split * count, name="length", style="decimal", domain="rational")
        self.let("length_check", length - Fraction(3, 2))
        self.step("{length} / {piece} = {pieces}")
        self.step("{a} gets {pieces} pieces.")
        return count

    def level3(self, c: list[Any]) -> Any:
        tok, (count, piece), extra, _, _ = c
        left = self.unknown("left", "0.2", 3, step=STEP)
        used = self.let("used", count * piece)
        cut = self.let("cut", used + extra)
        self.result(tok, cut + left, name="length", style="decimal", domain="rational")
        self.step("{count} pieces of {piece} m: {count} x {piece} = {used} m.")
        self.step("With the last piece: {used} + {extra} = {cut} m.")
        self.step("Left over: {length} - {cut} = {left} m.")
        self.step("{a} has {left} m of {thing} left.")
        return left
