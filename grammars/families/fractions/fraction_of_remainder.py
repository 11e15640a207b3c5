"""A fraction of what is left: spend a fraction of the money, then of the rest."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story

FREE = {2, 3, 5}  # prime denominators: the fraction is a number drawn among k/d
FORMS = {4: (2, 1, 1)}  # 1/4 or 3/4: (2 j + 1)/4, j chosen first
# level -> (lo, hi) of the starting amount as a multiple of the denominators' product
START = {1: (2, 10), 2: (2, 12), 3: (2, 10)}


def _q(name: str) -> Any:
    return sympy.Symbol(name, real=True)


class FractionOfRemainder(Story):
    title = "A fraction of what is left: spending money in stages"
    verbs = ("SPEND", "PAY", "USE", "END", "HAVE")
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("books", "clothes", "games", "snacks", "plants", "toys", "gifts", "tools",
                  "stamps", "shoes", "music", "paint"),
    }  # fmt: skip
    answer_style = "money"
    # generated answers are whole dollars; a vague number may leave cents
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.stages: list[tuple[int, Token]] = []
        self.money: list[Token] = []

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals -------------------------------------------------------------------

    def THING_A(self, tok: Token) -> str:
        return self.word(tok, "x", lexicon="thing")

    def THING_B(self, tok: Token) -> str:
        return self.word(tok, "y", lexicon="thing")

    def THING_C(self, tok: Token) -> str:
        return self.word(tok, "z", lexicon="thing")

    FRAC = Story.NUM

    def MONEY(self, tok: Token) -> Token:
        self.money.append(tok)
        return tok

    # -- sentences -------------------------------------------------------------------

    def _stage(self, c: list[Any], den: int) -> None:
        self.stages.append((den, self.tokens(c, "FRAC")[0]))

    def first_2(self, c: list[Any]) -> None:
        self._stage(c, 2)

    def first_3(self, c: list[Any]) -> None:
        self._stage(c, 3)

    def first_4(self, c: list[Any]) -> None:
        self._stage(c, 4)

    def first_5(self, c: list[Any]) -> None:
        self._stage(c, 5)

    rest_2, rest_3, rest_4, rest_5 = first_2, first_3, first_4, first_5
    last_2, last_3 = first_2, first_3

    def start(self, c: list[Any]) -> None:
        return None

    intro = left_over = ask_left = ask_start = start

    def ask_spent(self, c: list[Any]) -> str:
        return "spent"

    def ask_two(self, c: list[Any]) -> str:
        return str(c[0]) if c else "left"

    # -- the stages --------------------------------------------------------------------

    def _fraction(self, tok: Token, den: int, name: str) -> Any:
        if den in FREE:
            # left vague only going forwards, where any fraction keeps every amount whole
            vague = "" if den > 2 and self.level < 3 else None
            return self.number(
                tok,
                Fraction(1, den),
                Fraction(den - 1, den),
                step=Fraction(1, den),
                name=name,
                style="fraction",
                vague=vague,
            )
        a, b, top = FORMS[den]
        j = self.unknown(f"{name}_j", 0, top)
        return self.result(
            tok, (a * j + b) / sympy.Integer(den), name=name, style="fraction", domain="rational"
        )

    def _forward(self, start: Any) -> Any:
        """Spend each fraction of what is left; returns what is left at the end."""
        money, label = start, "start"
        names = ("x", "y", "z")
        for i, (den, tok) in enumerate(self.stages, 1):
            f = self._fraction(tok, den, f"f{i}")
            part = self.let(f"part{i}", money * f, domain="whole")
            self.step(
                f"{{a}} spends {{f{i}}} of {{{label}:money}} on {{{names[i - 1]}}}: "
                f"{{{label}:money}} x {{f{i}}} = {{part{i}:money}}."
            )
            money = self.let(f"after{i}", money - part, domain="whole")
            self.step(f"That leaves {{{label}:money}} - {{part{i}:money}} = {{after{i}:money}}.")
            label = f"after{i}"
        return money

    def level1(self, c: list[Any]) -> Any:
        (tok,) = self.money
        dens = math.prod(d for d, _ in self.stages)
        lo, hi = START[self.level]
        start = self.number(tok, dens * lo, dens * hi, step=dens, name="start", style="money")
        left = self._forward(start)
        n = len(self.stages)
        if self.level == 2 and c[-1] == "spent":
            spent = self.let("spent", start - left, domain="whole")
            self.step(f"{{start:money}} - {{after{n}:money}} = {{spent:money}}")
            self.step("So {a} spends {spent:money} in all.")
            return spent
        self.step(f"So {{a}} has {{after{n}:money}} left.")
        return left

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        (tok,) = self.money
        fracs = [self._fraction(t, d, f"f{i}") for i, (d, t) in enumerate(self.stages, 1)]
        money = self.number(tok, 2, 60, name="left", style="money")
        label = "left"
        words = {1: "At first", 2: "Before that", 3: "Last"}
        for i in range(len(fracs), 0, -1):
            keep = self.let(f"keep{i}", 1 - fracs[i - 1])
            self.step(
                f"{words[i]}, {{a}} spent {{f{i}}} of the money and kept "
                f"1 - {{f{i}}} = {{keep{i}:fraction}} of it."
            )
            money = self.let(f"before{i}", money / keep, domain="whole", hi=600)
            self.step(
                f"So {{a}} had {{{label}:money}} / ({{keep{i}:fraction}}) = {{before{i}:money}} "
                "before that."
            )
            label = f"before{i}"
        self.step(f"So {{a}} had {{{label}:money}} at the start.")
        return money
