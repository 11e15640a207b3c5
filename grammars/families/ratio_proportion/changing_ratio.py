"""A ratio that changes when more of one kind is added (ratios n to n + 1, lowest terms)."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class ChangingRatio(Story):
    title = "Changing ratios: adding more of one kind"
    lexicons: ClassVar[dict[str, Any]] = {
        # colors and containers that all take "a"
        "color": ("red", "blue", "green", "yellow", "white", "black", "purple", "pink",
                  "brown", "gold", "silver"),
        "box": ("jar", "bag", "box", "bowl", "tin", "basket"),
        "thing": ("bead", "marble", "button", "counter", "token"),
    }  # fmt: skip
    answer_unit = "thing"  # beads, marbles, ...

    # -- terminals ---------------------------------------------------------------------

    def COLOR(self, tok: Token) -> str:
        return self.word(tok, "c1", lexicon="color")

    def COLOR2(self, tok: Token) -> str:
        return self.word(tok, "c2", lexicon="color")

    def BOX(self, tok: Token) -> str:
        return self.word(tok, "box")

    def THINGS(self, tok: Token) -> str:
        return self.noun(tok, "thing", 2)

    # -- sentences ---------------------------------------------------------------------

    def _pair(self, c: list[Any], name: str, lo: int, hi: int) -> tuple[Any, Any]:
        """A ratio "n to n + 1" written in the text: n drawn, n + 1 follows."""
        ntok, mtok = self.tokens(c, "NUM")[-2:]
        n = self.number(ntok, lo, hi, name=name)
        return n, self.result(mtok, n + 1, name=f"{name}_next")

    def ratio(self, c: list[Any]) -> tuple[Any, Any]:
        return self._pair(c, "first_part", 2, 5)

    def _one(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c, "NUM")
        return tok

    count_first = add_second = total = _one

    def add_first_ratio(self, c: list[Any]) -> tuple[Token, tuple[Any, Any]]:
        return self.tokens(c, "NUM")[0], self._pair(c, "new_part", 3, 8)

    def other(self, c: list[Any]) -> None:
        self.number(self._one(c), 3, 30, name="aside")

    def ask_second_now(self, c: list[Any]) -> str:
        return "second_now"

    def ask_all_now(self, c: list[Any]) -> str:
        return "all_now"

    def ask_second(self, c: list[Any]) -> str:
        return "second"

    def ask_first_before(self, c: list[Any]) -> str:
        return "first_before"

    def ask_add(self, c: list[Any]) -> tuple[str, Any]:
        return "add", self._pair(c, "new_part", 3, 8)

    def ask_total_after(self, c: list[Any]) -> tuple[str, Any]:
        return "total_after", self._pair(c, "new_part", 3, 8)

    def ask_now(self, c: list[Any]) -> Any:
        return c[0]

    ask_change = ask_target = ask_now

    # -- levels ------------------------------------------------------------------------

    def level1(self, c: list[Any]) -> Any:
        (n, n1), ftok, atok, ask = c
        part = self.unknown("part", 2, 10)
        first = self.result(ftok, n * part, name="first")
        added = self.number(atok, 2, 20, name="added")
        self.step("One part of the ratio is {first} / {first_part} = {part} {thing}.")
        second = self.let("second", n1 * part)
        self.step("At first there are {first_part_next} x {part} = {second} {c2} {thing}.")
        now = self.let("second_now", second + added)
        self.step("After adding {added}: {second} + {added} = {second_now} {c2} {thing}.")
        if ask == "second_now":
            self.step("There are {second_now} {c2} {thing} now.")
            return now
        total = self.let("total_now", first + now)
        self.step("In all: {first} + {second_now} = {total_now}.")
        self.step("There are {total_now} {thing} now.")
        return total

    def _unknown_part(self, n: Any, m: Any) -> tuple[Any, Any]:
        """The size of one part before, chosen so that the new ratio comes out whole."""
        w = self.unknown("w", 1, 4)
        self.let("added_check", w * (m - n) - 2, domain="nonnegative")  # at least 2 added
        return self.let("part", (m + 1) * w), w

    def level3(self, c: list[Any]) -> Any:
        (n, n1), (ktok, (m, m1)), _, ask = c
        part, w = self._unknown_part(n, m)
        added = self.result(ktok, w * (m - n), name="added")
        first = self.let("first", n * part)
        second = self.let("second", n1 * part)
        self.step(
            "Let one part be p {thing}. At first there are {first_part}p {c1} and "
            "{first_part_next}p {c2} {thing}, and the {c2} ones do not change."
        )
        self.let("cross1", m1 * n)
        self.let("cross2", m1 * added)
        self.let("cross3", m * n1)
        self.step(
            "After the change the ratio is {new_part} to {new_part_next}: "
            "{new_part_next} x ({first_part}p + {added}) = {new_part} x {first_part_next}p, "
            "which is {cross1}p + {cross2} = {cross3}p."
        )
        self.let("diff", m - n)
        self.step("Taking {cross1}p from both sides: ({cross3} - {cross1})p = {cross2}, "
                  "so p = {cross2} / {diff} = {part}.")  # fmt: skip
        if ask == "second":
            self.step("The {c2} {thing}: {first_part_next} x {part} = {second}.")
            self.step("There are {second} {c2} {thing}.")
            return second
        self.step("The {c1} {thing} at first: {first_part} x {part} = {first}.")
        if ask == "first_before":
            self.step("There were {first} {c1} {thing} at first.")
            return first
        self.step("The {c2} {thing}: {first_part_next} x {part} = {second}.")
        total = self.let("total_now", first + added + second)
        self.step("Now: {first} + {added} + {second} = {total_now}.")
        self.step("There are {total_now} {thing} now.")
        return total

    def level2(self, c: list[Any]) -> Any:
        (n, n1), ttok, (ask, (m, m1)) = c
        part, _w = self._unknown_part(n, m)
        parts = self.let("parts", n + n1)
        self.result(ttok, parts * part, name="total")
        self.step("The ratio has {first_part} + {first_part_next} = {parts} parts in all.")
        self.step("One part is {total} / {parts} = {part} {thing}.")
        first = self.let("first", n * part)
        second = self.let("second", n1 * part)
        self.step("There are {first_part} x {part} = {first} {c1} and {first_part_next} x {part} "
                  "= {second} {c2} {thing}.")  # fmt: skip
        share = self.let("share", second / m1)
        self.step("The {c2} {thing} do not change; in the new ratio they are {new_part_next} parts "
                  "of {second} / {new_part_next} = {share}.")  # fmt: skip
        target = self.let("target", m * share)
        self.step("So there must be {new_part} x {share} = {target} {c1} {thing}.")
        add = self.let("add", target - first)
        self.step("The number to add is {target} - {first} = {add}.")
        if ask == "add":
            return add
        after = self.let("after", target + second)
        self.step("Then there are {target} + {second} = {after} {thing} in all.")
        return after
