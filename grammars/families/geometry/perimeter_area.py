"""Perimeter and area of rectangles and squares: fences, carpets, posts and tiles."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Story


class PerimeterArea(Story):
    title = "Perimeter and area of rectangles and squares"

    # -- sentences -------------------------------------------------------------------

    def rect(self, c: list[Any]) -> tuple[str, list[Token]]:
        return "rect", self.tokens(c)

    def square(self, c: list[Any]) -> tuple[str, list[Token]]:
        return "square", self.tokens(c)

    def posts(self, c: list[Any]) -> list[Token]:
        return self.tokens(c)

    tiles = tiles_twice = posts

    def rect_area(self, c: list[Any]) -> tuple[str, Token]:
        return "area", self.tokens(c)[0]

    def rect_perimeter(self, c: list[Any]) -> tuple[str, Token]:
        return "perimeter", self.tokens(c)[0]

    def known_long(self, c: list[Any]) -> tuple[str, Token]:
        return "long", self.tokens(c)[0]

    def known_wide(self, c: list[Any]) -> tuple[str, Token]:
        return "wide", self.tokens(c)[0]

    def want_perimeter(self, c: list[Any]) -> str:
        return "perimeter"

    def want_area(self, c: list[Any]) -> str:
        return "area"

    def want_side(self, c: list[Any]) -> str:
        return "side"

    def ask_posts(self, c: list[Any]) -> str:
        return "posts"

    def ask_tiles(self, c: list[Any]) -> str:
        return "tiles"

    # -- shapes ----------------------------------------------------------------------

    def _shape(self, shape: tuple[str, list[Token]], lo: int, hi: int) -> tuple[Any, Any, bool]:
        kind, toks = shape
        if kind == "square":
            side = self.number(toks[0], lo, hi, name="side")
            return side, side, True
        # the width is shorter by a hidden amount (a vague length then still verifies)
        length = self.number(toks[0], lo + 1, hi, name="length")
        shorter = self.unknown("shorter", 1, hi - lo)
        width = self.result(toks[1], length - shorter, name="width")
        self.let("width_check", width - lo + 1)  # at least lo meters wide
        return length, width, False

    def _perimeter(self, length: Any, width: Any, square: bool) -> Any:
        if square:
            per = self.let("perimeter", 4 * length)
            self.step("A square has four equal sides: 4 x {side} = {perimeter}.")
        else:
            per = self.let("perimeter", 2 * (length + width))
            self.step("Two lengths and two widths: 2 x ({length} + {width}) = {perimeter}.")
        return per

    def _area(self, length: Any, width: Any, square: bool) -> Any:
        area = self.let("area", length * width)
        if square:
            self.step("The area is side times side: {side} x {side} = {area}.")
        else:
            self.step("The area is length times width: {length} x {width} = {area}.")
        return area

    # -- levels ----------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        shape, ask = c
        length, width, square = self._shape(shape, 2, 20)
        if ask == "perimeter":
            per = self._perimeter(length, width, square)
            self.step("So the perimeter is {perimeter} meters.")
            return per
        area = self._area(length, width, square)
        self.step("So the area is {area} square meters.")
        return area

    def level2(self, c: list[Any]) -> Any:
        shape, toks, ask = c
        if ask == "posts":
            length, width, square = self._shape(shape, 6, 40)
            gap = self.number(toks[0], 2, 5, name="gap")
            per = self._perimeter(length, width, square)
            count = self.let("count", per / gap)
            self.step(
                "Around a closed loop there are as many posts as gaps between them: "
                "{perimeter} / {gap} = {count}."
            )
            self.step("So {count} posts are needed.")
            return count
        length, width, square = self._shape(shape, 2, 12)
        tile = self.number(toks[0], 20, 50, step=10, name="tile")
        if len(toks) == 2:
            self.result(toks[1], tile, name="tile_again")
        if square:
            cm = self.let("side_cm", 100 * length)
            n = self.let("per_row", cm / tile)
            count = self.let("count", n * n)
            self.step("{side} meters is {side} x 100 = {side_cm} centimeters.")
            self.step("Along each side fit {side_cm} / {tile} = {per_row} tiles.")
            self.step("That makes {per_row} x {per_row} = {count} tiles.")
        else:
            long_cm = self.let("length_cm", 100 * length)
            wide_cm = self.let("width_cm", 100 * width)
            n_long = self.let("along_length", long_cm / tile)
            n_wide = self.let("along_width", wide_cm / tile)
            count = self.let("count", n_long * n_wide)
            self.step(
                "In centimeters the floor is {length} x 100 = {length_cm} long and "
                "{width} x 100 = {width_cm} wide."
            )
            self.step(
                "Along the length fit {length_cm} / {tile} = {along_length} tiles, and along "
                "the width {width_cm} / {tile} = {along_width}."
            )
            self.step("That makes {along_length} x {along_width} = {count} tiles.")
        self.step("So {count} tiles are needed.")
        return count

    def level3(self, c: list[Any]) -> Any:
        (kind, ttok), (known, ktok), ask = c
        # the side the text gives is drawn; the other is chosen longer or shorter
        extra = self.unknown("extra", 1, 20)
        if known == "long":
            g = self.number(ktok, 6, 39, name="given")
            length, width = g, self.let("width", g - extra)
            self.let("width_check", width - 1)  # at least 2 meters
        else:
            g = self.number(ktok, 2, 25, name="given")
            length, width = self.let("length", g + extra), g
        if kind == "area":
            area = self.result(ttok, length * width, name="area")
            side = self.let("other", area / g)
            self.step(
                "The area is the two sides multiplied, so divide: {area} / {given} = {other}."
            )
        else:
            per = self.result(ttok, 2 * (length + width), name="perimeter")
            half = self.let("half", per / 2)
            side = self.let("other", half - g)
            self.step("Half the perimeter is one length and one width: {perimeter} / 2 = {half}.")
            self.step("The other side is {half} - {given} = {other}.")
        if ask == "side":
            self.step("So the other side is {other} meters.")
            return side
        if ask == "perimeter":
            per = self.let("perimeter", 2 * (g + side))
            self.step("The perimeter is 2 x ({given} + {other}) = {perimeter}.")
            self.step("So the perimeter is {perimeter} meters.")
            return per
        area = self.let("area", g * side)
        self.step("The area is {given} x {other} = {area}.")
        self.step("So the area is {area} square meters.")
        return area
