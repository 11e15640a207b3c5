"""Tests for gramgen._regex: every sampled string must fullmatch its pattern."""

from __future__ import annotations

import importlib.resources
import random
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark

from gramgen._regex import RegexSampler, flags_from_letters, python_regex
from gramgen.errors import InvalidArgument, RegexUnsupported

Below = Callable[[int], int]

# (pattern, flags): together they cover every construct the sampler handles.
PATTERNS: list[tuple[str, int]] = [
    # literals and escapes
    ("abc", 0),
    (r"a\.b\*c\\", 0),
    (r"\x41\u00e9\U0001F600\N{BULLET}", 0),
    (r"\t\n\r\f\v\0", 0),
    ("", 0),
    # classes, ranges, negations, categories
    (r"[0-9]+", 0),
    (r"[a-zA-Z_][a-zA-Z0-9_]*", 0),
    (r"[^\"]*", 0),
    (r"[^abc]{2,4}", 0),
    (r"[\w-]+", 0),
    (r"\d\D\w\W\s\S", 0),
    (r"[^\W\d]\w*", 0),
    (r"[\s\d]+", 0),
    (r"[^\s]+", 0),
    (r"[\]\[\-^]+", 0),
    (r"[+*/-]", 0),
    (r"[é]", 0),
    (r"[à-ÿ]{3}", 0),
    (r"\u00e9+", 0),
    (r"[\u4e00-\u9fff]+", 0),
    (r".", 0),
    (r".+", re.DOTALL),
    (r"(?s:.)\n.", 0),
    (r"(?a:\w)+", 0),
    (r"\w+", re.ASCII),
    # flags
    (r"select", re.IGNORECASE),
    (r"(?i)from\s+[a-z]+", 0),
    (r"(?i:where)X", 0),
    (r"(?i)a(?-i:b)c", 0),
    (r"[A-Z]+", re.IGNORECASE),
    (r"(?x) a b  # comment\n c", 0),
    ("a b c # comment", re.VERBOSE),
    (r"(?m)^a$\n^b$", 0),
    # groups, alternation, empty alternatives
    (r"(ab|c)", 0),
    (r"(?:a|b|c)d", 0),
    (r"(x|a)", 0),
    (r"a|", 0),
    (r"(?:|x|yy)z", 0),
    (r"(?P<word>[a-z]+)-(?P<num>[0-9]+)", 0),
    (r"((a)(b(c)))", 0),
    # backreferences
    (r"(['\"])[a-z]*\1", 0),
    (r"(?P<q>[a-z]{1,3})=(?P=q)", 0),
    (r"(a|b)+\1", 0),
    (r"(?i)(ab)\1", 0),
    (r"(?:(x)|y)\1?z", 0),
    # conditionals
    (r"(<)?[a-z]+(?(1)>)", 0),
    (r"(a)?(?(1)b|c)", 0),
    # lookarounds
    (r"(?!if\b)[a-z]+", 0),
    (r"[a-z]+(?<!x)", 0),
    (r"(?=[a-f])[a-z]", 0),
    (r"[0-9]+(?![0-9])", 0),
    (r"a(?<=a)b", 0),
    (r'".*?(?<!\\)(\\\\)*?"', 0),
    # anchors
    (r"^abc$", 0),
    (r"\Aabc\Z", 0),
    (r"\bword\b", 0),
    (r"a\Bb", 0),
    (r"(?:^|x)y", 0),
    # repeats: lazy, possessive, atomic, counted, large
    (r"a*?b+?c??", 0),
    (r"[a-z]*+[0-9]", 0),
    (r"(?>ab|a)c", 0),
    (r"x{3,5}", 0),
    (r"x{3,}", 0),
    (r"(?:ab){0,1000}", 0),
    (r"[0-9]{40}", 0),
    (r"a{,3}b", 0),
    (r"(?:a?)*", 0),
    # numbers in the style of Lark's common grammar
    (r"(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", 0),
    (r'"(?:[^"\\]|\\.)*"', 0),
]

PATTERN_IDS = [f"{i}:{p}" for i, (p, _) in enumerate(PATTERNS)]

_SAMPLERS: dict[tuple[str, int], RegexSampler] = {}


def sampler(pattern: str, flags: int = 0) -> RegexSampler:
    key = (pattern, flags)
    if key not in _SAMPLERS:
        _SAMPLERS[key] = RegexSampler(pattern, flags)
    return _SAMPLERS[key]


