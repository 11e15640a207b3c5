"""Semantic actions of the combine family: the total after a gain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Semantics


class Combine(Semantics):
    nouns: ClassVar[Mapping[str, Sequence[str]]] = {
        "thing": ("apple", "marble", "sticker", "pencil", "book", "shell", "card", "box")
    }

    def PERSON(self, tok: Token) -> str:
        return self.person(tok, "a")

    def PRONOUN(self, tok: Token) -> str:
        return self.pronoun(tok, "a", "subject")

    def OBJ(self, tok: Token) -> str:
        return self.pronoun(tok, "a", "object")

    def NUM(self, tok: Token) -> Any:
        return self.number(tok, 2, 40)

    def GOT(self, tok: Token) -> str:
        return self.verb(tok, "a")

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")

    def setup(self, c: list[Any]) -> Any:
        start = next(x for x in c if not isinstance(x, str))
        return self.let("start", start)

    def gain(self, c: list[Any]) -> Any:
        return next(x for x in c if not isinstance(x, str))

    gain_noun = gain
    gift = gain

    def question(self, c: list[Any]) -> None:
        return None

    def start(self, c: list[Any]) -> Any:
        before, more, _ = c
        total = self.let("total", before + more)
        self.step("{start} + " + "{n1} = {total}", "total")
        return total
