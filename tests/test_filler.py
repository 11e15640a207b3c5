"""A view's fill binds each role once, agrees, capitalises and fails clearly."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from gramgen.errors import SemanticError
from gramgen.filler import plan_fill
from gramgen.semantics import Slot

PEOPLE = (("Ana", "she"), ("Ben", "he"), ("Sam", "they"))
LEXICONS = {"fruit": ("apple", "pear"), "color": ("red",)}


def _fill(numbers, others, tokens, values, *, seed=1, people=PEOPLE, lexicons=LEXICONS):
    lexes: list[dict[str, bool]] = [{} for _ in range(16)]

    def checked(sym: int, text: str) -> str:
        lexes[sym][text] = True
        return text

    fill = plan_fill(numbers, others, people=people, lexicons=lexicons, lexes=lexes,
                     checked=checked, source="shop.lark")  # fmt: skip
    out = [(0, t) for t in tokens]
    fill(out, tuple(range(len(tokens))), values, random.Random(seed))
    return [t for _, t in out]


def test_a_role_is_one_person_and_pronouns_and_verbs_agree_with_them():
    others = [Slot(0, "name", role="a"), Slot(1, "verb", role="a"), Slot(3, "name", role="b"),
              Slot(5, "pronoun", role="a", form="subject"), Slot(6, "name", role="a")]  # fmt: skip
    for seed in range(20):
        a, verb, _, b, _, pron, again = _fill(
            [], others, ["X", "has", "and", "Y", ".", "she", "X"], {}, seed=seed
        )
        gender = dict(PEOPLE)[a]
        assert again == a != b
        assert verb == ("have" if gender == "they" else "has")
        assert pron == {"she": "She", "he": "He", "they": "They"}[gender]  # opens a sentence


def test_nouns_agree_with_their_count_and_articles_with_their_word():
    numbers = [Slot(0, "number", name="n", style="comma")]
    others = [Slot(1, "noun", role="f", lexicon="fruit", count="n"),
              Slot(2, "article", role="g", lexicon="fruit"),
              Slot(3, "noun", role="g", count=1)]  # fmt: skip
    for seed in range(20):
        n, fruit, art, other = _fill(numbers, others, ["1", "x", "a", "x"], {"n": 1250}, seed=seed)
        assert n == "1,250" and fruit in ("apples", "pears")
        assert other != fruit[:-1]  # two roles of one lexicon take different words
        assert art == ("an" if other == "apple" else "a")
    assert _fill(numbers, others[:1], ["1", "x"], {"n": 1})[1] in ("apple", "pear")
    assert _fill(numbers, others[:1], ["1", "x"], {"n": Fraction(1)})[1] in ("apple", "pear")


def test_numbers_take_their_slot_style():
    numbers = [Slot(0, "number", name="p", style="money"), Slot(1, "number", name="q")]
    assert _fill(numbers, [], ["$1", "1"], {"p": Fraction(5, 2), "q": 7}) == ["$2.50", "7"]


def test_the_same_seed_fills_alike():
    others = [Slot(0, "name", role="a"), Slot(1, "noun", role="f", lexicon="fruit", count=2)]
    runs = {tuple(_fill([], others, ["X", "x"], {}, seed=5)) for _ in range(3)}
    assert len(runs) == 1


@pytest.mark.parametrize(
    ("others", "message"),
    [
        ([Slot(0, "name", role="a"), Slot(1, "name", role="b")],
         "shop.lark: more people than names to give"),
        ([Slot(0, "word", role="c", lexicon="shape")],
         r"shop.lark: no lexicon 'shape' \(has \['color', 'fruit'\]\)"),
        ([Slot(0, "word", role="c", lexicon="color"), Slot(1, "word", role="d", lexicon="color")],
         "shop.lark: lexicon 'color' ran out"),
    ],
)  # fmt: skip
def test_a_binding_that_cannot_be_made_names_the_file_and_what_ran_out(others, message):
    with pytest.raises(SemanticError, match=message):
        _fill([], others, ["x", "y"], {}, people=PEOPLE[:1])


def test_a_text_that_is_not_a_token_of_its_terminal_is_an_error():
    def checked(sym: int, text: str) -> str:
        raise SemanticError(f"the word {text!r} does not match terminal WORD")

    fill = plan_fill([Slot(0, "number", name="n")], [], people=PEOPLE, lexicons={}, lexes=[{}] * 16,
                     checked=checked, source="shop.lark")  # fmt: skip
    with pytest.raises(SemanticError, match="'12' does not match terminal WORD"):
        fill([(9, "1")], (0,), {"n": 12}, random.Random(0))
