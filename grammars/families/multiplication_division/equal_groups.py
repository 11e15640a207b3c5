"""Equal groups: n groups of k things; the total, or (inverse) the size of each group."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class EqualGroups(Story):
    title = "Equal groups: multiply to find the total, divide to find each group"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("cookie", "marble", "crayon", "pencil", "button", "bead", "sticker"),
        "cont": ("box", "bag", "jar", "tin"),
    }
    answer_unit = "thing"

    def PUTS(self, tok: Token) -> str:
        return self.verb(tok, "a")

    SHARES = PACKS = SORTS = PLACES = GIVES = SENDS = SELLS = TAKES = PUTS

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")  # every count of things is at least 2

    def CONT(self, tok: Token) -> str:
        return self.noun(tok, "cont")  # plural: every count of containers is at least 2

    def CONT_ONE(self, tok: Token) -> str:
        return self.noun(tok, "cont", 1)

    def _num(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    groups = each = total = split = give = _num

    def question_total(self, c: list[Any]) -> None:
        return None

    question_each = question_given = question_total

    def level1(self, c: list[Any]) -> Any:
        groups, each, _ = c
        n = self.number(groups, 2, 6, name="groups")
        k = self.number(each, 2, 10, name="each")
        total = self.let("total", n * k)
        self.step("{groups} {cont} with {each} {thing} in each: {groups} x {each} = {total}")
        self.step("There are {total} {thing} in all.")
        return total

    def _share(self, total_tok: Token, split_tok: Token, lo: int, hi: int, groups: tuple) -> Any:
        k = self.unknown("each", lo, hi)
        n = self.number(split_tok, *groups, name="groups")
        self.result(total_tok, n * k, name="total")
        self.step(
            "{total} {thing} shared equally among {groups} {cont}: {total} / {groups} = {each}"
        )
        return k

    def level2(self, c: list[Any]) -> Any:
        total, split, _ = c
        k = self._share(total, split, 3, 12, (3, 9))
        self.step("Each {cont:1} holds {each} {thing}.")
        return k

    def level3(self, c: list[Any]) -> Any:
        total, split, give, _ = c
        k = self._share(total, split, 6, 25, (4, 12))
        s = self.number(give, 2, 3, name="given")
        out = self.let("out", s * k)
        self.step("{given} {cont} of {each} {thing} each: {given} x {each} = {out}")
        self.step("{a} parts with {out} {thing}.")
        return out
