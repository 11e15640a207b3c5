"""Semantic actions: bindings and agreement, equations, number styles, lexicons, errors."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gramgen import SemanticError
from gramgen.errors import GrammarError, InvalidArgument
from gramgen.family import Family, Rejected, load_family
from gramgen.semantics import PEOPLE, format_number, load_lexicon, parse_number


@pytest.fixture(scope="module")
def join() -> Family:
    return load_family("change_join")


@pytest.fixture(scope="module")
def records(join: Family) -> list[dict[str, object]]:
    return [join.item(i, seed=5, level=1 + i % 3) for i in range(90)]


def test_answers_are_the_sum_of_the_numbers_stated(records: list[dict[str, object]]) -> None:
    for r in records:
        numbers = [int(x) for x in re.findall(r"\d+", str(r["question"]))]
        stated = numbers if r["difficulty"] != 3 else None
        if stated is not None:
            assert int(str(r["answer"])) == sum(stated), r["question"]
        assert str(r["steps"][0]).endswith(f"= {r['answer']}")  # type: ignore[index]


def test_one_person_throughout_and_pronouns_and_verbs_agree(
    records: list[dict[str, object]],
) -> None:
    gender = dict(PEOPLE)
    for r in records:
        q = str(r["question"])
        names = [n for n in re.findall(r"\b[A-Z][a-z]+\b", q) if n in gender]
        assert len(set(names)) in ({1, 2} if r["difficulty"] == 3 else {1}), q
        g = gender[names[0]]
        if r["difficulty"] != 3:  # level 3 mentions a second person
            pronouns = {w.lower() for w in re.findall(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|him|them)\b", q)}
            allowed = {"he": {"he", "him"}, "she": {"she"}, "they": {"they", "them"}}[g]
            assert pronouns <= allowed, q
        assert not re.search(r"\b(?:he|she) (?:buy|find|get|win|pick up)\b", q, re.I), q
        assert not re.search(r"\bthey (?:buys|finds|gets|wins|picks up)\b", q, re.I), q


def test_plurals_follow_the_count_and_prose_is_spaced(records: list[dict[str, object]]) -> None:
    for r in records:
        q = str(r["question"])
        assert not re.search(r" [.,?:]", q), q
        assert str(r["answer_text"]).split()[0] == r["answer"]


def _family_at(tmp: Path, name: str, grammar: str, body: str) -> Family:
    tmp.mkdir(exist_ok=True)
    path = tmp / f"{name}.lark"
    path.write_text(grammar)
    path.with_suffix(".py").write_text(
        "from gramgen.semantics import Semantics\n"
        f"class Actions(Semantics):\n    levels = 1\n{body}"
    )
    return Family(path)


def test_a_noun_is_singular_exactly_when_its_count_is_one(tmp_path: Path) -> None:
    fam = _family_at(
        tmp_path,
        "count",
        'start: PERSON "has" NUM ITEM "." "How many" ITEM "does" PERSON "have" "?"\n'
        'PERSON: /[A-Z][a-z]+/\nNUM: /[1-9][0-9]*/\nITEM: /[a-z]+/\n%ignore " "\n',
        "    lexicons = {'thing': ('box', 'child', 'mouse', 'apple')}\n"
        "    def PERSON(self, tok): return self.person(tok)\n"
        "    def start(self, c):\n"
        "        _, num, item, item2, _ = c\n"
        "        n = self.number(num, 1, 3, name='n')\n"
        "        self.noun(item, 'thing', n)\n"
        "        self.noun(item2, 'thing')\n"
        "        self.step('{a} has {n} = {n}')\n"
        "        return n\n",
    )
    seen = set()
    for i in range(60):
        r = fam.item(i, seed=1)
        q = str(r["question"])
        m = re.match(r"\w+ has (\d) (\w+)\.", q)
        assert m, q
        n, noun = int(m.group(1)), m.group(2)
        assert (noun in {"box", "child", "mouse", "apple"}) == (n == 1), q
        seen.add(noun)
        assert fam.check(r) == []
    assert {"children", "mice", "boxes"} & seen


def test_an_equation_family_solves_for_the_unknown(tmp_path: Path) -> None:
    fam = _family_at(
        tmp_path,
        "think",
        'start: intro ops outcome question\nintro: PERSON "thinks of a number" "."\n'
        'ops: PRONOUN op ("and then" op)* "."\n'
        'op: "multiplies it by" NUM -> mul\n  | "adds" NUM -> add\n'
        'outcome: "The result is" NUM "."\nquestion: "What is the number" "?"\n'
        'PERSON: /[A-Z][a-z]+/\nPRONOUN: "He" | "She" | "They"\nNUM: /[1-9][0-9]*/\n'
        '%ignore " "\n',
        "    def PERSON(self, tok): return self.person(tok)\n"
        "    def PRONOUN(self, tok): return self.pronoun(tok)\n"
        "    def mul(self, c): return ('mul', self.number(c[0], 2, 5))\n"
        "    def add(self, c): return ('add', self.number(c[0], 1, 20))\n"
        "    def ops(self, c): return c[1:]\n"
        "    def start(self, c):\n"
        "        _, ops, outcome, _ = c\n"
        "        x = self.unknown('x', 1, 30)\n"
        "        e = x\n"
        "        for kind, n in ops:\n"
        "            e = e * n if kind == 'mul' else e + n\n"
        "        self.result(outcome.children[0], e, name='total')\n"
        "        self.step('Undo each step from {total} to get {x}.')\n"
        "        return x\n",
    )
    for i in range(20):
        r = fam.item(i, seed=2)
        nums = [int(x) for x in re.findall(r"\d+", str(r["question"]))]
        ops = re.findall(r"(multiplies it by|adds) (\d+)", str(r["question"]))
        x = int(str(r["answer"]))
        for op, n in ops:
            x = x * int(n) if op.startswith("mult") else x + int(n)
        assert x == nums[-1], r["question"]
        assert "solve(" in str(r["trace"]) and fam.check(r) == []
        assert fam.check(dict(r, answer=str(int(str(r["answer"])) + 1))) != []
    vague = fam.item(0, seed=9, unsolvable=True)
    assert "some" in str(vague["question"]) or "a certain number" in str(vague["question"])
    assert fam.check(vague) == []


def test_floor_sums_get_vague_variants_from_an_example(tmp_path: Path) -> None:
    # sympy.solve takes seconds to minutes over sums of floors (more terms, longer):
    # such models find the numbers a vague variant may leave out by an example instead
    fam = _family_at(
        tmp_path,
        "stickers",
        'start: "There are" NUM "seats" "." "Seats numbered with a multiple of" NUM "get a red"'
        ' "sticker" "," "and multiples of" NUM "a blue one" "." "How many seats get a sticker"'
        ' "?"\nNUM: /[1-9][0-9]*/\n%ignore " "\n',
        "    answer_domain = 'nonnegative'\n"
        "    def start(self, c):\n"
        "        import sympy\n"
        "        n = self.number(c[0], 40, 200, name='n')\n"
        "        a = self.number(c[1], 2, 5, name='a')\n"
        "        b = self.number(c[2], 7, 11, name='b')\n"
        "        both = self.let('both', sympy.floor(n / (a * b)))\n"
        "        self.step('{n} / {a} and {n} / {b} rounded down, less {both}: {answer}')\n"
        "        return sympy.floor(n / a) + sympy.floor(n / b) - both\n",
    )
    left_out = set()
    for i in range(12):
        r = fam.item(i, seed=4, unsolvable=True)
        assert r["solvable"] is False and r["answer_type"] == "none"
        assert fam.check(r) == []
        stated = len(re.findall(r"\d+", str(r["question"])))
        assert stated == 2, r["question"]  # one of the three numbers left out
        q = str(r["question"])
        left_out.add(next(w for w in ("are", "multiple of", "multiples of")
                          if not re.search(w + r" \d", q)))  # fmt: skip
    assert len(left_out) == 3  # each of them decides the answer
    solvable = fam.item(0, seed=4)
    assert solvable["solvable"] is True and fam.check(solvable) == []


def test_a_vague_fraction_is_checked_with_the_numbers_its_slot_takes(tmp_path: Path) -> None:
    # the check of a vague variant writes numbers in the phrase's place until two give
    # different answers: of the quarters only 1/2 makes 6 x f whole, and a whole number
    # does not lex where a fraction goes; 3/2 (a multiple of the step) does
    fam = _family_at(
        tmp_path,
        "pie",
        'start: "A baker has" NUM "pies and sells" FRAC "of them" "."'
        ' "How many pies are sold" "?"\nNUM: /[1-9][0-9]*/\nFRAC: /[1-9]\\/[1-9]/\n'
        '%ignore " "\n',
        "    def start(self, c):\n"
        "        n = self.number(c[0], 6, 6, name='n', vague=None)\n"
        "        quarter = __import__('fractions').Fraction(1, 4)\n"
        "        f = self.number(c[1], quarter, 3 * quarter, name='f', step=quarter,"
        " style='fraction')\n"
        "        self.step('{f} of {n} is {answer}')\n"
        "        return f * n\n",
    )
    made = 0
    for i in range(30):
        r = fam.item(i, seed=6, unsolvable=True)
        if "/" not in str(r["question"]):  # the fraction left vague
            assert fam.check(r) == [], r["question"]
            made += 1
    assert made


def test_money_answers_are_exact_and_written_as_money(tmp_path: Path) -> None:
    fam = _family_at(
        tmp_path,
        "shop",
        'start: PERSON "buys" NUM ITEM "at" MONEY "each" "." "How much is that" "?"\n'
        "PERSON: /[A-Z][a-z]+/\nNUM: /[1-9][0-9]*/\nMONEY: /\\$[0-9]+(\\.[0-9][0-9])?/\n"
        'ITEM: /[a-z]+/\n%ignore " "\n',
        "    answer_style = 'money'\n    answer_domain = 'rational'\n"
        "    lexicons = {'thing': ('pen', 'notebook')}\n"
        "    def PERSON(self, tok): return self.person(tok)\n"
        "    def start(self, c):\n"
        "        _, num, item, price, = c\n"
        "        n = self.number(num, 2, 9, name='count')\n"
        "        self.noun(item, 'thing', n)\n"
        "        p = self.number(price, 1, 5, step=Fraction(1, 4), name='price', style='money')\n"
        "        cost = self.let('cost', n * p, domain='rational')\n"
        "        self.step('{count} x {price} = {cost}')\n"
        "        return cost\n",
    )
    text = fam.path.with_suffix(".py").read_text()
    fam.path.with_suffix(".py").write_text("from fractions import Fraction\n" + text)
    fam = Family(fam.path)
    for i in range(20):
        r = fam.item(i, seed=3)
        m = re.search(r"buys (\d+) \w+ at \$(\d+(?:\.\d\d)?) each", str(r["question"]))
        assert m, r["question"]
        expected = int(m.group(1)) * Fraction(m.group(2))
        assert Fraction(str(r["answer"])) == expected
        assert str(r["answer_text"]) == format_number(expected, "money")
        assert fam.check(r) == []


def test_lexicons_from_data_files(tmp_path: Path, join: Family) -> None:
    csv = tmp_path / "items.csv"
    csv.write_text("name,colour\nkite,red\ndrum,blue\nkite,green\n")
    assert load_lexicon(f"{csv}:name") == ("kite", "drum")
    jl = tmp_path / "items.jsonl"
    jl.write_text(json.dumps({"w": "drum"}) + "\n" + json.dumps({"w": "flute"}) + "\n")
    assert load_lexicon(f"{jl}:w") == ("drum", "flute")
    with pytest.raises(InvalidArgument, match="name a column"):
        load_lexicon(f"{csv}:size")
    with pytest.raises(InvalidArgument, match="does not exist"):
        load_lexicon(tmp_path / "missing.csv")
    with pytest.raises(InvalidArgument, match="is a directory, not a file"):
        load_lexicon(tmp_path)
    fam = Family(join.path, lexicons={"thing": f"{csv}:name"})
    qs = [str(fam.item(i, seed=1)["question"]) for i in range(10)]
    assert all("kite" in q or "drum" in q for q in qs)
    bad = Family(join.path, lexicons={"thing": ["yo-yo"]})  # not an ITEM token
    with pytest.raises(SemanticError, match=r"'yo-yos?' does not match terminal ITEM"):
        bad.item(0, seed=1)


def test_errors_in_actions_name_the_rule_and_the_derivation(tmp_path: Path) -> None:
    (tmp_path / "bad.lark").write_text('start: "x" NUM\nNUM: /[0-9]/\n%ignore " "\n')
    (tmp_path / "bad.py").write_text(
        "from gramgen.semantics import Semantics\n"
        "class Bad(Semantics):\n"
        "    def start(self, c):\n"
        "        return 1 / 0\n"
    )
    with pytest.raises(SemanticError, match=r"action for 'start' raised ZeroDivisionError.*'x"):
        Family(tmp_path / "bad.lark").item(0)
    (tmp_path / "lonely.lark").write_text('start: "x"\n')
    with pytest.raises(InvalidArgument, match="no semantic actions beside"):
        Family(tmp_path / "lonely.lark")
    (tmp_path / "clash.lark").write_text('start: result\nresult: "x"\n')
    (tmp_path / "clash.py").write_text(
        "from gramgen.semantics import Semantics\nclass C(Semantics):\n    pass\n"
    )
    with pytest.raises(GrammarError, match="'result' has the name of the Semantics") as err:
        Family(tmp_path / "clash.lark")
    assert err.value.line == 2
    (tmp_path / "clash.lark").write_text('start: model\nmodel: "x"\n')
    with pytest.raises(GrammarError, match="'model' has the name of the Semantics") as err:
        Family(tmp_path / "clash.lark")
    assert err.value.line == 2


@pytest.mark.parametrize("name", ["level", "model", "_unnamed", "_taken"])
def test_actions_that_reuse_the_names_the_base_class_keeps_state_in_are_refused(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / "own.lark").write_text('start: "x" NUM\nNUM: /[0-9]/\n')
    (tmp_path / "own.py").write_text(
        "from gramgen.semantics import Semantics\n"
        "class Own(Semantics):\n"
        f"    def {name}(self, c):\n"
        "        return 1\n"
        "    def start(self, c):\n"
        "        return 1\n"
    )
    with pytest.raises(SemanticError, match=rf"own\.py: .*Own defines '{name}'.*rename it"):
        Family(tmp_path / "own.lark")


@given(
    st.fractions(min_value=0, max_value=10**6).filter(lambda f: f.denominator in (1, 2, 4, 5)),
    st.sampled_from(["decimal", "money", "cents", "fraction", "mixed", "percent"]),
)
def test_numbers_read_back_as_written(value: Fraction, style: str) -> None:
    assert parse_number(format_number(value, style)) == value


@given(
    st.integers(0, 10**7),
    st.sampled_from(["int", "comma", "decimal", "money", "cents", "fraction", "mixed", "percent"]),
)
def test_whole_numbers_read_back_as_written_int_or_fraction(n: int, style: str) -> None:
    """A whole number (an int, or a Fraction such as a draw or a solve gives) is written
    alike either way, and reads back."""
    written = format_number(n, style)
    assert format_number(Fraction(n), style) == written
    assert parse_number(written) == n


def test_whole_styles_refuse_fractions_and_words_read_back() -> None:
    with pytest.raises(InvalidArgument, match="not whole"):
        format_number(Fraction(1, 2), "int")
    assert format_number(1250, "comma") == "1,250"
    assert parse_number(format_number(42, "words")) == 42


def test_money_groups_thousands_with_or_without_cents() -> None:
    from gramgen.solvers import grade

    assert format_number(Fraction(8785, 2), "money") == "$4,392.50"  # was "$4392.50"
    assert format_number(1540, "money") == "$1,540"
    assert format_number(1540, "cents") == "$1,540.00"
    assert format_number(Fraction(1234567891, 100), "cents") == "$12,345,678.91"
    assert format_number(Fraction(5, 2), "money") == "$2.50"
    assert parse_number("$4,392.50") == Fraction(8785, 2)
    for text in ("$4,392.50", "4392.50", "$4392.5", "The answer is $4,392.50."):
        assert grade(text, Fraction(8785, 2)).ok, text


def _vague_in(text: str, style: str = "int", vague: str | None = "") -> str | None:
    """The vague phrase for the number marked [N] in ``text`` (split into tokens)."""
    from gramgen.family import _vague
    from gramgen.semantics import Slot

    tokens = re.findall(r"\[N\]|\$?[\w'/-]+|[^\w\s]", text)
    at = tokens.index("[N]")
    return _vague(Slot(at, "number", style=style, vague=vague), tokens)


@pytest.mark.parametrize(
    ("text", "style", "phrase"),
    [
        ("Ben finds [N] apples .", "int", "some"),
        ("[N] of the pupils walk to school .", "fraction", "A certain fraction"),
        ("Ben has 5 apples . [N] of them are red .", "int", "Some"),
        ("Yusuf is [N] times the age of Maya .", "int", "a certain number of"),
        ("Wen and Quinn are [N] years apart .", "int", "a certain number of"),
        ("Grace has [N] fewer coins than Noah .", "int", "a few"),
        ("Kira would need [N] more badges .", "int", "some"),
        ("When another [N] years have passed , they are 40 .", "int", "few"),
        ("How many seats are in the first [N] rows ?", "int", "few"),
        ("There is a post every [N] meters .", "int", "few"),
        ("Every basket can take exactly [N] muffins .", "int", "a certain number of"),
        ("At [N] km/h , Yusuf drives 125 km .", "int", "a certain number of"),
        ("Only full baskets of [N] can be sold .", "int", "a certain size"),
        ("The cards are numbered [N] through 140 .", "int", "a certain number"),
        ("She wants each of her [N] friends to get one .", "int", None),
        ("Her grandfather sends her [N] marbles .", "int", "some"),
        ("A pack of [N] mugs costs $5 .", "int", "a certain number of"),
        ("The play begins at [N] o'clock .", "int", None),
        ("Just [N] years ago , they were 30 .", "int", "a few"),
        ("The stalls stand in 5 rows , [N] to a row .", "int", "a certain number"),
        ("The stalls stand in 5 rows of [N] .", "int", "a certain size"),
        ("Grace scored 28 , [N] and 26 points .", "int", "a certain number of points"),
        ("Each one is worth either [N] or 25 cents .", "int", "a certain number of cents"),
        ("The number goes up by [N] with every row .", "int", "a certain number"),
        ("How many chairs are in row [N] ?", "int", None),
        ("How many chairs will row [N] have ?", "int", None),
        ("Each of the [N] rows has 9 seats .", "int", None),
        ("He pays [N] for a puzzle .", "money", "a certain amount"),
        ("She buys 2 folders at [N] each .", "money", "a certain price"),
        ("She buys a lamp priced at [N] .", "money", "a certain amount"),
        ("He saves [N] more than the week before .", "money", "a certain amount"),
        ("A joining fee of [N] plus $5 per visit .", "money", "a certain amount"),
        ("A booking charge of [N] is also added .", "money", "a certain amount"),
        ("Sam saves [N] bills and $50 bills .", "money", None),
        ("The store gives [N] off .", "percent", "some percent"),
        ("The shelf holds a weak [N] mixture .", "percent", None),
    ],
)
def test_a_vague_number_is_worded_to_fit_its_words(text: str, style: str, phrase: str) -> None:
    """Before: "Yusuf is some times the age of Maya", "He pays some for a puzzle",
    "When another some years have passed", "some to a row", "row a certain number"."""
    assert _vague_in(text, style) == phrase


def test_a_number_with_a_singular_noun_is_not_left_vague() -> None:
    from gramgen.family import _vague
    from gramgen.semantics import Slot

    # "17 feet and 1 inch": "a certain number of inch" would be wrong
    assert _vague(Slot(3, "number"), ["17", "feet", "and", "1", "inch", "."]) is None
    assert _vague(Slot(3, "number"), ["17", "feet", "and", "4", "inches", "."]) is not None


def test_a_family_can_word_a_vague_number_itself() -> None:
    assert _vague_in("This year Olga is [N] .", vague="a certain age") == "a certain age"
    assert _vague_in("Olga is [N] .", vague=None) is None
    assert _vague_in("This year Olga is [N] .") == "a certain number"


def test_phrasings_the_actions_see_alike_share_one_model(join: Family) -> None:
    for i in range(300):
        join.item(i, seed=11, level=1, verify="full")  # each checked: parsed back, re-run
    lv = join._level(1)
    # 8 setups x 8 gains x 8 questions, most differing only in literals the actions
    # never see: one model (one run of the actions) serves several phrasings
    assert len(lv.views) * 2 < len(lv.entries)


def test_actions_that_read_a_terminals_text_are_caught(tmp_path: Path) -> None:
    (tmp_path / "moody.lark").write_text(
        'start: PERSON "has" NUM "pens" "." PERSON CHANGE NUM "." "How many now" "?"\n'
        'CHANGE: "gains" | "loses"\nPERSON: /[A-Z][a-z]+/\nNUM: /[1-9][0-9]*/\n%ignore " "\n'
    )
    (tmp_path / "moody.py").write_text(
        "from gramgen.semantics import Story\n"
        "class Moody(Story):\n"
        "    levels = 1\n"
        "    def CHANGE(self, tok):\n"
        "        return -1 if tok == 'loses' else 1\n"  # the text: not allowed
        "    def start(self, c):\n"
        "        a, b = self.tokens(c)\n"
        "        x, y = self.number(a, 10, 20), self.number(b, 1, 9)\n"
        "        self.step('{n0} + {n1} = {answer}')\n"
        "        return x + c[3] * y\n"
    )
    fam = Family(tmp_path / "moody.lark")
    reasons = []
    for i in range(40):
        try:
            fam.item(i, seed=1, verify="full")
        except Rejected as err:
            reasons.append(str(err))
    assert any("must not depend on a terminal's text" in r for r in reasons), reasons


def test_possessives_are_written_onto_the_name(tmp_path: Path) -> None:
    (tmp_path / "bags.lark").write_text(
        'start: PERSON "\'s" "bag holds" NUM "pens" "." "How many pens are in" POSS "bag" "?"\n'
        'PERSON: /[A-Z][a-z]+/\nNUM: /[1-9][0-9]*/\nPOSS: "his" | "her" | "their"\n%ignore " "\n'
    )
    (tmp_path / "bags.py").write_text(
        "from gramgen.semantics import Story\n"
        "class Bags(Story):\n"
        "    levels = 1\n"
        "    def start(self, c):\n"
        "        (tok,) = self.tokens(c)\n"
        "        n = self.number(tok, 2, 9, name='pens')\n"
        "        self.step('{a} has {pens} pens.')\n"
        "        return n\n"
    )
    fam = Family(tmp_path / "bags.lark")
    for i in range(20):
        rec = fam.item(i, seed=2, verify="full")
        assert re.match(r"[A-Z][a-z]+'s bag holds \d+ pens\. ", str(rec["question"])), rec


def test_an_answer_unit_role_that_is_never_bound_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "unit.lark").write_text(
        'start: "Ann has" NUM "." "How many" "?"\nNUM: /[1-9][0-9]*/\n%ignore " "\n'
    )
    (tmp_path / "unit.py").write_text(
        "from gramgen.semantics import Semantics\n"
        "class Unit(Semantics):\n"
        "    levels = 1\n"
        "    lexicons = {'thing': ('apple', 'pear')}\n"
        "    answer_unit = 'thing'\n"
        "    def start(self, c):\n"
        "        (tok,) = self.tokens(c)\n"
        "        return self.number(tok, 2, 9)\n"
    )
    with pytest.raises(SemanticError, match="answer_unit 'thing' is a role this problem never"):
        Family(tmp_path / "unit.lark").item(0)


def test_terminals_the_actions_treat_alike_share_a_view() -> None:
    """think_of_number's verbs (MULTIPLY, MAKE, DOUBLE, ...) are terminals of their own
    that the actions all bind as the person's verb: one model serves them all."""
    import random

    from gramgen.derive import RandomChooser
    from gramgen.trees import Views, view

    fam = load_family("think_of_number")
    lv = fam._level(1)
    merged = Views(lv.sampler.grammar, fam._token_keys(lv))
    by_type, alike = set(), set()
    rng = random.Random(3)
    for _ in range(2000):
        d = lv.sampler.derive(RandomChooser(lv.sampler.engine, rng))
        by_type.add(view(lv.sampler, d)[0])
        alike.add(view(lv.sampler, d, merged)[0])
    assert len(alike) * 2 < len(by_type)


