"""Adding and subtracting fractions with unlike denominators: shares of a dish."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story

# Numerators in lowest terms for each denominator: a prime denominator takes any
# numerator (the fraction is a number drawn among multiples of 1/d, and can be left
# vague); others take a * j + b for j in 0..top (j chosen first).
FREE = {2, 3, 5, 7}
FORMS = {4: (2, 1, 1), 6: (4, 1, 1), 8: (2, 1, 3), 9: (3, 1, 2), 10: (2, 1, 1),
         12: (6, 1, 1)}  # fmt: skip
# denominator of the first share by alias, and of the second by (first's, alias);
# level 2 uses larger denominators
FIRST = {"da1": 2, "da2": 3, "da3": 4, "da4": 5}
SECOND = {
    2: {"db1": 3, "db2": 5, "db3": 6, "db4": 8},
    3: {"db1": 4, "db2": 2, "db3": 6, "db4": 5},
    4: {"db1": 3, "db2": 6, "db3": 8, "db4": 12},
    5: {"db1": 2, "db2": 3, "db3": 4, "db4": 10},
}
FIRST_2 = {"da1": 4, "da2": 6, "da3": 8, "da4": 3}
SECOND_2 = {
    4: {"db1": 6, "db2": 10, "db3": 12, "db4": 5},
    6: {"db1": 4, "db2": 8, "db3": 9, "db4": 10},
    8: {"db1": 3, "db2": 6, "db3": 12, "db4": 5},
    3: {"db1": 8, "db2": 10, "db3": 12, "db4": 7},
}
# level 3: the third share's denominator by alias, unless it is one of the others
THIRD = {"dc1": (6, 8, 12, 10), "dc2": (12, 10, 8, 6)}


def _options(den: int) -> list[Fraction]:
    """Every value a share over ``den`` can take, in lowest terms, smallest first."""
    if den in FREE:
        return [Fraction(k, den) for k in range(1, den)]
    a, b, top = FORMS[den]
    return [Fraction(a * j + b, den) for j in range(top + 1)]


class UnlikeFractions(Story):
    title = "Adding and subtracting fractions with unlike denominators"
    lexicons: ClassVar[dict[str, Any]] = {
        "food": ("pizza", "cake", "pie", "lasagna", "tart", "quiche", "casserole",
                 "pudding", "flatbread"),
    }  # fmt: skip
    answer_style = "fraction"
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.shares: list[tuple[str, Token]] = []

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals -------------------------------------------------------------------

    def THIRD(self, tok: Token) -> str:
        return self.person(tok, "c")

    def FOURTH(self, tok: Token) -> str:
        return self.person(tok, "d")

    def FOOD(self, tok: Token) -> str:
        return self.noun(tok, "food", 1)

    FRAC = MONEY = Story.NUM

    # -- sentences -------------------------------------------------------------------

    def _share(self, c: list[Any], alias: str) -> None:
        self.shares.append((alias, self.tokens(c, "FRAC")[0]))

    def da1(self, c: list[Any]) -> None:
        self._share(c, "da1")

    def da2(self, c: list[Any]) -> None:
        self._share(c, "da2")

    def da3(self, c: list[Any]) -> None:
        self._share(c, "da3")

    def da4(self, c: list[Any]) -> None:
        self._share(c, "da4")

    def db1(self, c: list[Any]) -> None:
        self._share(c, "db1")

    def db2(self, c: list[Any]) -> None:
        self._share(c, "db2")

    def db3(self, c: list[Any]) -> None:
        self._share(c, "db3")

    def db4(self, c: list[Any]) -> None:
        self._share(c, "db4")

    def dc1(self, c: list[Any]) -> None:
        self._share(c, "dc1")

    def dc2(self, c: list[Any]) -> None:
        self._share(c, "dc2")

    def intro(self, c: list[Any]) -> None:
        return None

    ask_eaten = intro

    def ask_left(self, c: list[Any]) -> str:
        return "left"

    def ask_more(self, c: list[Any]) -> str:
        return "more"

    def ask_two(self, c: list[Any]) -> str:
        return str(c[0])

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 12, name="aside", vague=None)
        for tok in self.tokens(c, "MONEY"):
            self.number(tok, 5, 20, name="aside", style="money", vague=None)

    # -- the fractions -----------------------------------------------------------------
    #
    # The first share is drawn last, within the room the others leave (the solver
    # bounds its draw: some of the dish is left, and for "how much more" it is the
    # larger share). The others are drawn among their smallest values, as many as
    # always leave that room: every draw makes a problem.

    def _fraction(
        self, tok: Token, den: int, name: str, values: list[Fraction], vague: bool
    ) -> Any:
        if den in FREE:
            # a number drawn among multiples of 1/den; left vague only where, whatever
            # the other shares are, two of its values fit (the first share, see _plan)
            return self.number(
                tok,
                values[0],
                values[-1],
                step=Fraction(1, den),
                name=name,
                style="fraction",
                vague="" if vague else None,
            )
        a, b, _ = FORMS[den]
        j = self.unknown(f"{name}_j", 0, len(values) - 1)
        return self.result(
            tok, (a * j + b) / sympy.Integer(den), name=name, style="fraction", domain="rational"
        )

    @staticmethod
    def _plan(dens: list[int], more: bool) -> tuple[int, list[list[Fraction]], bool]:
        """The values each share is drawn from, how many ways the shares can be drawn,
        and whether the first share can be left vague.

        Every draw of the others leaves room for at least one value of the first share;
        where its denominator is prime (it is a number the text states), plans that
        always leave room for two of its values come first, so that it can be left
        vague: any draw then has two answers once it is not stated."""
        first, rest = _options(dens[0]), [_options(d) for d in dens[1:]]

        def fit(vs: tuple[Fraction, ...] | list[Fraction]) -> list[Fraction]:
            # values of the first share that leave some of the dish (and, for "how much
            # more", are larger than the second share)
            return [f for f in first if (not more or f > vs[0]) and f + sum(vs) < 1]

        best: tuple[tuple[bool, int], list[list[Fraction]]] = ((False, 0), [])
        for counts in itertools.product(*(range(1, len(r) + 1) for r in rest)):
            drawn = [r[:n] for r, n in zip(rest, counts, strict=True)]
            fewest = len(fit([r[-1] for r in drawn]))  # when the others are largest
            if not fewest:
                continue
            ways = sum(len(fit(vs)) for vs in itertools.product(*drawn))
            key = (dens[0] in FREE and fewest >= 2, ways)
            if key > best[0]:
                best = (key, [fit([r[0] for r in drawn]), *drawn])
        (vague, ways), values = best
        return ways, values, vague

    def _denominators(self, more: bool = False) -> tuple[list[int], list[list[Fraction]], bool]:
        """Unlike denominators from the phrasing, the first that some shares fit, the
        values of each share and whether the first can be left vague (see :meth:`_plan`)."""
        (a1, _), (a2, _) = self.shares[:2]
        first, second = (FIRST_2, SECOND_2) if self.level == 2 else (FIRST, SECOND)
        row = second[first[a1]]
        seconds = [row[a2], *(d for d in row.values() if d != row[a2])]
        pairs = [[first[a1], d] for d in seconds]
        if len(self.shares) == 3:
            thirds = THIRD[self.shares[2][0]]
            options = [[*p, t] for p in pairs for t in thirds if t not in p]
        else:
            options = pairs
        for dens in options:
            ways, values, vague = self._plan(dens, more)
            if ways:
                return dens, values, vague
        raise ValueError(f"no shares over the denominators {options[0]} leave part of the dish")

    def _common(self, more: bool = False) -> tuple[list[Any], int, str]:
        """The fractions, their least common denominator and the steps that rewrite
        them over it; returns (numerators over it, the denominator, the names)."""
        dens, values, vague = self._denominators(more)
        lcd = math.lcm(*dens)
        names = ["f1", "f2", "f3"][: len(dens)]
        fracs = [
            self._fraction(tok, d, n, vs, vague and n == "f1")
            for (_, tok), d, n, vs in zip(self.shares, dens, names, values, strict=True)
        ]
        listed = ", ".join(map(str, dens[:-1])) + f" and {dens[-1]}"
        self.step(f"The least common denominator of {listed} is {lcd}.")
        tops = []
        for n, f in zip(names, fracs, strict=True):
            tops.append(self.let(f"{n}_top", f * lcd, domain="whole"))
        rewrites = [f"{{{n}}} = {{{n}_top}}/{lcd}" for n in names]
        self.step(
            "Rewrite the fractions: " + ", ".join(rewrites[:-1]) + " and " + rewrites[-1] + "."
        )
        return tops, lcd, " + ".join(f"{{{n}_top}}/{lcd}" for n in names)

    def level1(self, c: list[Any]) -> Any:
        tops, lcd, added = self._common()
        eaten = self.let("eaten_top", sum(tops), domain="whole")
        self.let("not_all", lcd - eaten, domain="whole")  # some is left
        self.step(f"{added} = {{eaten_top}}/{lcd}")
        got = self.let("eaten", eaten / lcd)
        self.step("So, in lowest terms, they eat {eaten:fraction} of the {food:1}.")
        return got

    def level2(self, c: list[Any]) -> Any:
        tops, lcd, added = self._common(more=c[-1] == "more")
        if c[-1] == "more":
            self.let("not_all", lcd - sum(tops), domain="whole")  # they do not eat it all
            more = self.let("more_top", tops[0] - tops[1], domain="whole")
            self.step(f"{{f1_top}}/{lcd} - {{f2_top}}/{lcd} = {{more_top}}/{lcd}")
            got = self.let("more", more / lcd)
            self.step(
                "So, in lowest terms, {a} eats {more:fraction} of the {food:1} more than {b}."
            )
            return got
        return self._left(tops, lcd, added)

    def _left(self, tops: list[Any], lcd: int, added: str) -> Any:
        eaten = self.let("eaten_top", sum(tops), domain="whole")
        self.step(f"{added} = {{eaten_top}}/{lcd} is eaten.")
        left = self.let("left_top", lcd - eaten, domain="whole")
        self.step(
            f"The whole {{food:1}} is {lcd}/{lcd}: "
            f"{lcd}/{lcd} - {{eaten_top}}/{lcd} = {{left_top}}/{lcd}"
        )
        got = self.let("left", left / lcd)
        self.step("So, in lowest terms, {left:fraction} of the {food:1} is left.")
        return got

    def level3(self, c: list[Any]) -> Any:
        tops, lcd, added = self._common()
        return self._left(tops, lcd, added)
