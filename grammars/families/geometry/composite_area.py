"""Composite areas: L-shaped floors, rectangles with a part taken out, paths around gardens."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class CompositeArea(Story):
    title = "Composite areas: L-shapes, cut-out rectangles and paths around gardens"
    lexicons: ClassVar[dict[str, Any]] = {
        "place": ("room", "kitchen", "classroom", "office", "hallway", "studio", "basement",
                  "bedroom", "attic"),
        "thing": ("pond", "pool", "shed", "sandbox", "patio", "greenhouse", "flowerbed",
                  "playhouse"),
        "plot": ("garden", "lawn", "pool", "pond", "playground", "flowerbed"),
        "sqm": ("square meters",),
        "dollars": ("dollars",),
    }  # fmt: skip
    answer_style = "comma"
    answer_unit = "unit"  # square meters, or dollars

    # -- terminals ---------------------------------------------------------------------

    def PLACE(self, tok: Token) -> str:
        return self.word(tok, "place")

    def THING(self, tok: Token) -> str:
        return self.word(tok, "thing")

    def PLOT(self, tok: Token) -> str:
        return self.word(tok, "plot")

    MONEY = Story.NUM

    def _unit(self, c: list[Any], lexicon: str) -> None:
        for tok in self.tokens(c, "UNIT"):
            self.word(tok, "unit", lexicon=lexicon)

    # -- sentences ---------------------------------------------------------------------

    def _rect(self, c: list[Any], k: str, lo: int, hi: int) -> tuple[Any, Any]:
        ltok, wtok = self.tokens(c, "NUM")
        length = self.number(ltok, lo, hi, name=f"length{k}")
        width = self.number(wtok, lo, hi, name=f"width{k}")
        self.let(f"longer{k}", length - width)  # the length is the longer side
        return length, width

    def part_one(self, c: list[Any]) -> tuple[Any, Any]:
        return self._rect(c, "1", 2, 12)

    def part_two(self, c: list[Any]) -> tuple[Any, Any]:
        return self._rect(c, "2", 2, 12)

    def outer(self, c: list[Any]) -> tuple[Any, Any]:
        return self._rect(c, "1", 10, 30)

    def inner(self, c: list[Any]) -> tuple[Any, Any]:
        return self._rect(c, "2", 2, 8)

    def garden(self, c: list[Any]) -> tuple[Any, Any]:
        return self._rect(c, "", 4, 20)

    def path(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 2, 3, name="wide")

    def price(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "MONEY")
        return self.number(tok, 8, 30, name="price", style="money")

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 15, name="aside")

    def l_shape(self, c: list[Any]) -> None:
        return None

    def ask_l(self, c: list[Any]) -> None:
        self._unit(c, "sqm")

    ask_left = ask_path = ask_l

    def ask_cost(self, c: list[Any]) -> None:
        self._unit(c, "dollars")

    # -- levels ------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        _, (l1, w1), (l2, w2), _ = c
        a1 = self.let("area1", l1 * w1)
        self.step("First rectangle: {length1} x {width1} = {area1} square meters.")
        a2 = self.let("area2", l2 * w2)
        self.step("Second rectangle: {length2} x {width2} = {area2} square meters.")
        area = self.let("area", a1 + a2)
        self.step("Together: {area1} + {area2} = {area}.")
        self.step("The {place} covers {area} square meters.")
        return area

    def level2(self, c: list[Any]) -> Any:
        (l1, w1), (l2, w2), _ = c
        big = self.let("big", l1 * w1)
        self.step("The whole rectangle: {length1} x {width1} = {big} square meters.")
        small = self.let("small", l2 * w2)
        self.step("The {thing}: {length2} x {width2} = {small} square meters.")
        # the part fits inside with room to spare on both sides
        self.let("room_long", l1 - l2 - 1)
        self.let("room_wide", w1 - w2 - 1)
        area = self.let("area", big - small)
        self.step("Left over: {big} - {small} = {area}.")
        self.step("The area left is {area} square meters.")
        return area

    def level3(self, c: list[Any]) -> Any:
        (length, width), wide = c[0], c[1]
        ask_cost = len(c) == 5
        outer_l = self.let("outer_length", length + 2 * wide)
        outer_w = self.let("outer_width", width + 2 * wide)
        self.step(
            "With the path on both sides, the outside measures {length} + 2 x {wide} = "
            "{outer_length} by {width} + 2 x {wide} = {outer_width} meters."
        )
        outer = self.let("outer", outer_l * outer_w)
        self.step("Area inside the outer edge: {outer_length} x {outer_width} = {outer}.")
        inner = self.let("inner", length * width)
        self.step("Area of the {plot}: {length} x {width} = {inner}.")
        path = self.let("path_area", outer - inner)
        self.step("The path covers {outer} - {inner} = {path_area} square meters.")
        if not ask_cost:
            return path
        cost = self.let("cost", path * c[2])
        self.step("Paving costs {path_area} x {price} = {cost:money}.")
        self.step("It costs {cost} dollars.")
        return cost
