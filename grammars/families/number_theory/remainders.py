"""Remainders in packing: full boxes, leftovers, boxes needed, how many more to fill."""

from __future__ import annotations

from typing import Any, ClassVar

import sympy
from lark import Token

from gramgen.semantics import Story

VERBS = ("DOES", "GET", "FIND", "GIVE", "KEEP", "USE", "TAKE", "SELL", "PACK", "WANT", "PUT",
         "SORT")  # fmt: skip
# level -> ranges of the first amount, each addition, what is taken, the box size
RANGES = {
    1: {"start": (10, 60), "more": (5, 30), "take": (2, 10), "size": (3, 9)},
    2: {"start": (40, 150), "more": (10, 50), "take": (2, 10), "size": (4, 12)},
    3: {"start": (100, 350), "more": (20, 120), "take": (5, 40), "size": (6, 24)},
}


class Remainders(Story):
    title = "Remainders: packing things into boxes of a fixed size"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("cookie", "sticker", "egg", "pencil", "apple", "cupcake", "marble",
                  "candle", "muffin", "crayon", "lemon", "postcard"),
        "box": ("box", "bag", "pack", "tray", "jar", "tin", "basket", "carton"),
    }  # fmt: skip
    answer_domain = "nonnegative"

    def __init__(self, level: int = 1) -> None:
        super().__init__(level)
        self.amount: Any = None
        self.parts: list[str] = []
        self.kind = "left"

    def __default_token__(self, tok: Token) -> Any:
        if tok.type in VERBS:
            return self.verb(tok, "a")
        return tok

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")

    def BOX(self, tok: Token) -> str:
        return self.noun(tok, "box")

    def BOX1(self, tok: Token) -> str:
        return self.noun(tok, "box", 1)

    # -- sentences ----------------------------------------------------------------------

    def _num(self, c: list[Any], kind: str, name: str) -> Any:
        (tok,) = self.tokens(c)
        return self.number(tok, *RANGES[self.level][kind], name=name)

    def have(self, c: list[Any]) -> None:
        self.amount = self._num(c, "start", "start")
        self.parts = ["{start}"]

    def more(self, c: list[Any]) -> None:
        more = self._num(c, "more", "more")
        self.amount = self.let("after_more", self.amount + more)
        self.step(f"{self.parts[-1]} + {{more}} = {{after_more}}")
        self.parts.append("{after_more}")

    def take(self, c: list[Any]) -> None:
        taken = self._num(c, "take", "taken")
        self.amount = self.let("after_take", self.amount - taken)
        self.step(f"{self.parts[-1]} - {{taken}} = {{after_take}}")
        self.parts.append("{after_take}")

    def pack(self, c: list[Any]) -> None:
        self._num(c, "size", "size")

    def ask_left(self, c: list[Any]) -> str:
        return "left"

    def ask_full(self, c: list[Any]) -> str:
        return "full"

    def ask_needed(self, c: list[Any]) -> str:
        return "needed"

    def ask_tofill(self, c: list[Any]) -> str:
        return "tofill"

    # -- levels -------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        n, size = self.amount, sympy.Symbol("size", real=True)
        count = self.parts[-1]
        full = self.let("full", sympy.floor(n / size))
        packed = self.let("packed", size * full)
        left = self.let("left", n - packed, domain="nonnegative")
        # the counts written here may be 1 or 0: no noun follows them ("1 full boxes")
        self.step("Each {box:1} holds {size}; fill as many as you can: {size} x {full} = {packed}.")
        self.step(f"That leaves {count} - {{packed}} = {{left}} over.")
        kind = c[-1]
        if kind == "left":
            self.step("So the number left over is {left}.")
            return left
        if kind == "full":
            self.step("So the number of full {box} is {full}.")
            return full
        if kind == "needed":
            # the number of boxes n / size rounded up (written with floor: n and size
            # are whole)
            needed = self.let("needed", sympy.floor((n + size - 1) / size))
            self.step("The leftovers (if any) need one more {box:1}.")
            self.step("So the number of {box} needed is {needed}.")
            return needed
        self.let("some_left", left)  # a last box that is started but not full
        tofill = self.let("tofill", size - left)
        self.step("{size} - {left} = {tofill}")
        self.step("So {tofill} more would fill the last {box:1}.")
        return tofill

    level2 = level3 = level1
