"""Change (join): a person has some things and gets more; how many now?"""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Story


class ChangeJoin(Story):
    title = "Change (join): how many after getting more"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("apple", "marble", "sticker", "pencil", "book", "shell", "card", "stamp",
                  "coin", "crayon", "button", "feather"),
    }  # fmt: skip
    answer_unit = "thing"
    verbs = ("GOT",)

    @property
    def top(self) -> int:
        return {1: 20, 2: 100, 3: 500}[self.level]

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")

    def OTHER_ITEM(self, tok: Token) -> str:
        return self.noun(tok, "other", lexicon="thing")

    def setup(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        return self.number(tok, 2, self.top, name="start")

    def gain(self, c: list[Any]) -> Any:
        (tok,) = self.tokens(c)
        return self.number(tok, 2, self.top // 2)

    def other(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 2, self.top, name="distractor")

    def question(self, c: list[Any]) -> None:
        return None

    def _total(self, start: Any, gains: list[Any]) -> Any:
        total = self.let("total", start + sum(gains))
        self.step(" + ".join(["{start}", *(f"{{{g}}}" for g in gains)]) + " = {total}")
        self.step("{a} has {total} {thing} now.")
        return total

    def level1(self, c: list[Any]) -> Any:
        start, gain, _ = c
        return self._total(start, [gain])

    def level2(self, c: list[Any]) -> Any:
        start, g1, g2, _ = c
        return self._total(start, [g1, g2])

    def level3(self, c: list[Any]) -> Any:
        _, start, g1, g2, _ = c
        return self._total(start, [g1, g2])
