"""Volume of boxes and tanks: length x width x height, packing cubes, filling at a rate."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story


def _q(name: str) -> Any:
    """A quantity by name (one defined by another sentence, earlier or later)."""
    return sympy.Symbol(name, real=True)


class VolumeBoxes(Story):
    title = "Volume of boxes and tanks: cubes that fit, time to fill"
    lexicons: ClassVar[dict[str, Any]] = {
        "small_box": ("gift box", "pencil box", "jewelry box", "trinket box", "tea box",
                      "button box", "crayon box", "soap box"),
        "box": ("box", "crate", "shoebox", "gift box", "toy chest", "storage box",
                "wooden crate", "cardboard box", "tool case"),
        "tank": ("fish tank", "water tank", "glass tank", "storage tank", "water trough"),
        "CC": ("cubic centimeter",),
        "CUBES": ("cube",),
        "MINUTES": ("minute",),
        "liter": ("liter",),
    }  # fmt: skip
    answer_unit = "unit"
    # generated answers are whole; a time to fill may be any positive number (this
    # matters when a variant leaves a length vague)
    answer_domain = "rational"

    # -- terminals --------------------------------------------------------------------

    def BOX(self, tok: Token) -> str:
        return self.word(tok, "box", lexicon="small_box" if self.level == 1 else "box")

    def TANK(self, tok: Token) -> str:
        return self.word(tok, "tank")

    def CC(self, tok: Token) -> str:  # the unit of the answer
        return self.noun(tok, "unit", 2, lexicon=tok.type)

    CUBES = MINUTES = CC

    LITRES = Story.NUM

    # -- sentences ----------------------------------------------------------------------

    def box(self, c: list[Any]) -> None:
        toks = self.tokens(c)
        names = ("length", "width", "height")
        if self.level == 1:
            for tok, name in zip(toks, names, strict=True):
                self.number(tok, 2, 10, name=name)
            return
        # level 2: the box holds a whole number of cubes along each edge (chosen first)
        for tok, name, (lo, hi) in zip(toks, names, ((3, 8), (2, 6), (2, 6)), strict=True):
            across = self.unknown(f"{name}_cubes", lo, hi)
            self.result(tok, across * _q("side"), name=name)

    def cube(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, 5, name="side")

    def tank(self, c: list[Any]) -> None:
        length, width, height = self.tokens(c)
        ln = self.number(length, 40, 100, step=10, name="length")
        wd = self.number(width, 20, 50, step=10, name="width")
        # chosen first: the minutes to fill; the depth follows (1 liter = 1000 cm^3)
        minutes = self.unknown("fill_minutes", 4, 40)
        depth = self.result(height, 1000 * _q("rate") * minutes / (ln * wd), name="height", hi=80)
        self.let("depth_over", depth - 19)  # at least 20 cm deep

    def rate(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        (unit,) = self.tokens(c, "LITRES")
        r = self.number(tok, 2, 12, name="rate")
        self.noun(unit, "liter", r)

    def ask_volume(self, c: list[Any]) -> None:
        return None

    ask_cubes = ask_time = ask_volume

    # -- levels -------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        volume = self.let("volume", _q("length") * _q("width") * _q("height"))
        self.step("Volume = length x width x height.")
        self.step("{length} x {width} x {height} = {volume}")
        self.step("The volume is {volume} cubic centimeters.")
        return volume

    def level2(self, c: list[Any]) -> Any:
        side = _q("side")
        counts = []
        for name in ("length", "width", "height"):
            counts.append(self.let(f"{name}_fit", _q(name) / side))
            self.step(f"Along the {name}: {{{name}}} / {{side}} = {{{name}_fit}}")
        total = self.let("cubes", counts[0] * counts[1] * counts[2])
        self.step("{length_fit} x {width_fit} x {height_fit} = {cubes}")
        self.step("So {cubes} cubes fit inside.")
        return total

    def level3(self, c: list[Any]) -> Any:
        volume = self.let("volume", _q("length") * _q("width") * _q("height"))
        self.step("{length} x {width} x {height} = {volume}")
        liters = self.let("liters", volume / 1000, domain="rational")
        self.step("1 liter is 1000 cubic centimeters, so {volume} / 1000 = {liters} liters.")
        minutes = self.let("minutes", liters / _q("rate"), domain="rational")
        self.step("{liters} / {rate} = {minutes}")
        self.step("It takes {minutes} minutes to fill.")
        return minutes