def seeded_below(seed: int) -> Below:
    r = random.Random(seed).random

    def below(n: int) -> int:
        return int(r() * n)

    return below


def list_below(values: list[int]) -> Below:
    """Read choices from a list (Hypothesis-style), then zeros once it is used up."""
    it: Iterator[int] = iter(values)

    def below(n: int) -> int:
        return next(it, 0) % n

    return below


def test_table_is_large_enough() -> None:
    assert len(PATTERNS) >= 60
    assert len(set(PATTERNS)) == len(PATTERNS)


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS, ids=PATTERN_IDS)
def test_samples_fullmatch(pattern: str, flags: int) -> None:
    s = sampler(pattern, flags)
    rx = re.compile(pattern, flags)
    assert rx.fullmatch(s.simplest())
    assert s.simplest() == s.sample(lambda n: 0)
    assert len(s.simplest()) >= s.min_length
    below = seeded_below(len(pattern) * 31 + flags)
    for _ in range(150):
        out = s.sample(below)
        assert rx.fullmatch(out), (pattern, out)
        assert len(out) >= s.min_length


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.randoms(use_true_random=False))
def test_property_random_below(case: tuple[str, int], rnd: random.Random) -> None:
    pattern, flags = case
    out = sampler(pattern, flags).sample(rnd.randrange)
    assert re.fullmatch(pattern, out, flags), (pattern, out)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.lists(st.integers(min_value=0, max_value=2**16)))
def test_property_list_below(case: tuple[str, int], values: list[int]) -> None:
    pattern, flags = case
    out = sampler(pattern, flags).sample(list_below(values))
    assert re.fullmatch(pattern, out, flags), (pattern, out)


# --------------------------------------------------------------------------- Lark's grammars


def _lark_terminals() -> list[tuple[str, str, int]]:
    root = importlib.resources.files("lark") / "grammars"
    common = (root / "common.lark").read_text(encoding="utf-8")
    # common.lark has no start rule: reference every public terminal from one
    names = re.findall(r"^([A-Z][A-Z_0-9]*)(?:\.\d+)?\s*:", common, re.M)
    grammars = [
        (
            "common.lark",
            Lark(common + "\nstart: " + " | ".join(names) + "\n", parser="earley", lexer="basic"),
        ),
        (
            "lark.lark",
            Lark.open_from_package(
                "lark", "lark.lark", ["grammars"], parser="earley", lexer="basic"
            ),
        ),
        (
            "python.lark",
            Lark.open_from_package(
                "lark",
                "python.lark",
                ["grammars"],
                parser="earley",
                lexer="basic",
                start="file_input",
            ),
        ),
    ]
    out: list[tuple[str, str, int]] = []
    for gname, lark in grammars:
        for term in lark.terminals:
            out.append(
                (
                    f"{gname}:{term.name}",
                    term.pattern.to_regexp(),
                    flags_from_letters(term.pattern.flags),
                )
            )
    return out


LARK_TERMINALS = _lark_terminals()


def test_lark_grammars_found() -> None:
    assert len(LARK_TERMINALS) > 100


@pytest.mark.parametrize(
    ("name", "pattern", "flags"), LARK_TERMINALS, ids=[t[0] for t in LARK_TERMINALS]
)
def test_lark_terminals(name: str, pattern: str, flags: int) -> None:
    s = RegexSampler(pattern, flags)
    rx = re.compile(pattern, flags)
    assert rx.fullmatch(s.simplest())
    below = seeded_below(len(name))
    for _ in range(40):
        out = s.sample(below)
        assert rx.fullmatch(out), (name, pattern, out)


