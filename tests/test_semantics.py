"""Semantic actions: numbers chosen by the solver, bindings, agreement, independent checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gramgen import SemanticError
from gramgen.grammar import bundled_grammars
from gramgen.semantics import Family

COMBINE = Path(__file__).parent.parent / "grammars" / "combine.lark"


@pytest.fixture(scope="module")
def family() -> Family:
    return Family(COMBINE, parser="lalr")


@pytest.fixture(scope="module")
def records(family: Family) -> list[dict[str, object]]:
    return list(family.generate(150, seed=3))


def test_every_problem_is_verified_and_its_answer_is_the_total(
    family: Family, records: list[dict[str, object]]
) -> None:
    for r in records:
        q = str(r["question"])
        numbers = [int(x) for x in re.findall(r"\d+", q)]
        assert len(numbers) == 2
        assert int(str(r["answer"])) == sum(numbers)
        assert family.check(r) is None
        assert r["steps"] == [f"{numbers[0]} + {numbers[1]} = {sum(numbers)}"]


def test_one_person_throughout_and_pronouns_and_verbs_agree(
    records: list[dict[str, object]],
) -> None:
    from gramgen.semantics import PEOPLE

    gender = dict(PEOPLE)
    for r in records:
        q = str(r["question"])
        names = [n for n in re.findall(r"\b[A-Z][a-z]+\b", q) if n in gender]
        assert len(set(names)) == 1, q
        g = gender[names[0]]
        pronouns = {w.lower() for w in re.findall(r"\b(?:[Hh]e|[Ss]he|[Tt]hey|him|her|them)\b", q)}
        allowed = {"he": {"he", "him"}, "she": {"she", "her"}, "they": {"they", "them"}}[g]
        assert pronouns <= allowed, q
        assert not re.search(r"\b(?:he|she) (?:buy|find|get|win)\b", q, re.I), q
        assert not re.search(r"\bthey (?:buys|finds|gets|wins)\b", q, re.I), q
        assert not re.search(r"\bThen [A-Z]", q.replace("Then " + names[0], "")), q


def test_plurals_agree_and_sentences_are_written_as_prose(
    records: list[dict[str, object]],
) -> None:
    for r in records:
        q = str(r["question"])
        assert not re.search(r" [.,?]", q), q
        assert re.search(r"\d+ (?:apples|marbles|stickers|pencils|books|shells|cards|boxes)\b", q)


def test_corrupted_answers_and_numbers_are_caught(
    family: Family, records: list[dict[str, object]]
) -> None:
    r = dict(records[0])
    r["answer"] = str(int(str(r["answer"])) + 1)
    assert "the record says" in str(family.check(r))
    r = dict(records[0])
    first = re.search(r"\d+", str(r["question"]))
    assert first is not None
    r["question"] = str(r["question"]).replace(first.group(0), str(int(first.group(0)) + 2), 1)
    assert family.check(r) is not None
    r["question"] = "Nonsense that is not a problem."
    assert "does not parse" in str(family.check(r))


def test_same_seed_same_problems(family: Family) -> None:
    a = [r["question"] for r in family.generate(20, seed=9)]
    b = [r["question"] for r in Family(COMBINE, parser="lalr").generate(20, seed=9)]
    assert a == b


def test_an_action_that_raises_is_reported_with_its_rule(tmp_path: Path) -> None:
    (tmp_path / "bad.lark").write_text('start: NUM "apples"\nNUM: /[1-9]/\n%ignore " "\n')
    (tmp_path / "bad.py").write_text(
        "from gramgen.semantics import Semantics\n"
        "class Bad(Semantics):\n"
        "    def start(self, c):\n"
        "        raise ValueError('no meaning')\n"
    )
    fam = Family(tmp_path / "bad.lark", parser="lalr")
    with pytest.raises(SemanticError, match="action for 'start' raised ValueError: no meaning"):
        next(iter(fam.generate(1)))


def test_a_family_needs_its_actions(tmp_path: Path) -> None:
    from gramgen import InvalidArgument

    (tmp_path / "lonely.lark").write_text('start: "a"\n')
    with pytest.raises(InvalidArgument, match="no semantic actions beside"):
        Family(tmp_path / "lonely.lark")


def test_the_family_is_bundled() -> None:
    assert "combine" in bundled_grammars()
