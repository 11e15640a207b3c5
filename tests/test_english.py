"""English word forms: the words inflect gets wrong are corrected, the rest unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gramgen import english
from gramgen.english import article, is_plural, is_singular, plural, singular, verb_forms
from gramgen.family import Family, _load_actions, bundled_families, load_family
from gramgen.semantics import load_lexicon

# (singular, plural) where inflect's plural was wrong (inflect's in the comment)
FIXED_PLURALS = [
    ("burrito", "burritos"),  # burritoes
    ("nacho", "nachos"),  # nachoes
    ("peso", "pesos"),  # pesoes
    ("taquito", "taquitos"),
    ("churro", "churros"),
    ("mojito", "mojitos"),
    ("jalapeno", "jalapenos"),
    ("chorizo", "chorizos"),
    ("tomatillo", "tomatillos"),
    ("gelato", "gelatos"),
    ("macchiato", "macchiatos"),
    ("bistro", "bistros"),
    ("combo", "combos"),
    ("condo", "condos"),
    ("disco", "discos"),
    ("dojo", "dojos"),
    ("ego", "egos"),
    ("placebo", "placebos"),
    ("piccolo", "piccolos"),
    ("concerto", "concertos"),
    ("bronco", "broncos"),
    ("mambo", "mambos"),
    ("tango", "tangos"),
    ("lotto", "lottos"),
    ("promo", "promos"),
    ("hello", "hellos"),
    ("turbo", "turbos"),
    ("banjo", "banjos"),  # banjoes, a rare variant
    ("flamingo", "flamingos"),
    ("tuxedo", "tuxedos"),
    ("gazebo", "gazebos"),
    ("halo", "halos"),
    ("stiletto", "stilettos"),
    ("waltz", "waltzes"),  # waltzzes
    ("blitz", "blitzes"),
    ("spritz", "spritzes"),
    ("klutz", "klutzes"),
    ("chintz", "chintzes"),
    ("monarch", "monarchs"),  # monarches
    ("patriarch", "patriarchs"),
    ("matriarch", "matriarchs"),
    ("oligarch", "oligarchs"),
    ("epoch", "epochs"),
    ("loch", "lochs"),
    ("tech", "techs"),
    ("thief", "thieves"),  # thiefs
    ("hoof", "hooves"),
    ("vertex", "vertices"),  # vertexes
    ("matrix", "matrices"),
    ("vortex", "vortices"),
    ("cortex", "cortices"),
    ("radius", "radii"),  # radiuses
    ("fungus", "fungi"),
    ("focus", "foci"),
    ("curriculum", "curricula"),
    ("larva", "larvae"),
    ("passer-by", "passers-by"),  # passer-bies
    ("passerby", "passersby"),
    ("runner-up", "runners-up"),  # runner-ups
    ("hanger-on", "hangers-on"),
    ("jack-in-the-box", "jacks-in-the-box"),  # jacks-in-the box
    ("thermos", "thermoses"),  # thermoss
    ("yen", "yen"),  # yens
    ("yuan", "yuan"),
    ("baht", "baht"),
    ("won", "won"),
    ("bison", "bison"),  # bisons
    ("swine", "swine"),
    ("mathematics", "mathematics"),  # mathematicss
    ("physics", "physics"),
    ("km", "km"),  # kms
    ("kg", "kg"),
    ("cm", "cm"),
    ("mm", "mm"),
    ("ml", "ml"),
    ("oz", "oz"),  # ozzes
    ("ft", "ft"),
    ("mph", "mph"),
    # phrases: the head word takes the plural
    ("bean burrito", "bean burritos"),
    ("Burrito", "Burritos"),
    ("burrito of the day", "burritos of the day"),
    ("handicraft", "handicrafts"),  # handicraft (read as uncountable, like "aircraft")
    # inflect reads the last word of "X of Y" for an uncountable: "stick of butter"
    ("stick of butter", "sticks of butter"),
    ("piece of furniture", "pieces of furniture"),
    ("piece of luggage", "pieces of luggage"),
    ("bag of cash", "bags of cash"),
    ("school of fish", "schools of fish"),
    # and finds no singular of "kilometers per hour"
    ("kilometer per hour", "kilometers per hour"),
    ("meter per second", "meters per second"),
]

# singular nouns ending in s, which inflect cut down ("bus" -> "bu")
S_SINGULARS = [
    "bus", "school bus", "minibus", "octopus", "cactus", "fungus", "hippopotamus", "walrus",
    "platypus", "virus", "bonus", "campus", "circus", "lotus", "chorus", "census", "genius",
    "abacus", "asparagus", "citrus", "hummus", "stylus", "thesaurus", "minus", "plus", "surplus",
    "crocus", "hibiscus", "eucalyptus", "radius", "nucleus", "stimulus", "syllabus", "focus",
    "locus", "rhombus", "iris", "crisis", "oasis", "trellis", "ibis", "pelvis", "parenthesis",
    "hypothesis", "ellipsis", "analysis", "thesis", "axis", "basis", "diagnosis", "synopsis",
    "emphasis", "metropolis", "canvas", "atlas", "gas", "alias", "bias", "lens", "rhinoceros",
    "thermos", "cosmos", "attorney-general",
]  # fmt: skip
#: their plurals are another word's too: "axes" reads back as "axe"
AMBIGUOUS = {"axis": "axe", "basis": "base", "ellipsis": "ellipse"}

# (plural, singular) where inflect's singular was wrong
FIXED_SINGULARS = [
    ("smoothies", "smoothie"),  # smoothy
    ("hoodies", "hoodie"),
    ("selfies", "selfie"),
    ("beanies", "beanie"),
    ("foodies", "foodie"),
    ("roomies", "roomie"),
    ("techies", "techie"),
    ("wheelies", "wheelie"),
    ("cuties", "cutie"),
    ("walkie-talkies", "walkie-talkie"),  # walkie-talky
    ("patisseries", "patisserie"),
    ("charcuteries", "charcuterie"),
    ("annexes", "annex"),  # annexe
    ("burritos", "burrito"),
    ("thermoses", "thermos"),
    ("vertices", "vertex"),
    ("radii", "radius"),
    ("passers-by", "passer-by"),
    ("Smoothies", "Smoothie"),
    ("fruit smoothies", "fruit smoothie"),
]

# words inflect already got right: they stay as they were
UNCHANGED_PLURALS = [
    ("apple", "apples"), ("potato", "potatoes"), ("tomato", "tomatoes"), ("hero", "heroes"),
    ("echo", "echoes"), ("veto", "vetoes"), ("mango", "mangoes"), ("mosquito", "mosquitoes"),
    ("piano", "pianos"), ("photo", "photos"), ("taco", "tacos"), ("avocado", "avocados"),
    ("zoo", "zoos"), ("kilo", "kilos"), ("video", "videos"), ("radio", "radios"),
    ("box", "boxes"), ("quiz", "quizzes"), ("leaf", "leaves"), ("scarf", "scarves"),
    ("roof", "roofs"), ("child", "children"), ("foot", "feet"), ("sheep", "sheep"),
    ("candy", "candies"), ("smoothie", "smoothies"), ("tie", "ties"), ("die", "dice"),
    ("bus", "buses"), ("octopus", "octopuses"), ("cup of tea", "cups of tea"),
    ("mother-in-law", "mothers-in-law"), ("school bus", "school buses"),
]  # fmt: skip

# (verb as written, (base, third person singular)); inflect's base in the comment
VERBS = [
    ("ties", ("tie", "ties")),  # ty
    ("lies", ("lie", "lies")),  # ly
    ("dies", ("die", "dies")),  # dy
    ("vies", ("vie", "vies")),
    ("unties", ("untie", "unties")),
    ("belies", ("belie", "belies")),
    ("ties up", ("tie up", "ties up")),
    ("echoes", ("echo", "echoes")),  # echoe
    ("vetoes", ("veto", "vetoes")),
    ("focuses", ("focus", "focuses")),  # focuse
    ("biases", ("bias", "biases")),
    ("taxis", ("taxi", "taxis")),  # taxis, "taxises"
    ("whizzes", ("whiz", "whizzes")),
    ("quiz", ("quiz", "quizzes")),  # quizes
    ("photo", ("photo", "photos")),  # photoes
    ("video", ("video", "videos")),
    ("radio", ("radio", "radios")),
    ("boo", ("boo", "boos")),
    ("shampoo", ("shampoo", "shampoos")),
    ("tango", ("tango", "tangos")),
    ("doesn't", ("don't", "doesn't")),  # "don'ts"
    ("isn't", ("aren't", "isn't")),
    ("hasn't", ("haven't", "hasn't")),
    ("wasn't", ("weren't", "wasn't")),
    ("can", ("can", "can")),  # cans
    ("can't", ("can't", "can't")),
    ("will", ("will", "will")),
    ("must", ("must", "must")),
    # already right, unchanged
    ("dyes", ("dye", "dyes")),
    ("dye", ("dye", "dyes")),
    ("tie", ("tie", "ties")),
    ("goes", ("go", "goes")),
    ("go", ("go", "goes")),
    ("does", ("do", "does")),
    ("do", ("do", "does")),
    ("undergoes", ("undergo", "undergoes")),
    ("has", ("have", "has")),
    ("have", ("have", "has")),
    ("is", ("are", "is")),
    ("was", ("were", "was")),
    ("buys", ("buy", "buys")),
    ("pays", ("pay", "pays")),
    ("plays", ("play", "plays")),
    ("carries", ("carry", "carries")),
    ("carry", ("carry", "carries")),
    ("fixes", ("fix", "fixes")),
    ("fix", ("fix", "fixes")),
    ("echo", ("echo", "echoes")),
    ("veto", ("veto", "vetoes")),
    ("torpedo", ("torpedo", "torpedoes")),
    ("zero", ("zero", "zeroes")),
    ("lasso", ("lasso", "lassoes")),
    ("halves", ("halve", "halves")),
    ("picks up", ("pick up", "picks up")),
    ("manages to save", ("manage to save", "manages to save")),
]

ARTICLES = [
    # fixed: inflect wrote "a 8", "a SUV", "an URL"
    ("8", "an"), ("8th", "an"), ("80", "an"), ("88", "an"), ("800", "an"), ("8,000", "an"),
    ("8-inch", "an"), ("800-page", "an"), ("8.5", "an"), ("8%", "an"), ("$8", "an"),
    ("11", "an"), ("11th", "an"), ("11,000", "an"), ("18", "an"), ("18th", "an"),
    ("18000", "an"),
    ("SUV", "an"), ("SOS", "an"), ("HIV", "an"), ("MA", "an"), ("MIT", "an"), ("NYU", "an"),
    ("LED", "an"), ("HOV", "an"),
    ("URL", "a"), ("UX", "a"), ("UI", "a"),
    # already right, unchanged
    ("1", "a"), ("2", "a"), ("110", "a"), ("1,100", "a"), ("1,800", "a"), ("180", "a"),
    ("$1", "a"), ("0.5", "a"),
    ("hour", "an"), ("honest", "an"), ("heir", "an"), ("unicorn", "a"), ("university", "a"),
    ("one-time", "a"), ("one", "a"), ("MP3", "an"), ("FBI", "an"), ("European", "a"),
    ("euro", "a"), ("UFO", "a"), ("USB", "a"), ("UN", "a"), ("U-turn", "a"), ("umbrella", "an"),
    ("uncle", "an"), ("apple", "an"), ("egg", "an"), ("x-ray", "an"), ("yacht", "a"),
    ("NASA", "a"), ("hotel", "a"), ("ewe", "a"), ("once-a-week", "a"),
]  # fmt: skip


@pytest.mark.parametrize(("one", "many"), FIXED_PLURALS + UNCHANGED_PLURALS)
def test_plural_and_back(one: str, many: str) -> None:
    assert plural(one) == many
    assert singular(many) == one
    assert is_plural(many)
    assert is_singular(one)
    assert is_singular(many) == (one == many)


@pytest.mark.parametrize("word", S_SINGULARS)
def test_a_singular_ending_in_s_is_singular(word: str) -> None:
    assert singular(word) == word
    assert is_singular(word)
    assert singular(plural(word)) == AMBIGUOUS.get(word, word)


@pytest.mark.parametrize(("many", "one"), FIXED_SINGULARS)
def test_singular(many: str, one: str) -> None:
    assert singular(many) == one
    assert not is_singular(many)


def test_every_table_entry_round_trips() -> None:
    for one, many in english._PLURALS.items():
        assert plural(one) == many and singular(many) == one, one
    for many, one in english._SINGULARS.items():
        assert singular(many) == one and plural(one) == many, many
    for one in english._S_SINGULARS:
        assert is_singular(one) and singular(plural(one)) == AMBIGUOUS.get(one, one), one


@pytest.mark.parametrize(("text", "forms"), VERBS)
def test_verb_forms(text: str, forms: tuple[str, str]) -> None:
    assert verb_forms(text) == forms
    base, third = forms
    assert verb_forms(base) == forms
    assert verb_forms(third) == forms


@pytest.mark.parametrize(("word", "expected"), ARTICLES)
def test_article(word: str, expected: str) -> None:
    assert article(word) == expected


def _bundled_lexicon_words() -> set[str]:
    words: set[str] = set()
    for path in bundled_families().values():
        for spec in _load_actions(path).lexicons.values():
            words.update(load_lexicon(spec))
    return words


def test_every_bundled_lexicon_noun_round_trips() -> None:
    """Every singular word of a bundled lexicon: its plural reads back as the word.

    Lexicons of plural words ("apples", "cups of flour") and of verb phrases written
    as they are ("clean the garage") are for ``word`` slots and are left out."""
    nouns = {
        w
        for w in _bundled_lexicon_words()
        if is_singular(w) and not {"a", "an", "the"} & set(w.lower().split())
    }
    assert len(nouns) > 300
    wrong = {w: (plural(w), singular(plural(w))) for w in nouns if singular(plural(w)) != w}
    assert wrong == {}
    assert all(is_plural(plural(w)) for w in nouns)


def test_a_family_fills_fixed_words_from_a_users_lexicon() -> None:
    """decimal_shopping with a user's lexicon of words inflect got wrong: "burritos"
    and "nachos" were "burritoes" and "nachoes", and "a cactus" failed the check
    ("'cactus' does not agree with the count 1")."""
    words = ["cactus", "atlas", "canvas", "burrito", "nacho", "peso"]
    fam = Family(load_family("decimal_shopping").path, lexicons={"thing": words})
    texts = []
    for level in (1, 2, 3):
        for i in range(8):
            record = fam.item(i, seed=2, level=level)
            assert fam.check(record) == []
            texts.append(str(record["question"]))
    text = " ".join(texts)
    assert not re.search(r"\b(burrit|nach|pes)oes\b", text)
    assert "burritos" in text or "nachos" in text or "pesos" in text
    assert any(f"a {w} " in text or f"an {w} " in text for w in ("cactus", "atlas", "canvas"))


def test_an_article_before_its_noun_agrees_bound_the_documented_way(tmp_path: Path) -> None:
    """``self.article`` comes before its noun (the slot names its lexicon), for a role
    of its own and for a second role drawing on the same lexicon: no ``_bind``."""
    (tmp_path / "arts.lark").write_text(
        'start: PERSON "has" NUM "pens" "." "Then" PERSON "buys" ART ITEM "and" ART_TWO '
        'ITEM_TWO "." "How many things does" PERSON "have" "?"\n'
        'PERSON: /[A-Z][a-z]+/\nNUM: /[1-9][0-9]*/\nART: "a" | "an"\nART_TWO: "a" | "an"\n'
        'ITEM: /[a-z]+/\nITEM_TWO: /[a-z]+/\n%ignore " "\n'
    )
    (tmp_path / "arts.py").write_text(
        "from gramgen.semantics import Story\n"
        "class Arts(Story):\n"
        "    levels = 1\n"
        "    lexicons = {'thing': ('apple', 'pear', 'umbrella', 'kite', 'egg', 'unicorn')}\n"
        "    def ART(self, tok): return self.article(tok, 'thing')\n"
        "    def ART_TWO(self, tok): return self.article(tok, 'thing2', lexicon='thing')\n"
        "    def ITEM(self, tok): return self.noun(tok, 'thing', 1)\n"
        "    def ITEM_TWO(self, tok): return self.noun(tok, 'thing2', 1, lexicon='thing')\n"
        "    def start(self, c):\n"
        "        (tok,) = self.tokens(c)\n"
        "        n = self.number(tok, 2, 9, name='pens')\n"
        "        total = self.let('total', n + 2)\n"
        "        self.step('{pens} + 2 = {total}')\n"
        "        return total\n"
    )
    fam = Family(tmp_path / "arts.lark")
    for i in range(12):
        record = fam.item(i, seed=3, verify="full")
        question = str(record["question"])
        pairs = re.findall(r"\b(an?) ([a-z]+)\b", question)
        assert len(pairs) == 2 and pairs[0][1] != pairs[1][1], question
        for art, noun in pairs:
            assert art == ("an" if noun in ("apple", "umbrella", "egg") else "a"), question
        assert fam.check(record) == []