def test_step_arithmetic_is_checked_before_a_comma() -> None:
    from gramgen.family import check_steps

    assert check_steps(["So 3 + 4 = 8, which is the total."]) == [
        "step 1: 3 + 4 = 8 is wrong (3 + 4 = 7)"
    ]
    assert check_steps(["2 x 6 = 12, so 1,968 + 2,176 = 4,144.", "$4.50 + $1 = $5.50, then"]) == []


def test_a_quantity_named_like_a_role_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "clash.lark").write_text(
        'start: PERSON "has" NUM "pens" "." "How many" "?"\n'
        'PERSON: /[A-Z][a-z]+/\nNUM: /[1-9][0-9]*/\n%ignore " "\n'
    )
    (tmp_path / "clash.py").write_text(
        "from gramgen.semantics import Story\n"
        "class Clash(Story):\n"
        "    levels = 1\n"
        "    def start(self, c):\n"
        "        (tok,) = self.tokens(c)\n"
        "        n = self.number(tok, 2, 9, name='a')\n"  # 'a' is the person's role
        "        self.step('{a} has {a} pens.')\n"
        "        return n\n"
    )
    with pytest.raises(SemanticError, match=r"\['a'\] name both a quantity and a role"):
        Family(tmp_path / "clash.lark").item(0)


