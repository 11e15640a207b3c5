"""Loading grammars: the author's constructs, positions, annotations, overrides, errors."""

from __future__ import annotations

import re

import pytest

from gramgen import Grammar, GrammarError, InvalidArgument
from gramgen.grammar import Kind, bundled_grammars


def alts_of(g: Grammar, rule: str) -> list[tuple[int, ...]]:
    return [a.items for a in g.symbol(g.rule_symbol(rule)).alts]


def test_optional_and_repetition_are_single_constructs_not_flattened_rules() -> None:
    g = Grammar.from_string('start: "a" ["b"] "c"~1..3 "d"*')
    (alt,) = g.symbol(g.start_symbol).alts
    kinds = [g.symbol(i).kind for i in alt.items]
    assert kinds == [Kind.TERM, Kind.OPT, Kind.REP, Kind.REP]
    rep = g.symbol(alt.items[2])
    assert (rep.lo, rep.hi) == (1, 3)
    assert g.symbol(alt.items[3]).hi == -1


def test_every_alternative_knows_its_source_line_and_column(write_grammar) -> None:
    path = write_grammar('start: x\nx: "a"\n | "b" "c"\n | y -> why\ny: "d"\n')
    g = Grammar.from_file(path)
    positions = [(a.pos.line, a.pos.column) for a in g.symbol(g.rule_symbol("x")).alts]
    assert positions == [(2, 4), (3, 4), (4, 4)]
    assert g.symbol(g.rule_symbol("x")).alts[2].alias == "why"
    assert g.symbol(g.rule_symbol("x")).alts[0].pos.file == str(path)


def test_weights_from_annotations_keep_the_file_valid_lark() -> None:
    text = 'start: "a"   //@ w=5\n     | "b"\n     | "c"   //@ 0.5\n'
    g = Grammar.from_string(text, parser="lalr")
    assert g.symbol(g.start_symbol).weights == [5.0, 1.0, 0.5]
    assert g.loaded.lark.parse("a") is not None  # lark ignores the comments


def test_annotation_for_several_alternatives_on_one_line_needs_a_list() -> None:
    g = Grammar.from_string('start: "a" | "b" | "c"  //@ w=[1,2,3]')
    assert g.symbol(g.start_symbol).weights == [1.0, 2.0, 3.0]
    with pytest.raises(GrammarError, match="3 alternatives end on this line"):
        Grammar.from_string('start: "a" | "b" | "c"  //@ w=2')


def test_optional_probability_and_repetition_mean_annotations() -> None:
    g = Grammar.from_string('start: ["a"] "b"*  //@ opt=0.9 rep=4')
    (alt,) = g.symbol(g.start_symbol).alts
    assert g.symbol(alt.items[0]).p_take == 0.9
    assert g.symbol(alt.items[1]).mean_extra == 4.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('start: "a"  //@ w=-1', "bad annotation value"),
        ('start: "a"  //@ opt=2', "bad annotation value"),
        ('start: "a"  //@ colour=red', "unknown annotation 'colour'"),
        ('start: "a"\n//@ w=3', "applies to no alternative"),
    ],
)
def test_bad_annotations_name_the_line(line: str, message: str) -> None:
    with pytest.raises(GrammarError, match=message) as err:
        Grammar.from_string(line)
    assert err.value.line is not None


def test_annotation_marker_inside_a_string_or_a_later_comment_is_not_an_annotation() -> None:
    g = Grammar.from_string('start: "//@ w=9" | "b" // see //@ notes\n')
    assert g.symbol(g.start_symbol).weights == [1.0, 1.0]


