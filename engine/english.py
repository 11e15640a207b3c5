"""English word forms for filling problems: plurals, singulars, verb agreement, a/an.

Backed by ``inflect`` (one shared engine, see ``_inflect``). Where inflect gets a
word wrong, the tables below hold the dictionary form instead ("burritos", not
"burritoes"; "she ties", not "they ty"; "an 8-inch pizza", not "a 8-inch pizza");
every other word is inflect's answer unchanged. The tables were written for the
words a word-problem author is likely to use (food, school things, animals,
vehicles, units, jobs), checking inflect's answer for each; where a dictionary
lists two forms as equal ("cargoes or cargos") inflect's choice is kept. Every
word a family fills goes through these functions, the bundled lexicons' and a
user's own (``--lexicon``) alike.

A table entry applies to the head of a phrase as well: the last word ("bean
burrito" -> "bean burritos"), or the word before a preposition ("cup of tea").

Every function is cached, since a run asks for the same few hundred words again
and again.
"""

from __future__ import annotations

import functools
import re

from ._inflect import engine

__all__ = ["article", "is_plural", "is_singular", "plural", "singular", "verb_forms"]

# -- nouns ------------------------------------------------------------------------------

#: Singular -> plural where inflect's plural is wrong, or a rare variant of the
#: dictionary's form.
_PLURALS: dict[str, str] = {
    # -o nouns taking -s (inflect writes -oes)
    **{w: w + "s" for w in (
        "banjo", "bistro", "bronco", "burrito", "churro", "chorizo", "combo", "concerto",
        "condo", "disco", "dojo", "ego", "flamingo", "gazebo", "gelato", "halo", "hello",
        "jalapeno", "lotto", "macchiato", "mambo", "mojito", "nacho", "peso", "piccolo",
        "placebo", "promo", "stiletto", "tango", "taquito", "tomatillo", "turbo", "tuxedo",
    )},
    # -tz takes -es, without a doubled z
    **{w: w + "es" for w in ("blitz", "chintz", "klutz", "spritz", "waltz")},
    # -ch said "k" takes -s
    **{w: w + "s" for w in ("epoch", "loch", "matriarch", "monarch", "oligarch", "patriarch",
                            "tech")},
    "handicraft": "handicrafts", "hoof": "hooves", "thief": "thieves",
    # the plurals mathematics and science write
    "cortex": "cortices", "curriculum": "curricula", "focus": "foci", "fungus": "fungi",
    "larva": "larvae", "matrix": "matrices", "radius": "radii", "vertex": "vertices",
    "vortex": "vortices",
    # compounds whose first part takes the plural
    "hanger-on": "hangers-on", "jack-in-the-box": "jacks-in-the-box", "passer-by": "passers-by",
    "passerby": "passersby", "runner-up": "runners-up",
    "thermos": "thermoses",
    # the same in both numbers: currencies, animals, subjects and unit symbols
    **{w: w for w in (
        "baht", "bison", "swine", "won", "yen", "yuan",
        "aerobics", "athletics", "economics", "electronics", "genetics", "gymnastics",
        "linguistics", "mathematics", "physics",
        "cm", "ft", "g", "kg", "km", "kph", "l", "m", "mg", "mi", "ml", "mm", "mph", "oz", "yd",
    )},
}  # fmt: skip

#: Singular nouns ending in s, which inflect cuts down to a "singular" ("bus" -> "bu").
_S_SINGULARS = frozenset((
    "abacus", "alias", "analysis", "asparagus", "atlas", "axis", "basis", "bias", "bonus", "bus",
    "cactus", "campus", "canvas", "caucus", "census", "chorus", "circus", "citrus", "cosmos",
    "crisis", "crocus", "diagnosis", "ellipsis", "emphasis", "eucalyptus", "exodus", "fetus",
    "focus", "fungus", "gas", "genius", "hibiscus", "hippopotamus", "hummus", "hypothesis", "ibis",
    "iris", "isthmus", "lens", "locus", "lotus", "mantis", "metropolis", "minibus", "minus",
    "nimbus", "nucleus", "oasis", "octopus", "opus", "parenthesis", "pelvis", "platypus", "plus",
    "radius", "rhinoceros", "rhombus", "stimulus", "stylus", "surplus", "syllabus", "synopsis",
    "thermos", "thesaurus", "thesis", "trellis", "trolleybus", "virus", "walrus",
))  # fmt: skip

#: Plural -> singular where inflect's singular is wrong: the plurals above, and -ie
#: nouns inflect takes for -y ones ("smoothies" -> "smoothy").
_SINGULARS: dict[str, str] = {
    **{p: s for s, p in _PLURALS.items()},
    **{w + "s": w for w in (
        "beanie", "charcuterie", "cutie", "foodie", "hoodie", "patisserie", "roomie", "selfie",
        "smoothie", "techie", "walkie-talkie", "wheelie",
    )},
    "annexes": "annex",
}  # fmt: skip

#: Words after which a phrase's head comes to an end ("cup of tea", "kilometer per hour").
_PREPOSITIONS = frozenset(
    ("about", "at", "by", "for", "from", "in", "into", "of", "on", "per", "to", "under", "with")
)


