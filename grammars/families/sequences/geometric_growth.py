"""Geometric growth: cells that double or triple every period; forwards and backwards."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class GeometricGrowth(Story):
    main_role = "p"
    other_role = "o"
    verbs = (
        "SEE",
        "CHECK",
        "USE",
    )
    title = "Geometric growth: doubling and tripling over a few periods"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("cell", "germ", "microbe", "spore", "bacterium", "amoeba"),
        "period": ("hour", "day"),
    }
    answer_unit = "thing"

    periods = 2

    # -- terminals ------------------------------------------------------------------

    THING = THING_ONE = PERIOD = Story.NUM  # bound by the rules, which know their counts

    def _nouns(self, c: list[Any], things: Any = 2, periods: Any = 2) -> None:
        for tok in self.tokens(c, "THING"):
            self.noun(tok, "thing", things)
        for tok in self.tokens(c, "THING_ONE"):
            self.noun(tok, "thing", 1)
        for tok in self.tokens(c, "PERIOD"):
            self.noun(tok, "period", periods)

    # -- factors and spans ----------------------------------------------------------

    def x2(self, c: list[Any]) -> int:
        return 2

    def x3(self, c: list[Any]) -> int:
        return 3

    def p2(self, c: list[Any]) -> int:
        return 2

    def p3(self, c: list[Any]) -> int:
        return 3

    def p4(self, c: list[Any]) -> int:
        return 4

    def p5(self, c: list[Any]) -> int:
        return 5

    @staticmethod
    def _int(c: list[Any]) -> int:
        (got,) = [x for x in c if isinstance(x, int) and not isinstance(x, Token)]
        return got

    # -- sentences ------------------------------------------------------------------

    def start(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        lo, hi = {1: (2, 12), 2: (2, 40)}[self.level]
        start = self.number(tok, lo, hi, name="start")
        self._nouns(c, things=start)
        return start

    def grow(self, c: list[Any]) -> int:
        self._nouns(c, periods=1)  # "the number of cells" every "hour"
        return self._int(c)

    def ask(self, c: list[Any]) -> int:
        periods = self._int(c)
        self._nouns(c, periods=periods)
        return periods

    def counted(self, c: list[Any]) -> tuple[int, Any]:
        self.periods = periods = self._int(c)
        self._nouns(c)  # "three hours", "45 cells": both plural
        # the start is chosen first; the count the text states follows from it
        self.first = self.unknown("start", 2, 30)
        (tok,) = self.tokens(c)
        return periods, tok

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 4, 25, name="distractor")
        self._nouns(c)

    def ask_start(self, c: list[Any]) -> None:
        self._nouns(c)

    # -- the solutions --------------------------------------------------------------

    def _forward(self, start: Any, factor: int, periods: int) -> Any:
        value, prev = start, "start"
        for k in range(1, periods + 1):
            value = self.let(f"after{k}", value * factor, hi=1000 if k == periods else None)
            when = "{period:1}" if k == 1 else "{period}"
            self.step(f"After {k} {when}: {{{prev}}} x {factor} = {{after{k}}}")
            prev = f"after{k}"
        self.step(f"After {periods} {{period}} there are {{{prev}}} {{thing}}.")
        return value

    def level1(self, c: list[Any]) -> Any:
        start, factor, periods = c
        return self._forward(start, factor, periods)

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        (periods, tok), factor = c[0], c[1]
        final = self.result(tok, self.first * factor**periods, name="final", hi=1000)
        value, prev = final, "final"
        for k in range(periods - 1, -1, -1):
            name = f"before{k}" if k else "first_count"
            value = self.let(name, value / factor)
            self.step(f"Undo one {{period:1}}: {{{prev}}} / {factor} = {{{name}}}")
            prev = name
        self.step(f"At the start there were {{{prev}}} {{thing}}.")
        return value