# --------------------------------------------------------------------------- semantics


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"[0-9]+", 0, "0"),
        (r"a*", 0, ""),
        (r"(ab|c)", 0, "ab"),
        (r"x{3,5}", 0, "xxx"),
        (r"[a-z]+", 0, "a"),
        (r"\w", 0, "a"),
        (r"\s", 0, " "),
        (r"[^\W\d]\w*", 0, "a"),
        (r"(x|a)", 0, "x"),
        (r"[+-]?1", 0, "1"),
        (r"(?:a|)b", 0, "ab"),
        (r"(?i)SeLeCt", 0, "SeLeCt"),
        (r"[0-9]{40}", 0, "0" * 40),
        (r"a{1000}", 0, "a" * 1000),
        (r"(?P<n>[a-z]+)-(?P=n)", 0, "a-a"),
        (r'".*?(?<!\\)(\\\\)*?"', 0, '""'),
        (r"^abc$", 0, "abc"),
        (r"(?x) a b", 0, "ab"),
        (r"[é]", 0, "é"),
    ],
)
def test_simplest(pattern: str, flags: int, expected: str) -> None:
    s = RegexSampler(pattern, flags)
    assert s.simplest() == expected
    assert s.sample(lambda n: 0) == expected


def test_deterministic_given_below() -> None:
    for pattern, flags in PATTERNS:
        s = sampler(pattern, flags)
        first = [s.sample(seeded_below(5)) for _ in range(3)]
        assert first == [s.sample(seeded_below(5)) for _ in range(3)], pattern


def test_min_length() -> None:
    assert RegexSampler(r"[0-9]+").min_length == 1
    assert RegexSampler(r"a*").min_length == 0
    assert RegexSampler(r"(ab|c)d{2,}").min_length == 3
    assert RegexSampler(r"(ab)\1").min_length == 4
    assert RegexSampler(r"a{1000}").min_length == 1000


def test_smaller_draws_are_simpler() -> None:
    s = RegexSampler(r"[0-9]+")
    assert len(s.sample(lambda n: 0)) < len(s.sample(lambda n: n - 1))
    assert len(s.sample(lambda n: n - 1)) == 7  # 1 + max_repeat


def test_repeat_bounds() -> None:
    below = seeded_below(3)
    lengths = {len(RegexSampler(r"(?:ab){0,1000}").sample(below)) for _ in range(300)}
    assert lengths == {0, 2, 4, 6, 8, 10, 12}
    s = RegexSampler(r"x{2,}", max_repeat=3)
    assert {len(s.sample(below)) for _ in range(300)} == {2, 3, 4, 5}
    s = RegexSampler(r"x{500,502}")
    assert {len(s.sample(below)) for _ in range(300)} == {500, 501, 502}
    assert RegexSampler(r"[ab]*", max_repeat=0).sample(below) == ""


def draws(pattern: str, count: int, below: Below, flags: int = 0, **kwargs: Any) -> str:
    """``count`` samples of one sampler, concatenated."""
    s = RegexSampler(pattern, flags, **kwargs)
    return "".join(s.sample(below) for _ in range(count))


def test_ignorecase_gives_both_cases() -> None:
    below = seeded_below(7)
    for pattern, flags in [
        ("select", re.I),
        ("(?i)select", 0),
        ("(?i:select)", 0),
        ("[a-z]", re.I),
    ]:
        seen = draws(pattern, 200, below, flags)
        assert any(c.islower() for c in seen), pattern
        assert any(c.isupper() for c in seen), pattern
    assert draws("select", 200, below) == "select" * 200


def test_scoped_flags_respected() -> None:
    below = seeded_below(8)
    s = RegexSampler(r"(?i)a(?-i:b)c")
    outs = {s.sample(below) for _ in range(200)}
    assert all(o[1] == "b" for o in outs)
    assert {o[0] for o in outs} == {"a", "A"}
    assert {o[2] for o in outs} == {"c", "C"}
    assert "\n" in draws(r"(?s:.)", 100, below, alphabet="\na")
    assert "\n" not in draws(r".", 100, below, alphabet="\na")


def test_alphabet_respected() -> None:
    below = seeded_below(9)
    assert set(draws(r"[a-z]+", 200, below, alphabet="ab")) == {"a", "b"}
    assert set(draws(r"[^x]+", 200, below, alphabet="xyz")) == {"y", "z"}
    assert set(draws(r"\w+", 200, below, alphabet="a-_!")) == {"a", "_"}
    # a class with no member in the alphabet uses its own members
    assert set(draws(r"[0-9]", 200, below, alphabet="ab")) == set("0123456789")
    assert RegexSampler(r"[^ab]", alphabet="ab").simplest() not in "ab"
    assert RegexSampler(r"[é]+", alphabet="ab").simplest() == "é"


