"""Compare: how many more or fewer one person has than another (difference unknown)."""

from __future__ import annotations

from typing import Any, ClassVar

from lark import Token

from gramgen.semantics import Semantics

Sentence = tuple[str, dict[str, list[Token]]]


class CompareDifference(Semantics):
    title = "Compare: how many more or fewer"
    lexicons: ClassVar[dict[str, Any]] = {
        "thing": ("sticker", "marble", "card", "stamp", "shell", "book", "coin", "badge",
                  "postcard", "comic"),
    }  # fmt: skip
    answer_unit = "thing"

    # Sentences return their kind and name tokens; the level binds the names to roles
    # (who is compared with whom) and decides what each number is.

    def ITEM(self, tok: Token) -> str:
        return self.noun(tok, "thing")  # every count is at least 2

    @staticmethod
    def _collect(c: list[Any]) -> dict[str, list[Token]]:
        out: dict[str, list[Token]] = {}
        for x in c:
            if isinstance(x, Token):
                out.setdefault(x.type, []).append(x)
        return out

    def amount(self, c: list[Any]) -> Sentence:
        return "amount", self._collect(c)

    def more(self, c: list[Any]) -> Sentence:
        return "more", self._collect(c)

    def fewer(self, c: list[Any]) -> Sentence:
        return "fewer", self._collect(c)

    def difference(self, c: list[Any]) -> Sentence:
        return "difference", self._collect(c)

    def _names(self, toks: dict[str, list[Token]], roles: dict[str, str]) -> None:
        """Bind the name tokens (by terminal) to roles; a possessive follows NAME."""
        for kind, role in roles.items():
            for tok in toks.get(kind, []):
                self.person(tok, role)
        for tok in toks.get("POSS", []):
            self.pronoun(tok, roles["NAME"], "possessive")

    def _amount(self, s: Sentence, role: str, lo: int, hi: int) -> Any:
        _, toks = s
        self._names(toks, {"NAME": role})
        return self.number(toks["NUM"][0], lo, hi, name=f"n{role}")

    def _given(self, s: Sentence, role: str, value: Any) -> Any:
        """An amount sentence whose number is computed (chosen by construction)."""
        _, toks = s
        self._names(toks, {"NAME": role})
        return self.result(toks["NUM"][0], value, name=f"n{role}")

    def _relation(self, s: Sentence, subj: str, ref: str, gap: Any) -> str:
        """``subj`` has ``gap`` more or fewer than ``ref``: binds the names and
        returns the sign of ``subj``'s amount computed from ``ref``'s."""
        kind, toks = s
        self._names(toks, {"SUBJ": subj, "REF": ref})
        return "+" if kind == "more" else "-"

    def _ask(self, s: Sentence, big: str, small: str, diff: Any) -> Any:
        _, toks = s
        self._names(toks, {"BIG": big, "SMALL": small})
        self.step(f"{{n{big}}} - {{n{small}}} = {{diff}}")
        self.step(f"{{{big}}} has {{diff}} more {{thing}} than {{{small}}}.")
        return diff

    def level1(self, c: list[Any]) -> Any:
        first, second, question = c
        diff = self.unknown("diff", 2, 9)
        nb = self._amount(second, "b", 2, 12)
        self._given(first, "a", nb + diff)
        return self._ask(question, "a", "b", diff)

    # Levels 2 and 3 choose the compared amounts first and compute the amounts they
    # are stated relative to, so that the base amounts are not free numbers (a problem
    # with a base amount left vague then still has answers for small stand-ins).

    def level2(self, c: list[Any]) -> Any:
        first, rel, third, question = c
        gap = self.number(rel[1]["NUM"][0], 3, 30, name="gap")
        nc = self._amount(third, "c", 30, 75)
        diff = self.unknown("diff", 2, 20)
        nb = self.let("nb", nc + diff)
        sign = self._relation(rel, "b", "a", gap)
        self._given(first, "a", nb - gap if sign == "+" else nb + gap)
        self.step(f"{{b}} has {{na}} {sign} {{gap}} = {{nb}} {{thing}}.")
        return self._ask(question, "b", "c", diff)

    def level3(self, c: list[Any]) -> Any:
        first, rel1, fourth, rel2, question = c
        gap1 = self.number(rel1[1]["NUM"][0], 10, 40, name="gap1")
        gap2 = self.number(rel2[1]["NUM"][0], 10, 40, name="gap2")
        nc = self.unknown("nc", 150, 400)
        diff = self.unknown("diff", 5, 60)
        nb = self.let("nb", nc + diff)
        s1 = self._relation(rel1, "b", "a", gap1)
        s2 = self._relation(rel2, "c", "d", gap2)
        self._given(first, "a", nb - gap1 if s1 == "+" else nb + gap1)
        self._given(fourth, "d", nc - gap2 if s2 == "+" else nc + gap2)
        self.step(f"{{b}} has {{na}} {s1} {{gap1}} = {{nb}} {{thing}}.")
        self.step(f"{{c}} has {{nd}} {s2} {{gap2}} = {{nc}} {{thing}}.")
        return self._ask(question, "b", "c", diff)
