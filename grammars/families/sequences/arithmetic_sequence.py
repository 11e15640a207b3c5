"""Arithmetic sequences: a weekly saving or a row of seats that grows by the same step."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story

# (first lo, first hi, difference lo, difference hi, terms lo, terms hi) by story and level
RANGES = {
    "save": {1: (2, 12, 2, 5, 4, 9), 2: (3, 20, 2, 8, 5, 12), 3: (5, 25, 2, 8, 8, 14)},
    "row": {1: (8, 20, 2, 4, 4, 9), 2: (10, 24, 2, 4, 6, 15), 3: (12, 30, 2, 4, 10, 16)},
}


class ArithmeticSequence(Story):
    main_role = "p"
    other_role = "o"
    verbs = (
        "SAVE",
        "RAISE",
        "PUT",
        "ADD",
        "MANAGE",
        "WANT",
        "HAS_AUX",
        "KEEP",
        "DOES",
    )
    title = "Arithmetic sequences: the n-th term or the total of a growing amount"
    lexicons: ClassVar[dict[str, Any]] = {
        "dollar": ("dollar",),
        "seat": ("seat", "chair"),
        "hall": ("movie theater", "concert hall", "lecture hall", "school hall",
                 "opera house", "circus tent", "town hall", "school auditorium"),
    }  # fmt: skip
    answer_unit = "unit"

    story = "save"

    def _range(self) -> tuple[int, ...]:
        return RANGES[self.story][self.level]

    # -- terminals ------------------------------------------------------------------

    def UNIT(self, tok: Token) -> str:
        return self.noun(tok, "unit", lexicon="dollar")

    def HALL(self, tok: Token) -> str:
        return self.word(tok, "hall")

    MONEY = Story.NUM

    def _seat(self, c: list[Any], count: Any) -> None:
        (tok,) = self.tokens(c, "SEAT")
        self.noun(tok, "unit", count, lexicon="seat")

    # -- sentences ------------------------------------------------------------------

    def _first(self, c: list[Any], kind: str, story: str) -> Any:
        self.story = story
        lo, hi = self._range()[:2]
        (tok,) = self.tokens(c, kind)
        self.first = self.number(
            tok, lo, hi, name="first", style="money" if story == "save" else "int"
        )
        return self.first

    def save_first(self, c: list[Any]) -> Any:
        return self._first(c, "MONEY", "save")

    def row_first(self, c: list[Any]) -> Any:
        first = self._first(c, "NUM", "row")
        self._seat(c, first)
        return first

    def save_more(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        lo, hi = self._range()[2:4]
        return self.number(tok, lo, hi, name="diff", style="money")

    def row_more(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        lo, hi = self._range()[2:4]
        diff = self.number(tok, lo, hi, name="diff")
        self._seat(c, diff)
        return diff

    def _second(self, c: list[Any], kind: str) -> Any:
        lo, hi = self._range()[2:4]
        diff = self.unknown("diff", lo, hi)
        (tok,) = self.tokens(c, kind)
        style = "money" if kind == "MONEY" else "int"
        self.result(tok, self.first + diff, name="second", style=style)
        return diff

    def save_second(self, c: list[Any]) -> Any:
        return self._second(c, "MONEY")

    def row_second(self, c: list[Any]) -> Any:
        diff = self._second(c, "NUM")
        if self.tokens(c, "SEAT"):
            self._seat(c, 2)
        return diff

    def other_small(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 3, 15, name="distractor", style="money")

    def other_big(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "MONEY")
        self.number(tok, 20, 150, step=5, name="distractor", style="money")

    def row_other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 4, 12, name="distractor")

    def _terms(self, c: list[Any]) -> Any:
        lo, hi = self._range()[4:6]
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, lo, hi, name="n")

    def save_term(self, c: list[Any]) -> Any:
        return ("term", self._terms(c))

    def save_total(self, c: list[Any]) -> Any:
        return ("total", self._terms(c))

    def row_term(self, c: list[Any]) -> Any:
        self._seat(c, 2)
        return ("term", self._terms(c))

    def row_total(self, c: list[Any]) -> Any:
        self._seat(c, 2)
        return ("total", self._terms(c))

    # -- the solution ---------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        first, diff, (kind, n) = c[0], c[1], c[-1]
        save = self.story == "save"

        def v(q: str) -> str:  # dollars grouped in thousands ($1,250) when saving
            return f"{{{q}:money}}" if save else f"{{{q}:int}}"

        if self.level == 3:
            self.step(f"The step is {v('second')} - {v('first')} = {v('diff')}.")
        gaps = self.let("gaps", n - 1)
        inc = self.let("inc", gaps * diff)
        last = self.let("last", first + inc)
        where = "week" if save else "row"
        self.step(f"From {where} 1 to {where} {{n}} there are {{n}} - 1 = {{gaps}} steps.")
        self.step(f"{{gaps}} x {v('diff')} = {v('inc')}")
        self.step(f"{where.capitalize()} {{n}}: {v('first')} + {v('inc')} = {v('last')}")
        if kind == "term":
            if save:
                self.step("{p} saves {last:money} in week {n}.")
            else:
                self.step("Row {n} has {last} {unit}.")
            return last
        pair = self.let("pair", first + last)
        double = self.let("double", pair * n)
        total = self.let("total", double / 2, hi=1000)  # gramgen words-style limit
        self.step(f"First plus last: {v('first')} + {v('last')} = {v('pair')}")
        self.step(f"{v('pair')} x {{n}} = {v('double')}; half of that is {v('double')} / 2 = "
                  f"{v('total')}")  # fmt: skip
        if save:
            self.step("In {n} weeks {p} saves {total:money} in all.")
        else:
            self.step("The first {n} rows have {total} {unit} in all.")
        return total

    level2 = level3 = level1