@pytest.mark.parametrize("second", ["number", "unknown", "let", "result"])
def test_a_quantity_name_used_twice_in_one_problem_is_an_error(second):
    from lark import Token

    from gramgen.semantics import Semantics

    s = Semantics()
    tok = Token("NUM", "3", start_pos=0)
    x = s.number(tok, name="x")
    again = {
        "number": lambda: s.number(tok, name="x"),
        "unknown": lambda: s.unknown("x"),
        "let": lambda: s.let("x", x + 1),
        "result": lambda: s.result(tok, x + 1, name="x"),
    }[second]
    with pytest.raises(InvalidArgument, match="quantity name 'x' is used twice"):
        again()
    with pytest.raises(InvalidArgument, match="quantity name 'answer' is used twice"):
        s.let("answer", x)


@pytest.mark.parametrize(
    ("call", "bad"),
    [
        ("self.number(c[0], 30, 5)", "lo=30, hi=5, step=1"),
        ("self.number(c[0], 1, 9, step=0)", "lo=1, hi=9, step=0"),
        ("self.unknown('x', 30, 5)", "lo=30, hi=5, step=1"),
        ("self.unknown('x', 1, 9, step=-1)", "lo=1, hi=9, step=-1"),
    ],
)
def test_a_range_no_number_can_meet_names_the_rule_that_gave_it(
    tmp_path: Path, call: str, bad: str
) -> None:
    fam = _family_at(
        tmp_path,
        "ranges",
        'start: "Take" NUM "."\nNUM: /[1-9][0-9]*/\n%ignore " "\n',
        f"    def start(self, c):\n        return {call}\n",
    )
    with pytest.raises(SemanticError, match=rf"action for 'start' raised .*{bad}.*'Take") as err:
        fam.item(0)
    assert "ranges.lark" in str(err.value)


