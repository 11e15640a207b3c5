"""Command-line errors found in QA: each is one line naming what and where, never a traceback."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from gramgen import Grammar, Sampler
from gramgen.cli import main
from gramgen.counting import MEMORY_LIMIT, count, counts


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith("gramgen: error: ")
    return line


# -- weights: rule#N names aliased alternatives too ----------------------------------------


def test_weight_by_index_names_an_aliased_alternative(capsys) -> None:
    code, out, err = run(capsys, "sample", "arith", "--weight", "atom#2=0.5", "-n", "2")
    assert code == 0, err
    assert len(out.splitlines()) == 2
    code, _, err = run(
        capsys, "sample", "arith", "--weight", "atom#2=0.5", "--weight", "atom->neg=2"
    )
    line = one_line_error(code, err)
    assert "'atom#2' and 'atom->neg' name the same alternative" in line


# -- -o: a directory, or under a file ----------------------------------------------------


def test_output_path_that_is_a_directory_or_under_a_file(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "sample", "json", "-n", "1", "-o", str(tmp_path))
    assert one_line_error(code, err).endswith(f"cannot write {str(tmp_path)!r}: it is a directory")
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind
    grammar = tmp_path / "my.lark"
    grammar.write_text('start: "a"\n')
    for target in (grammar / "out.txt", grammar / "sub" / "out.txt"):
        code, _, err = run(capsys, "sample", "json", "-n", "1", "-o", str(target))
        line = one_line_error(code, err)
        assert line.endswith(f"{str(grammar)!r} is not a directory"), line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my.lark"]


# -- --declare: a declared terminal needs a postlexer for the round trip ------------------

DECLARED = 'start: NAME ":" VALUE\n%declare VALUE\nNAME: /[a-z]+/\n%ignore " "\n'
POSTLEX = """\
from lark import Token


class Value:
    always_accept = ("NAME",)

    def process(self, stream):
        for tok in stream:
            if tok.type == "NAME" and tok.value == "foo":
                yield Token.new_borrow_pos("VALUE", tok.value, tok)
            else:
                yield tok
"""


@pytest.mark.parametrize("parser", ["earley", "lalr"])
def test_declared_terminal_without_a_postlexer_is_refused_up_front(
    capsys, tmp_path: Path, parser: str
) -> None:
    g = tmp_path / "decl.lark"
    g.write_text(DECLARED)
    code, out, err = run(capsys, "sample", str(g), "--declare", "VALUE=foo", "--parser", parser)
    line = one_line_error(code, err)
    assert f"{g}:1:17: terminal 'VALUE': " in line
    assert "--postlex" in line and "--no-roundtrip" in line
    assert out == ""
    code, out, err = run(capsys, "sample", str(g), "--declare", "VALUE=foo", "--no-roundtrip")
    assert code == 0 and all(t.endswith(":foo") for t in out.split()), err


def test_declared_terminal_from_the_library_is_a_grammar_error(tmp_path: Path) -> None:
    from gramgen import GrammarError

    g = tmp_path / "decl.lark"
    g.write_text(DECLARED)
    sampler = Sampler(Grammar.from_file(g), declared={"VALUE": ["foo"]})
    with pytest.raises(GrammarError, match="cannot re-parse") as err:
        next(sampler.sample(1))
    assert err.value.rule == "VALUE" and err.value.line == 1


@pytest.mark.parametrize("extra", [[], ["--parser", "earley", "--lexer", "basic"]])
def test_declared_terminal_with_its_postlexer_round_trips(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    (tmp_path / "valuepost.py").write_text(POSTLEX)
    monkeypatch.syspath_prepend(str(tmp_path))
    g = tmp_path / "decl.lark"
    g.write_text(DECLARED)
    argv = ["sample", str(g), "--declare", "VALUE=foo", "--postlex", "valuepost:Value", *extra]
    code, out, err = run(capsys, *argv, "-n", "3")
    assert code == 0, err
    assert len(out.split()) == 3 and all(t.endswith(":foo") for t in out.split())


# -- postlexers that are not ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--postlex", "lark.indenter:Indenter"], "--postlex lark.indenter:Indenter: cannot make"),
        (["--postlex", "os:getcwd"], "--postlex os:getcwd: not a Lark postlexer"),
        (["--postlex", "os:sep"], "--postlex os:sep: 'sep' is not a class"),
        (["--lark-option", "postlex=x"], "--lark-option postlex=x: postlex takes a Python"),
        (["--lark-option", "tree_class=x"], "--lark-option tree_class=x: tree_class takes"),
        (["--lark-option", "use_bytes=true"], "use_bytes=True is not supported"),
        (["--lark-option", "foo=1"], "'foo' is not a Lark option (Lark's: ambiguity,"),
        (["--weight", "value#1=2", "--weight", "value#1=3"], "--weight value#1 is given more"),
    ],
)
def test_bad_postlexers_and_object_options_are_one_line_errors(
    capsys, argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "sample", "json", "-n", "1", *argv)
    assert message in one_line_error(code, err)


def test_postlex_that_is_not_one_is_refused_by_the_library() -> None:
    from gramgen import InvalidArgument

    with pytest.raises(InvalidArgument, match="postlex must be a Lark postlexer"):
        Grammar.open("json", parser="lalr", postlex="x")


# -- counting: exact at large sizes, refused (never killed) beyond the limit ------------------


def test_counts_are_exact_and_quick_at_large_sizes() -> None:
    # an ordered tree of m nodes is 4m derivation nodes: "(", the repetition, ")", the rule;
    # there are Catalan(m - 1) of them
    s = Sampler(Grammar.from_string('start: "(" start* ")"'), roundtrip=False)
    m = 400
    assert count(s, 4 * m) == math.comb(2 * (m - 1), m - 1) // m
    by_size = counts(s, 40)
    assert [by_size[4 * k] for k in range(1, 11)] == [
        math.comb(2 * (k - 1), k - 1) // k for k in range(1, 11)
    ]


def test_count_beyond_the_limit_is_refused_naming_the_size(capsys) -> None:
    code, _, err = run(capsys, "count", "json", "--size", "100000")
    line = one_line_error(code, err)
    assert "size 100000 is too large to count" in line
    assert f"the limit is {MEMORY_LIMIT // 2**30} GB" in line
    assert "counted up to about" in line


# -- enumerate: every derivation unless -n says otherwise -----------------------------------


def test_enumerate_without_n_yields_every_derivation(capsys) -> None:
    code, out, _ = run(capsys, "sample", "json", "--mode", "enumerate", "--max-size", "10")
    assert code == 0
    total = sum(counts(Sampler(Grammar.open("json"), roundtrip=False), 10))
    assert total == 11 and len(out.splitlines()) == total
    code, out, _ = run(
        capsys, "sample", "json", "--mode", "enumerate", "--max-size", "10", "-n", "3"
    )
    assert len(out.splitlines()) == 3
    code, out, _ = run(capsys, "sample", "json")
    assert len(out.splitlines()) == 10  # random mode: still 10 by default