def test_default_alphabet() -> None:
    below = seeded_below(10)
    printable = {chr(c) for c in range(0x20, 0x7F)}
    assert set(draws(r"[^a]", 3000, below)) == printable - {"a"} | set("\t\n\r")
    assert set(draws(r".", 3000, below)) == printable | set("\t\r")
    assert "\n" in draws(r".", 3000, below, re.DOTALL)
    # \W, \S, \D draw from the alphabet minus what they exclude
    assert set(draws(r"\D", 2000, below)).isdisjoint("0123456789")
    assert set(draws(r"\S", 2000, below)).isdisjoint(" \t\n\r")
    assert set(draws(r"\s", 200, below)) == set(" \t\n\r")
    assert set(draws(r"\W", 2000, below)).isdisjoint("abcXYZ019_")


def test_unchecked_patterns_skip_verification() -> None:
    assert not RegexSampler(r"[0-9]+(?:\.[0-9]+)?").checked
    assert not RegexSampler(r"^(a|b)\1$").checked
    assert not RegexSampler(r"(?i)(ab)\1").checked
    for pattern in [r"a(?=a)", r"\bx", r"(?>a)", r"a*+", r"(a)?\1", r"a^", r"(a)?(?(1)b)"]:
        assert RegexSampler(pattern + "|z").checked, pattern


def test_checked_patterns_retry() -> None:
    # the all-zero draw gives 'a', which the lookbehind rejects; retries find another
    s = RegexSampler(r"[a-c](?<!a)")
    assert s.simplest() in ("b", "c")
    below = seeded_below(11)
    assert {s.sample(below) for _ in range(100)} == {"b", "c"}


# --------------------------------------------------------------------------- regex module


# patterns for the regex module (Lark's regex=True), with the alphabet to draw from
PROPERTY_PATTERNS: list[tuple[str, int, str | None]] = [
    (r"\p{L}+", 0, None),
    (r"[\p{XID_Start}_][\p{XID_Continue}]*", 0, None),
    (r"\pL\pN", 0, None),
    (r"\p{Lu}\p{Ll}+", 0, "aBcDéÉ"),
    (r"[^\p{L}\d]{3}", 0, None),  # negated, inside a class
    (r"\P{L}+", 0, "ab12é€"),  # negated property
    (r"[\P{L}x]+", 0, "ab12é€x"),
    (r"\p{Greek}{2}", 0, None),  # no member in the alphabet: the class's own
    (r"\p{Script=Latin}\p{^Latin}", 0, "aé1Ω"),
    (r"[\]\p{Nd}]+", 0, None),
    (r"\\p\p{Lu}", 0, None),  # an escaped backslash, then p
    (r"(?i)\p{Lu}+", 0, "aBé"),  # case-insensitive: verified with the regex module
    (r"\p{L}+", re.ASCII, "abé"),  # the ASCII flag: ASCII letters only
    (r"(?a:\p{L})\p{L}", 0, "abé"),
]


@pytest.mark.parametrize(("pattern", "flags", "alphabet"), PROPERTY_PATTERNS)
def test_unicode_property_classes_match_under_the_regex_module(
    pattern: str, flags: int, alphabet: str | None
) -> None:
    regex = pytest.importorskip("regex")
    s = RegexSampler(pattern, flags, alphabet=alphabet, regex_module=True)
    rflags = (flags & ~re.ASCII) | (regex.ASCII if flags & re.ASCII else 0)
    below = seeded_below(5)
    texts = [s.sample(below) for _ in range(300)]
    for text in texts:
        assert regex.fullmatch(pattern, text, flags=rflags), (pattern, text)
        assert s.compiled.fullmatch(text) or s.checked, (pattern, text)
    chars = set("".join(texts))
    if alphabet is not None and pattern != r"\p{Greek}{2}":
        assert chars <= set(alphabet), (pattern, chars - set(alphabet))
    # every member of the alphabet that the class holds is drawn
    if alphabet is not None and pattern in (r"\p{L}+", r"\P{L}+"):
        want = {c for c in alphabet if regex.fullmatch(pattern, c, flags=rflags)}
        assert chars == want


def test_unicode_property_class_members_from_the_alphabet() -> None:
    regex = pytest.importorskip("regex")
    below = seeded_below(3)
    assert set(draws(r"\p{L}+", 200, below, alphabet="aé€1ß", regex_module=True)) == set("aéß")
    assert set(draws(r"\p{L}+", 200, below, regex_module=True)) <= set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    )
    greek = draws(r"\p{Greek}", 200, below, regex_module=True)
    # no Greek letter in the default alphabet: the class's own members, simplest first
    assert all(regex.fullmatch(r"\p{Greek}", c) for c in greek)
    assert any("\u03b1" <= c <= "\u03c9" for c in greek)


