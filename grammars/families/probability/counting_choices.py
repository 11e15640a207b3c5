"""Counting choices: outfits and meals by the product rule, and choosing two of a kind."""

from __future__ import annotations

from typing import Any, ClassVar

from gramgen.semantics import Story


class CountingChoices(Story):
    main_role = "p"
    other_role = "o"
    verbs = (
        "HAS",
        "OWN",
        "KEEP",
        "WEAR",
        "PICK",
        "WANT",
        "NEED",
        "CHOOSE",
        "PACK",
    )
    title = "Counting choices: the product rule and choosing two of a kind"
    lexicons: ClassVar[dict[str, Any]] = {
        "clothes": ("shirt", "skirt", "sweater", "hat", "scarf", "jacket", "cap", "belt",
                    "vest", "tie"),
        "food": ("sandwich", "salad", "soup", "juice", "dessert", "wrap", "pie", "muffin",
                 "taco", "bagel", "cookie", "burger"),
    }  # fmt: skip
    answer_unit = "ways"

    lexicon = "clothes"
    kinds = 0

    # -- terminals ------------------------------------------------------------------

    ITEM = ITEM_ONE = Story.NUM  # bound by the sentences, which know which kind they name

    # -- sentences ------------------------------------------------------------------

    def _kind(self, c: list[Any]) -> Any:
        """A new kind of thing (k1, k2, k3 in order) and how many there are of it."""
        self.kinds += 1
        k = self.kinds
        (item,) = self.tokens(c, "ITEM")
        (tok,) = self.tokens(c)
        lo, hi = (4, 12) if self.level == 3 and k == 1 else (2, 9)
        count = self.number(tok, lo, hi, name=f"n{k}")
        self.noun(item, f"k{k}", count, lexicon=self.lexicon)
        return count

    def wardrobe(self, c: list[Any]) -> Any:
        self.lexicon = "clothes"
        return self._kind(c)

    def menu(self, c: list[Any]) -> Any:
        self.lexicon = "food"
        return self._kind(c)

    garment = course = _kind

    def pack(self, c: list[Any]) -> None:
        (two,) = self.tokens(c, "ITEM")
        (one,) = self.tokens(c, "ITEM_ONE")
        self.noun(two, "k1", 2, lexicon=self.lexicon)
        self.noun(one, "k2", 1, lexicon=self.lexicon)

    plate = pack

    def other_trip(self, c: list[Any]) -> None:
        (tok,) = self.tokens(c)
        self.number(tok, 3, 9, name="distractor")

    other_cafe = other_trip

    def outfit_ask(self, c: list[Any]) -> None:
        return None

    meal_ask = pack_ask = plate_ask = outfit_ask

    # -- the solutions --------------------------------------------------------------

    def _product(self, counts: list[Any]) -> Any:
        names = [f"n{k}" for k in range(1, len(counts) + 1)]
        total = self.let("total", counts[0] * counts[1])
        self.step(f"{{{names[0]}}} x {{{names[1]}}} = {{total}}")
        if len(counts) == 3:
            self.step(f"For each of those, {{{names[2]}}} choices of {{k3:1}}:")
            total = self.let("total3", total * counts[2])
            self.step(f"{{total}} x {{{names[2]}}} = {{total3}}")
        last = "total3" if len(counts) == 3 else "total"
        self.step(f"There are {{{last}}} different ways to choose one of each.")
        return total

    def level1(self, c: list[Any]) -> Any:
        return self._product([x for x in c if x is not None])

    level2 = level1

    def level3(self, c: list[Any]) -> Any:
        n, m = c[0], c[1]
        self.let("less", n - 1)
        pairs = self.let("pairs", n * (n - 1) / 2)
        self.step("Two different {k1} out of {n1}: {n1} x {less} / 2 = {pairs} pairs")
        self.step("Each pair is counted twice in {n1} x {less}, so we halve it.")
        total = self.let("total", pairs * m)
        self.step("Each pair goes with one of {n2} {k2}: {pairs} x {n2} = {total}")
        self.step("There are {total} different ways to choose.")
        return total
