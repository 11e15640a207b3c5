"""Missing angles: triangles, straight lines, right angles, around a point; find x."""

from __future__ import annotations

from typing import Any

from lark import Token

from gramgen.semantics import Semantics

KINDS = (
    "triangle", "line", "right", "point", "line_three", "iso_apex", "iso_base", "crossing",
    "right_triangle", "exterior", "ratio", "offsets", "point_equal", "line_ratio", "iso_more",
    "line_difference",
)  # fmt: skip


class Angles(Semantics):
    title = "Missing angles in triangles, on lines and around a point"
    answer_unit = "degrees"
    # x is whole by construction; checking it as a positive number (not necessarily
    # whole) lets the "not enough information" check try any number for a vague angle
    answer_domain = "rational"

    def let(self, name: str, expr: Any, *, domain: str = "rational", hi: Any = None) -> Any:
        return super().let(name, expr, domain=domain, hi=hi)

    def NUM(self, tok: Token) -> Token:
        return tok

    def __default__(self, data: Any, children: list[Any], meta: Any) -> Any:
        if str(data) in KINDS:
            return str(data), self.tokens(children)
        return super().__default__(data, children, meta)

    def ask_x(self, c: list[Any]) -> None:
        return None

    def distract(self, c: list[Any]) -> None:
        self.number(self.tokens(c)[0], 2, 30, name="distractor")

    def _at_least(self, name: str, expr: Any, least: int = 10) -> None:
        """A realistic angle: at least ``least`` degrees."""
        self.let(f"{name}_check", expr - least + 1)

    def _x(self, expr: Any) -> Any:
        x = self.let("x", expr)
        self._at_least("x", x)
        return x

    # -- levels ----------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        (kind, toks), _ = c
        if kind == "triangle":
            a = self.number(toks[0], 20, 110, name="a")
            b = self.number(toks[1], 20, 110, name="b")
            self._x(180 - a - b)
            self.step("The angles of a triangle add up to 180 degrees: 180 - {a} - {b} = {x}.")
        elif kind in ("line", "right"):
            whole = 180 if kind == "line" else 90
            a = self.number(toks[0], 10, whole - 10, name="a")
            self._x(whole - a)
            what = "on a straight line" if kind == "line" else "in a right angle"
            self.step(f"Angles {what} add up to {whole} degrees: {whole} - {{a}} = {{x}}.")
        elif kind == "line_three":
            a = self.number(toks[0], 20, 110, name="a")
            b = self.number(toks[1], 20, 110, name="b")
            self._x(180 - a - b)
            self.step("Angles on a straight line add up to 180 degrees: 180 - {a} - {b} = {x}.")
        else:
            a = self.number(toks[0], 30, 150, name="a")
            b = self.number(toks[1], 30, 150, name="b")
            d = self.number(toks[2], 30, 150, name="d")
            self._x(360 - a - b - d)
            self.step("Angles around a point add up to 360 degrees: 360 - {a} - {b} - {d} = {x}.")
        self.step("So x is {x} degrees.")
        return self._sym("x")

    def level2(self, c: list[Any]) -> Any:
        (kind, toks), _ = c
        if kind == "iso_apex":
            x = self.unknown("x", 20, 85)
            self.result(toks[0], 180 - 2 * x, name="a")
            self.let("rest", 180 - self._sym("a"))
            self.step(
                "The two equal base angles share 180 - {a} = {rest} degrees, so each is "
                "{rest} / 2 = {x}."
            )
        elif kind == "iso_base":
            b = self.number(toks[0], 20, 85, name="b")
            self._x(180 - 2 * b)
            self.step("The angles of a triangle add up to 180 degrees: 180 - 2 x {b} = {x}.")
        elif kind == "crossing":
            a = self.number(toks[0], 15, 165, name="a")
            self._x(180 - a)
            self.step("Next to each other on a straight line, they add up to 180: 180 - {a} = {x}.")
        elif kind == "right_triangle":
            a = self.number(toks[0], 15, 75, name="a")
            self._x(90 - a)
            self.step("Besides the right angle, the two angles share 90 degrees: 90 - {a} = {x}.")
        else:  # exterior
            x = self.unknown("x", 15, 80)
            a = self.number(toks[1], 15, 80, name="a")
            self.result(toks[0], a + x, name="e")
            self.step(
                "An exterior angle equals the two opposite interior angles together: "
                "{e} - {a} = {x}."
            )
        self.step("So x is {x} degrees.")
        return self._sym("x")

    def level3(self, c: list[Any]) -> Any:
        _, (kind, toks), _ = c
        if kind == "ratio":
            m = self.number(toks[1], 2, 4, name="m")
            x = self.unknown("x", 10, 50)
            a = self.result(toks[0], 180 - (m + 1) * x, name="a")
            self._at_least("a", a)
            self.let("rest", 180 - a)
            self.let("parts", 1 + m)
            self.step("The other two angles share 180 - {a} = {rest} degrees.")
            self.step("They are 1 + {m} = {parts} equal parts, each {rest} / {parts} = {x}.")
        elif kind == "offsets":
            x = self.unknown("x", 10, 50)
            a = self.number(toks[0], 5, 40, name="a")
            b = self.result(toks[1], 180 - 3 * x - a, name="b")
            self.let("b_check", b - a)  # the third angle is the largest
            self.let("rest", 3 * x)
            self.step("Without the extra degrees, three angles of x are 180 - {a} - {b} = {rest}.")
            self.step("One part is {rest} / 3 = {x}.")
        elif kind == "point_equal":
            x = self.unknown("x", 20, 150)
            a = self.number(toks[0], 20, 150, name="a")
            b = self.result(toks[1], 360 - 2 * x - a, name="b")
            self._at_least("b", b)
            self.let("rest", 2 * x)
            self.step("Angles around a point add up to 360 degrees: 360 - {a} - {b} = {rest}.")
            self.step("The two equal angles share that: {rest} / 2 = {x}.")
        elif kind == "line_ratio":
            m = self.number(toks[0], 2, 5, name="m")
            self.let("parts", 1 + m)
            self._x(180 / (1 + m))
            self.step("x and {m} times x make 1 + {m} = {parts} equal parts of 180 degrees.")
            self.step("One part is 180 / {parts} = {x}.")
        elif kind == "iso_more":
            x = self.unknown("x", 30, 55)
            self.result(toks[0], 180 - 3 * x, name="k")
            self.let("rest", 3 * x)
            self.step(
                "Without the extra {k} degrees the three angles would be equal: 180 - {k} = {rest}."
            )
            self.step("One part is {rest} / 3 = {x}.")
        else:  # line_difference
            x = self.unknown("x", 20, 85)
            self.result(toks[0], 180 - 2 * x, name="k")
            self.let("rest", 2 * x)
            self.step(
                "Without the difference of {k} degrees the two angles would be equal: "
                "180 - {k} = {rest}."
            )
            self.step("One part is {rest} / 2 = {x}.")
        self.step("So x is {x} degrees.")
        return self._sym("x")

    def _sym(self, name: str) -> Any:
        import sympy

        return sympy.Symbol(name, real=True)
