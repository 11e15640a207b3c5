"""Quadratic equations from areas: a rectangle's length in terms of its width, or a
path of equal width around a rectangle; the root is chosen first."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story

# level -> ranges of the width (the chosen root), the multiplier and the difference
RANGES: dict[int, dict[str, tuple[int, int]]] = {
    1: {"width": (2, 14), "k": (2, 9)},
    2: {"width": (3, 16), "m": (2, 3), "k": (1, 12)},
    3: {"path": (1, 4), "long": (8, 24), "wide": (4, 16)},
}


class QuadraticArea(Story):
    title = "Quadratic equations: a rectangle's side from its area"
    lexicons: ClassVar[dict[str, Any]] = {
        "place": ("garden", "lawn", "patio", "playground", "courtyard", "field", "terrace",
                  "orchard", "paddock", "meadow"),
        "area": ("pool", "lawn", "pond", "garden", "playground", "flowerbed", "patio"),
        "unit": ("meter", "foot", "yard"),
    }  # fmt: skip
    answer_unit = "unit"
    # generated answers are whole; a variant that leaves a number vague may be
    # answered by a fraction (or have no rational answer)
    answer_domain = "rational"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.sign = 1
        self.ask = "width"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    # -- terminals -------------------------------------------------------------------

    def PLACE(self, tok: Token) -> str:
        return self.word(tok, "place")

    def AREA(self, tok: Token) -> str:
        return self.word(tok, "area")

    UNIT = WORDNUM = MONEY = Story.NUM

    def _units(self, c: list[Any], count: Any = 2) -> None:
        for tok in self.tokens(c, "UNIT"):
            self.noun(tok, "unit", count)

    # -- level 1 and 2: length from width -----------------------------------------

    # The area is drawn among multiples of the width (chosen first), and the difference
    # follows from it: left vague, the area still gives whole widths for other areas
    # ("w(w + k)" for small w), which a vague difference rarely does.

    def rect_plus(self, c: list[Any]) -> None:
        self.k_tok, self.k_units = self.tokens(c)[0], self.tokens(c, "UNIT")
        self.w = self.unknown("w", *RANGES[1]["width"])
        self.m = 1

    def _times(self, c: list[Any], sign: int) -> None:
        self.k_tok, self.k_units = self.tokens(c)[0], self.tokens(c, "UNIT")
        (mtok,) = self.tokens(c, "WORDNUM")
        self.w = self.unknown("w", *RANGES[2]["width"])
        self.m = self.number(mtok, *RANGES[2]["m"], name="m", style="words", vague=None)
        self.sign = sign

    def times_more(self, c: list[Any]) -> None:
        self._times(c, 1)

    times_more_b = times_more

    def times_less(self, c: list[Any]) -> None:
        self._times(c, -1)

    times_less_b = times_less

    def area(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self._units(c)
        lo, hi = (6, 250) if self.level == 1 else (10, 600)
        # (left vague, an area with a difference "less" rarely gives another whole width)
        area = self.number(
            tok, lo, hi, name="area", vague="a certain number of" if self.sign > 0 else None
        )
        self.length = self.let("length", area / self.w, domain="whole")
        k_hi = RANGES[self.level]["k"][1]
        k = self.result(self.k_tok, self.sign * (self.length - self.m * self.w), name="k", hi=k_hi)
        for unit in self.k_units:
            self.noun(unit, "unit", k)
        if self.level == 2:
            self.let("longer", self.length - self.w)  # the length is the longer side

    def ask_width(self, c: list[Any]) -> str:
        self._units(c)
        return "width"

    def ask_length(self, c: list[Any]) -> str:
        self._units(c)
        return "length"

    def ask_perimeter(self, c: list[Any]) -> str:
        self._units(c)
        return "perimeter"

    def ask_side(self, c: list[Any]) -> str:
        return str(c[0])

    ask_more = ask_side

    def _solve_side(self, ask: str) -> Any:
        width = self.let("width", self.w)
        if self.level == 1:
            self.step("Call the width w {unit}. Then the length is (w + {k}) {unit}.")
            self.step("The area gives w x (w + {k}) = {area}, so w² + {k}w - {area} = 0.")
            self.step("Look for two numbers that differ by {k} and multiply to {area}.")
            self.step(
                "{width} x {length} = {area}, so the equation factors as "
                "(w - {width})(w + {length}) = 0."
            )
        else:
            op = "+" if self.sign > 0 else "-"
            self.step(
                f"Call the width w {{unit}}. Then the length is ({{m:int}}w {op} {{k}}) {{unit}}."
            )
            self.step(
                f"The area gives w x ({{m:int}}w {op} {{k}}) = {{area}}, "
                f"so {{m:int}}w² {op} {{k}}w - {{area}} = 0."
            )
            self.step(
                "This factors as (w - {width})({m:int}w + {length}) = 0; "
                "check: {width} x {length} = {area}."
            )
        self.step("A width cannot be negative, so w = {width}.")
        if ask == "width":
            self.step("The width is {width} {unit}.")
            return width
        if self.level == 1:
            self.step("The length is {width} + {k} = {length} {unit}.")
        else:
            op = "+" if self.sign > 0 else "-"
            self.let("mw", sympy.Symbol("m", real=True) * self.w)
            self.step(
                f"{{m:int}} x {{width}} = {{mw}}, "
                f"so the length is {{mw}} {op} {{k}} = {{length}} {{unit}}."
            )
        if ask == "length":
            self.step("The length is {length} {unit}.")
            return self.length
        half = self.let("half", width + self.length)
        per = self.let("perimeter", 2 * half)
        self.step("{width} + {length} = {half}")
        self.step("The perimeter is 2 x {half} = {perimeter} {unit}.")
        return per

    def level1(self, c: list[Any]) -> Any:
        return self._solve_side(c[-1])

    level2 = level1

    # -- level 3: a path around a rectangle -------------------------------------

    def inner(self, c: list[Any]) -> None:
        long_tok, wide_tok = self.tokens(c)
        self._units(c)
        self.x = self.unknown("x", *RANGES[3]["path"])
        # never left vague: another size rarely gives a path of rational width
        self.long = self.number(long_tok, *RANGES[3]["long"], name="long", vague=None)
        self.wide = self.number(wide_tok, *RANGES[3]["wide"], name="wide", vague=None)
        self.let("shape", self.long - self.wide)  # the length is more than the width

    def border(self, c: list[Any]) -> None:
        return None

    def _outer(self, c: list[Any], total: bool) -> bool:
        (tok,) = self.tokens(c)
        self._units(c)
        outside = (self.long + 2 * self.x) * (self.wide + 2 * self.x)
        expr = outside if total else outside - self.long * self.wide
        self.result(tok, expr, name="given")
        return total

    def path_area(self, c: list[Any]) -> bool:
        return self._outer(c, False)

    def total_area(self, c: list[Any]) -> bool:
        return self._outer(c, True)

    def distract(self, c: list[Any]) -> None:
        for tok in self.tokens(c):
            self.number(tok, 2, 30, name="aside")
        for tok in self.tokens(c, "MONEY"):
            self.number(tok, 2, 9, name="aside", style="money")

    def ask_path(self, c: list[Any]) -> None:
        self._units(c)

    def level3(self, c: list[Any]) -> Any:
        total = c[2]
        long_, wide = self.long, self.wide
        inside = self.let("inside", long_ * wide)
        self.step("The {area} alone covers {long} x {wide} = {inside} square {unit}.")
        if total:
            path = self.let("path", sympy.Symbol("given", real=True) - inside)
            self.step("So the path covers {given} - {inside} = {path} square {unit}.")
        else:
            path = sympy.Symbol("given", real=True)
        p = "{path}" if total else "{given}"
        self.let("sides", long_ + wide)
        self.let("lin", 2 * (long_ + wide))
        self.let("half_path", path / 2)
        self.step(
            "Call the width of the path x. With the path, the whole shape is ({long} + 2x) "
            "by ({wide} + 2x), so the path alone covers ({long} + 2x)({wide} + 2x) - {inside} "
            "= 4x² + {lin}x, since 2 x ({long} + {wide}) = {lin}."
        )
        self.step(
            f"So 4x² + {{lin}}x = {p}; halve both sides: 2x² + {{sides}}x - {{half_path}} = 0."
        )
        x = self.let("width", self.x)
        self.let("other", 2 * self.x + long_ + wide)
        self.step(
            "This factors as (x - {width})(2x + {other}) = 0; "
            "check: {width} x {other} = {half_path}."
        )
        self.step("A width cannot be negative, so the width of the path is {width}.")
        return x
