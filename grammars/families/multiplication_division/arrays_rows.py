"""Arrays: rows with the same number in each; the total, and how many are free."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class ArraysRows(Story):
    title = "Arrays: rows times the number in each row"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("chair", "seat", "locker", "tent", "desk", "bench", "stall", "table"),
    }
    answer_unit = "thing"

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")  # every count is at least 2

    def _num(self, c: list[Any]) -> Token:
        (tok,) = self.tokens(c)
        return tok

    rows = per_row = taken = _num

    def rows_first(self, c: list[Any]) -> tuple[Token, Token]:
        rows, per = self.tokens(c)
        return rows, per

    def per_first(self, c: list[Any]) -> tuple[Token, Token]:
        per, rows = self.tokens(c)
        return rows, per

    def question_total(self, c: list[Any]) -> None:
        return None

    question_free = question_total

    def _block(self, toks: tuple[Token, Token], tag: str, rows: tuple, per: tuple) -> Any:
        r = self.number(toks[0], *rows, name=f"rows{tag}")
        k = self.number(toks[1], *per, name=f"per{tag}")
        total = self.let(f"total{tag}", r * k)
        self.step(
            f"{{rows{tag}}} rows of {{per{tag}}}: {{rows{tag}}} x {{per{tag}}} = {{total{tag}}}"
        )
        return total

    def level1(self, c: list[Any]) -> Any:
        rows, per, _ = c
        total = self._block((rows, per), "", (2, 6), (3, 9))
        self.step("There are {total} {thing} in all.")
        return total

    def _free(self, taken_tok: Token, total: Any, hi: int) -> Any:
        taken = self.number(taken_tok, 5, hi, name="taken")
        return self.let("free", total - taken)

    def level2(self, c: list[Any]) -> Any:
        array, taken, _ = c
        total = self._block(array, "", (5, 12), (6, 15))
        free = self._free(taken, total, 25)
        self.step("{total} - {taken} = {free}")
        self.step("{free} {thing} are still free.")
        return free

    def level3(self, c: list[Any]) -> Any:
        one, two, taken, _ = c
        t1 = self._block(one, "1", (6, 15), (10, 20))
        t2 = self._block(two, "2", (3, 8), (6, 12))
        total = self.let("total", t1 + t2)
        self.step("{total1} + {total2} = {total}")
        free = self._free(taken, total, 50)
        self.step("{total} - {taken} = {free}")
        self.step("{free} {thing} are still free.")
        return free