def _head(text: str) -> tuple[str, str, str]:
    """(before, head, after): the word of ``text`` that takes the plural, in place."""
    words = text.split(" ")
    at = len(words) - 1
    for i in range(1, len(words)):
        if words[i].lower() in _PREPOSITIONS:
            at = i - 1
            break
    before = " ".join(words[:at])
    after = " ".join(words[at + 1 :])
    return before + " " * bool(before), words[at], " " * bool(after) + after


def _like(form: str, model: str) -> str:
    """``form`` capitalized as ``model`` is ("Burrito" -> "Burritos")."""
    if len(model) > 1 and model.isupper():
        return form.upper()
    if model[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


@functools.cache
def plural(word: str) -> str:
    """The plural of the noun ``word`` ("apple" -> "apples")."""
    before, head, after = _head(word)
    fixed = _PLURALS.get(head.lower())
    if fixed is not None:
        return before + _like(fixed, head) + after
    got = str(engine().plural_noun(word))
    if got == word and after:
        # inflect reads "stick of butter" as uncountable, after its last word: the
        # head alone has a plural
        return before + plural(head) + after
    return got


@functools.cache
def singular(word: str) -> str:
    """The singular of the noun ``word``; ``word`` itself when it is not a plural."""
    before, head, after = _head(word)
    low = head.lower()
    fixed = _SINGULARS.get(low)
    if fixed is not None:
        return before + _like(fixed, head) + after
    if low in _PLURALS or low in _S_SINGULARS:
        return word  # a singular (or a word the same in both numbers)
    got = engine().singular_noun(word)
    if after and (got is False or got == word):
        # inflect leaves "kilometers per hour" and "sticks of butter" be
        return before + singular(head) + after
    if got is False or ("False" in got and "False" not in word):
        return word  # inflect writes "False-general" for "attorney-general"
    return str(got)


def is_singular(word: str) -> bool:
    """Whether the noun ``word`` is singular (it is its own singular); also true of
    a noun the same in both numbers ("sheep")."""
    return singular(word) == word


def is_plural(word: str) -> bool:
    """Whether the noun ``word`` is plural (the plural of its singular); also true
    of a noun the same in both numbers ("sheep")."""
    return plural(singular(word)) == word


# -- verbs ------------------------------------------------------------------------------

#: Third person singular -> base where inflect's base is wrong.
_VERB_BASES: dict[str, str] = {
    "belies": "belie", "dies": "die", "hies": "hie", "lies": "lie", "overlies": "overlie",
    "ties": "tie", "underlies": "underlie", "unties": "untie", "vies": "vie",
    "echoes": "echo", "re-echoes": "re-echo", "vetoes": "veto",
    "biases": "bias", "buses": "bus", "focuses": "focus", "focusses": "focus", "taxis": "taxi",
    "whizzes": "whiz",
    "doesn't": "don't", "hasn't": "haven't", "isn't": "aren't", "wasn't": "weren't",
}  # fmt: skip

#: Base -> third person singular where the spelling rules below do not apply.
_THIRDS: dict[str, str] = {
    "are": "is", "have": "has", "were": "was",
    "aren't": "isn't", "don't": "doesn't", "haven't": "hasn't", "weren't": "wasn't",
    "quiz": "quizzes", "whiz": "whizzes", "zero": "zeroes",
    # modals are the same for every subject
    **{w: w for w in (
        "can", "could", "may", "might", "must", "shall", "should", "will", "would",
        "can't", "couldn't", "mustn't", "shan't", "shouldn't", "won't", "wouldn't",
    )},
}  # fmt: skip

#: -o verbs taking -es; any other -o verb takes the ending its noun does.
_O_ES = frozenset(
    ("do", "forego", "forgo", "go", "outdo", "outgo", "overdo", "redo", "undergo", "undo")
)


def _third(base: str) -> str:
    fixed = _THIRDS.get(base)
    if fixed is not None:
        return fixed
    if base.endswith("o"):
        return base + "es" if base in _O_ES else plural(base)  # goes; echoes, radios
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return base + "es"
    if len(base) > 1 and base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


@functools.cache
def verb_forms(text: str) -> tuple[str, str]:
    """(base, third person singular) of a present-tense verb (``picks up`` too)."""
    head, sep, rest = text.partition(" ")
    base = _VERB_BASES.get(head) or str(engine().plural_verb(head))
    return base + sep + rest, _third(base) + sep + rest


# -- articles ---------------------------------------------------------------------------

#: A number as written: an 8, an 11, an 18, an 80, an 800-page book, an $8 ticket.
_NUMERAL = re.compile(r"\$?(\d[\d,]*)")
#: Initialisms said letter by letter that inflect reads as words ("a SUV").
_AN_INITIALISMS = frozenset(("HIV", "HOV", "LED", "MA", "MIT", "NYU", "SOS", "SUV"))
_FIRST = re.compile(r"[A-Za-z0-9]+")


@functools.cache
def article(word: str) -> str:
    """ "a" or "an", as written before ``word``."""
    number = _NUMERAL.match(word)
    if number:
        digits = number.group(1).replace(",", "")
        eleven = digits[:2] in ("11", "18") and len(digits) % 3 == 2  # 11, 18, 18,000
        return "an" if digits.startswith("8") or eleven else "a"
    first = _FIRST.match(word)
    token = first.group(0) if first else ""
    if token in _AN_INITIALISMS:
        return "an"
    if len(token) > 1 and token.isupper() and token.startswith("U"):
        return "a"  # a UFO, a URL, a UX designer: U said "you"
    return str(engine().a(word)).split()[0]