def test_weight_overrides_by_index_alias_and_position() -> None:
    text = 'start: "a" -> first\n     | "b"\n     | "c"\n'
    g = Grammar.from_string(text, weights={"start->first": 2, "start#2": 3, "3:8": 4})
    assert g.symbol(g.start_symbol).weights == [2.0, 3.0, 4.0]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"start#9": 1}, "no such alternative"),
        ({"nosuch#1": 1}, "no such alternative"),
        ({"start#1": -2}, "must be a number >= 0"),
        ({"start#1": "x"}, "must be a number >= 0"),
    ],
)
def test_bad_weight_overrides_are_rejected(weights: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        Grammar.from_string('start: "a" | "b"', weights=weights)


def test_templates_instantiate_per_argument_and_point_at_the_template_source() -> None:
    g = Grammar.from_string('start: pair{"a"} pair{"b"}\npair{x}: x "," x\n')
    names = sorted(s.name for s in g.symbols if s.template == "pair")
    assert len(names) == 2
    inst = next(s for s in g.symbols if s.template == "pair")
    assert inst.alts[0].pos.line == 2


def test_imports_extend_and_override_are_read_by_lark() -> None:
    text = '%import common.INT\n%import common.WORD -> W\nstart: a\na: INT | W\n%extend a: "x"\n'
    g = Grammar.from_string(text)
    assert len(alts_of(g, "a")) == 3


def test_relative_import_between_files(write_grammar) -> None:
    write_grammar('item: "i" | "j"\n', name="other.lark")
    main = write_grammar("%import .other.item\nstart: item+\n", name="main.lark")
    g = Grammar.from_file(main)
    assert any("other.lark" in f for f in g.loaded.sources)


def test_bundled_grammars_open_by_name() -> None:
    assert {"arith", "json"} <= set(bundled_grammars())
    assert Grammar.open("json").source.endswith("json.lark")


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('start: a\na: "x" b\n', "Rule 'b' used but not defined", 2),
        ('start: "a" (\n', "Unclosed parenthesis", 1),
        ("start: a\n", "Rule 'a' used but not defined", 1),
        ('start: "a"\nstart: "b"\n', "defined more than once", None),
        ('start: "a"~3..1\n', "Bad Range", 1),
    ],
)
def test_malformed_grammars_give_one_located_error(
    write_grammar, text: str, message: str, line: int | None
) -> None:
    path = write_grammar(text)
    with pytest.raises(GrammarError, match=message) as err:
        Grammar.from_file(path)
    assert err.value.file == str(path)
    if line is not None:
        assert err.value.line == line
        assert str(err.value).startswith(f"{path}:{line}:")


def test_missing_start_rule_is_named() -> None:
    with pytest.raises(GrammarError, match="start"):
        Grammar.from_string('expr: "a"\n')
    with pytest.raises(GrammarError, match="nosuch"):
        Grammar.from_string('start: "a"\n', start="nosuch")


def test_bad_arguments() -> None:
    with pytest.raises(InvalidArgument, match="parser must be"):
        Grammar.from_string('start: "a"', parser="cyk")
    with pytest.raises(InvalidArgument, match="cannot read grammar file"):
        Grammar.from_file("/nonexistent/x.lark")
    with pytest.raises(InvalidArgument, match="no grammar file or bundled grammar"):
        Grammar.open("no-such-grammar")


def test_rule_n_names_every_alternative_aliased_or_not() -> None:
    # the README's example: atom#3 is "(" sum ")", atom->neg is "-" atom, 12:7 is product's div
    g = Grammar.open("arith", weights={"atom#3": 0.5, "atom->neg": 2, "12:7": 3})
    assert g.symbol(g.rule_symbol("atom")).weights == [6.0, 2.0, 0.5]
    assert g.symbol(g.rule_symbol("product")).weights == [4.0, 1.0, 3.0]
    g = Grammar.open("arith", weights={"atom#2": 0.25})
    assert g.symbol(g.rule_symbol("atom")).weights == [6.0, 0.25, 1.0]


def test_two_keys_naming_one_alternative_are_an_error() -> None:
    with pytest.raises(InvalidArgument, match=r"'atom#2' and 'atom->neg' name the same"):
        Grammar.open("arith", weights={"atom#2": 0.5, "atom->neg": 2})
    with pytest.raises(InvalidArgument, match=r"'start#1' and '1:8' name the same"):
        Grammar.from_string('start: "a" | "b"', weights={"start#1": 1, "1:8": 2})


@pytest.mark.parametrize(
    ("lib", "where", "message"),
    [
        ('item: "a" (\n', "lib.lark:1:12:", "Unclosed parenthesis"),
        ('item: "a" zz\n', "lib.lark:1:11: rule 'item':", "Rule 'zz' used but not defined"),
        ('item: "a" _zz\n', "lib.lark:1:11: rule 'item':", "Rule '_zz' used but not defined"),
        (
            'item: "a" helper\nhelper: "b" ZZ\n',
            "lib.lark:2:13: rule 'helper':",
            "Rule 'ZZ' used but not defined (in rule helper)",
        ),
        ('item: "a" y\ny: "b"\ny: "c"\n', "lib.lark:3:1: rule 'y':", "'y' defined more than once"),
        ('item: "a" t{zz}\n', "lib.lark:1:11: rule 'item':", "Template 't' used but not"),
        ('item: "a" x\n%import .nope.x\n', "lib.lark:2:1:", "cannot import grammar"),
    ],
)
def test_errors_in_an_imported_grammar_name_its_file_and_its_own_names(
    write_grammar, lib: str, where: str, message: str
) -> None:
    lib_path = write_grammar(lib, name="lib.lark")
    main = write_grammar("start: item\n%import .lib.item\n", name="main.lark")
    with pytest.raises(GrammarError, match=re.escape(message)) as err:
        Grammar.from_file(main)
    assert str(err.value).startswith(f"{lib_path.parent}/{where}"), str(err.value)
    assert err.value.file == str(lib_path)
    assert "lib__" not in str(err.value)