def test_the_structure_caches_stay_bounded_and_keep_their_newest():
    import gramgen.family as fam_mod

    cache: dict[int, int] = {}
    for k in range(30):
        assert fam_mod._kept(cache, k, k * k, 8) == k * k
        assert len(cache) <= 8
    assert list(cache)[-1] == 29 and 28 in cache  # the oldest went, the newest stayed


def test_a_family_past_its_cache_bounds_makes_the_same_problems(monkeypatch):
    """Paths and views let go when their caches fill are made again as they were:
    a long run's output does not depend on what it still has cached."""
    import gramgen.family as fam_mod

    path = load_family("think_of_number").path

    def run() -> tuple[list[str], Family]:
        fam = Family(path)
        out = []
        for k in range(120):
            try:
                out.append(json.dumps(fam.item(k, seed=3, level=1 + k % 2), sort_keys=True))
            except Rejected as err:
                out.append(str(err))
        return out, fam

    roomy, _ = run()
    monkeypatch.setattr(fam_mod, "_PATHS_KEPT", 12)
    monkeypatch.setattr(fam_mod, "_VIEWS_KEPT", 8)
    tight, fam = run()
    assert tight == roomy
    for level in (1, 2):
        lv = fam._level(level)
        assert 0 < len(lv.entries) <= 12 and 0 < len(lv.views) <= 8
