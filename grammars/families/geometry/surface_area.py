"""Surface area of cubes and boxes: six faces, an open box, several boxes."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class SurfaceArea(Story):
    title = "Surface area of cubes and boxes"
    lexicons: ClassVar[dict[str, Any]] = {
        "cube": ("box", "block", "crate", "container", "planter"),
        "box": ("box", "crate", "chest", "carton", "case", "container", "planter"),
    }
    answer_style = "comma"
    answer_unit = "square centimeters"

    # -- terminals ---------------------------------------------------------------------

    def THING(self, tok: Token) -> str:
        return self.noun(tok, "thing", 1, lexicon="cube" if self.level == 1 else "box")

    def THINGS(self, tok: Token) -> str:
        return self.noun(tok, "thing", 2, lexicon="box")

    # -- sentences ---------------------------------------------------------------------

    def cube(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 3, 12, name="side")

    def box(self, c: list[Any]) -> tuple[Any, Any, Any]:
        ltok, wtok, htok = self.tokens(c, "NUM")
        lo, hi = (3, 20) if self.level == 2 else (4, 30)
        length = self.number(ltok, lo, hi, name="length")
        width = self.number(wtok, lo, hi, name="width")
        height = self.number(htok, lo, hi, name="height")
        self.let("longer", length - width, domain="nonnegative")  # length >= width
        return length, width, height

    def count(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c, "NUM")
        return self.number(tok, 2, 9, name="count")

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c, "NUM")
        self.number(tok, 3, 12, name="aside")

    def no_lid(self, c: list[Any]) -> None:
        return None

    ask_cube = ask_box = ask_open = ask_many = no_lid

    # -- levels ------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        side = c[0]
        face = self.let("face", side * side)
        self.step("Each face is a square: {side} x {side} = {face} square centimeters.")
        area = self.let("area", 6 * face)
        self.step("A cube has 6 faces: 6 x {face} = {area}.")
        self.step("The surface area is {area} square centimeters.")
        return area

    def _faces(self, dims: tuple[Any, Any, Any], lid: bool) -> Any:
        length, width, height = dims
        if lid:
            top = self.let("top_bottom", 2 * length * width)
            self.step("Top and bottom: 2 x {length} x {width} = {top_bottom}.")
        else:
            top = self.let("top_bottom", length * width)
            self.step("The bottom only: {length} x {width} = {top_bottom}.")
        front = self.let("front_back", 2 * length * height)
        self.step("Front and back: 2 x {length} x {height} = {front_back}.")
        ends = self.let("ends", 2 * width * height)
        self.step("The two ends: 2 x {width} x {height} = {ends}.")
        area = self.let("area", top + front + ends)
        self.step("In all: {top_bottom} + {front_back} + {ends} = {area}.")
        return area

    def level2(self, c: list[Any]) -> Any:
        area = self._faces(c[0], lid=True)
        self.step("The surface area is {area} square centimeters.")
        return area

    def level3(self, c: list[Any]) -> Any:
        dims, more = c[0], c[1]
        if more is None:  # no lid
            area = self._faces(dims, lid=False)
            self.step("The open {thing:1} has a surface area of {area} square centimeters.")
            return area
        area = self._faces(dims, lid=True)
        total = self.let("total", more * area)
        self.step("For {count} of them: {count} x {area} = {total}.")
        self.step("That is {total} square centimeters in all.")
        return total