def test_unicode_property_classes_need_the_regex_module_option() -> None:
    with pytest.raises(RegexUnsupported, match="not a valid Python regex"):
        RegexSampler(r"\p{L}")
    pytest.importorskip("regex")
    with pytest.raises(RegexUnsupported, match=r"bad Unicode property class \\p\{Nope\}"):
        RegexSampler(r"a\p{Nope}", regex_module=True)
    assert python_regex(r"\p{Lu}+", regex_module=True).fullmatch("AÉΩ")
    assert not python_regex(r"\P{Lu}", regex_module=True).fullmatch("A")
    assert python_regex(r"[^\p{Lu}]", regex_module=True).fullmatch("a")


# --------------------------------------------------------------------------- tokens in context


@pytest.mark.parametrize(
    ("pattern", "before"),
    [
        (r"(?<=x)a", "x"),
        (r"(?<=q)r(?!s)", "q"),
        (r"(?<![a-z])[a-z]+(?<!x)", ""),
        (r"(?:(?<=a)b|(?<=[0-9]{2})c)\w*", "a"),
        (r"(?<=[0-9]{2})x\b", "12"),
    ],
)
def test_lookbehind_at_the_start_is_left_to_the_context(pattern: str, before: str) -> None:
    s = RegexSampler(pattern, in_context=True)
    below = seeded_below(9)
    compiled = re.compile(pattern)
    for _ in range(200):
        text = s.sample(below)
        assert compiled.fullmatch(before + text, len(before)) or compiled.fullmatch(
            "12" + text, 2
        ), text
    # on its own, nothing precedes the string: a positive lookbehind never holds
    if before:
        with pytest.raises(RegexUnsupported, match="no match found"):
            RegexSampler(pattern)


def test_lookbehind_inside_the_string_is_still_checked() -> None:
    s = RegexSampler(r"[a-c](?<!a)", in_context=True)
    assert s.checked
    assert {s.sample(seeded_below(4)) for _ in range(50)} <= {"b", "c"}
    assert not RegexSampler(r"(?<=q)r", in_context=True).checked


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "pattern", [r"a(?=b)", r"(?<=x)a", r"a\bb", r"a*+a", r"(?>a+)a", r"x\Ay", r"(?!)"]
)
def test_impossible_patterns_raise(pattern: str) -> None:
    with pytest.raises(RegexUnsupported, match=re.escape(pattern)) as info:
        RegexSampler(pattern).sample(lambda n: 0)
    assert info.value.pattern == pattern
    assert "no match found after 50 attempts" in info.value.reason


@pytest.mark.parametrize("pattern", [r"[^\x00-\U0010ffff]", r"a[^\s\S]"])
def test_unsatisfiable_class_raises(pattern: str) -> None:
    with pytest.raises(RegexUnsupported, match="matches no character") as info:
        RegexSampler(pattern)
    assert info.value.pattern == pattern


def test_invalid_regex_raises() -> None:
    with pytest.raises(RegexUnsupported, match="not a valid Python regex"):
        RegexSampler("a(")


def test_invalid_arguments() -> None:
    with pytest.raises(InvalidArgument, match="max_repeat"):
        RegexSampler("a", max_repeat=-1)
    with pytest.raises(InvalidArgument, match="alphabet"):
        RegexSampler("a", alphabet="")
    with pytest.raises(InvalidArgument, match="letters"):
        flags_from_letters("iq")


def test_flags_from_letters() -> None:
    assert flags_from_letters("") == 0
    assert flags_from_letters("i") == re.I
    assert flags_from_letters(frozenset({"i", "s"})) == re.I | re.S
    assert flags_from_letters("msx") == re.M | re.S | re.X
    assert flags_from_letters("u") == re.U
    assert flags_from_letters("l") == 0
    assert flags_from_letters(["i", "l"]) == re.I
    # 'l' is dropped rather than breaking compilation of a str pattern
    assert RegexSampler("a", flags_from_letters("il")).simplest() == "a"
    assert RegexSampler("a", re.LOCALE).simplest() == "a"
