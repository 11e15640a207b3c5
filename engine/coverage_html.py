"""An HTML report of coverage over the ``.lark`` source, in the manner of coverage.py's.

:func:`write_html` writes one page per grammar source file (the main file and every
imported file that holds a coverage item) and an index page summarising each grammar:

* The source is shown line by line with line numbers. Each item stands as a badge at
  the place in the source where its construct starts: an alternative with its hit count,
  an optional taken / skipped, a repetition by count class (0, 1, many), a terminal and
  each string of a terminal written as ``"a" | "b"``. The badge's ``title`` gives the
  kind, the key and the hits. Each construct's source span is wrapped in a ``<span>``
  tinted by its state.
* A construct is *covered* when all its items are hit, *missing* when none is, *partial*
  otherwise (an optional never skipped, say), and *unreachable* (grey, not counted) when
  the start rule cannot reach it. A line is red when a construct starting on it is
  missing, else yellow when one is partial, else green; grey when it holds only
  unreachable constructs.
* The index gives covered / total / percent per kind (alternatives, optionals,
  repetitions, terminals, k-paths) for each grammar, links to the file pages and lists
  what is missing, linked to its line.

The pages are static HTML5 with inline CSS and no script. The same coverage gives
byte-identical files. The report directory is built next to its target and renamed into
place, so there is never a half-written report.

>>> from gramgen import Grammar, Sampler
>>> from gramgen.coverage import run
>>> cov = run(Sampler(Grammar.from_string('start: "a" | "b"', parser="lalr")), 5)
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as d:
...     index = write_html([cov], pathlib.Path(d) / "htmlcov")
...     sorted(p.name for p in index.parent.iterdir())
['g1_string.html', 'index.html']
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from ._lark_adapter import Pos
from .coverage import Coverage, Item
from .errors import InvalidArgument

__all__ = ["check_target", "write_html"]

_GENERATOR = "gramgen coverage"
_KIND_NAMES = {
    "alt": "alternatives",
    "opt": "optionals (taken/skipped)",
    "rep": "repetitions (0/1/many)",
    "term": "terminals and literals",
    "kpath": "k-paths",
}
_ITEM_NAMES = {
    "alt": "alternative",
    "opt": "optional",
    "rep": "repetition",
    "term": "terminal",
    "lit": "literal",
}
# Of constructs sharing a span, the outer one first: a repetition or an optional holds
# a group's alternatives, which hold terminals.
_RANK = {"rep": 0, "opt": 1, "alt": 2, "term": 3}
_SHORT = {"alt": "alt", "opt": "opt", "rep": "rep", "term": "tok"}
_STATES = ("covered", "partial", "missing", "unreachable")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _pct(covered: int, total: int) -> str:
    return f"{100.0 * covered / total if total else 100.0:.1f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- the model: items grouped into constructs, constructs into files --------------------


@dataclass(slots=True)
class _Mark:
    """One coverage item: a badge."""

    item: Item
    kind: str  # alt, opt, rep, term (a terminal's literals are terms too)
    key: str
    hits: int
    reachable: bool

    @property
    def state(self) -> str:
        if not self.reachable:
            return "unreachable"
        return "covered" if self.hits else "missing"

    def label(self) -> str:
        item = self.item
        if self.item[0] == "lit":
            what = repr(item[2])
        elif self.kind == "opt":
            what = "taken" if item[2] else "skipped"
        elif self.kind == "rep":
            what = f"\u00d7{item[2]}"
        else:
            what = _SHORT[self.kind]
        if not self.reachable:
            return "unreachable" if self.kind == "alt" else f"{what} \u2013"
        return f"{what} {self.hits}"

    def title(self, start: str) -> str:
        name = _ITEM_NAMES[str(self.item[0])]
        if not self.reachable:
            return f"{name} {self.key}: unreachable from {start!r}, not counted"
        return f"{name} {self.key}: {_plural(self.hits, 'hit')}"


@dataclass(slots=True)
class _Construct:
    """An alternative, optional, repetition or terminal: a span with its items."""

    kind: str
    name: str
    pos: Pos | None
    order: int
    marks: list[_Mark] = field(default_factory=list)

    @property
    def state(self) -> str:
        live = [m for m in self.marks if m.reachable]
        if not live:
            return "unreachable"
        hit = sum(1 for m in live if m.hits)
        return "covered" if hit == len(live) else "missing" if hit == 0 else "partial"

    def sort_key(self) -> tuple[int, ...]:
        p = self.pos
        where = (p.line, p.column, -p.end_line, -p.end_column) if p else (0, 0, 0, 0)
        return (*where, _RANK[self.kind], self.order)


@dataclass(slots=True)
class _File:
    name: str  # as the grammar names it (a path, or lark's name for a package resource)
    text: str
    page: str
    constructs: list[_Construct] = field(default_factory=list)

    def marks(self) -> list[_Mark]:
        return [m for c in self.constructs for m in c.marks]


@dataclass(slots=True)
class _Report:
    """One grammar's coverage, laid out by file."""

    number: int
    cov: Coverage
    files: list[_File]
    unplaced: list[_Mark]  # items with no position in a source we have
    where: dict[tuple[object, ...], tuple[_File, int, int]]  # item -> file, line, column


def _pos_of(cov: Coverage, item: Item) -> Pos | None:
    syms = cov.grammar.symbols
    sym = syms[int(item[1])]  # type: ignore[call-overload]
    if item[0] == "alt":
        return sym.alts[int(item[2])].pos or sym.pos  # type: ignore[call-overload]
    return sym.pos


def _name_of(cov: Coverage, item: Item) -> str:
    """The construct's name: ``expr#2``, ``expr: NAME?``, ``NUMBER``."""
    if item[0] == "alt":
        return cov.describe(item)
    sym = cov.grammar.symbols[int(item[1])]  # type: ignore[call-overload]
    return sym.name if item[0] in ("term", "lit") else f"{sym.rule}: {sym.name}"


def _construct_id(item: Item) -> tuple[object, ...]:
    if item[0] == "alt":
        return ("alt", item[1], item[2])
    if item[0] == "lit":
        return ("term", item[1])
    return (item[0], item[1])


def _slug(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    return re.sub(r"[^A-Za-z0-9_-]+", "_", base).strip("_") or "grammar"


def _layout(number: int, cov: Coverage, taken: set[str]) -> _Report:
    sources = cov.grammar.loaded.sources
    kinds = ("alt", "opt", "rep", "term")
    # The unreachable items, as Coverage.entries() lists them (no public accessor yet).
    items = [(i, True) for i in cov.universe(kinds)]
    items += [(i, False) for i in cov.unreachable() if i[0] != "kpath"]
    constructs: dict[tuple[object, ...], _Construct] = {}
    unplaced: list[_Mark] = []
    for item, reachable in items:
        kind = "term" if item[0] == "lit" else str(item[0])
        mark = _Mark(item, kind, cov.describe(item), cov.hits[item], reachable)
        pos = _pos_of(cov, item)
        if pos is None or pos.file not in sources:
            unplaced.append(mark)
            continue
        cid = _construct_id(item)
        if cid not in constructs:
            constructs[cid] = _Construct(kind, _name_of(cov, item), pos, len(constructs))
        constructs[cid].marks.append(mark)

    names = {c.pos.file for c in constructs.values() if c.pos is not None}
    main = [cov.grammar.source] if cov.grammar.source in sources else []
    order = main + sorted(names - set(main))
    files: dict[str, _File] = {}
    for name in order:
        page = f"g{number}_{_slug(name)}"
        n = 1
        while f"{page}.html" in taken:
            n += 1
            page = f"g{number}_{_slug(name)}_{n}"
        taken.add(f"{page}.html")
        files[name] = _File(name, sources[name], f"{page}.html")
    where: dict[tuple[object, ...], tuple[_File, int, int]] = {}
    for c in sorted(constructs.values(), key=_Construct.sort_key):
        assert c.pos is not None
        f = files[c.pos.file]
        f.constructs.append(c)
        for m in c.marks:
            where[m.item] = (f, c.pos.line, c.pos.column)
    return _Report(number, cov, list(files.values()), unplaced, where)


# -- rendering ---------------------------------------------------------------------------

_CSS = """\
:root { --covered: #dff5d8; --covered-edge: #3a9d23; --missing: #fbdada;
  --missing-edge: #d12f2f; --partial: #fbf0c2; --partial-edge: #c99a06;
  --unreachable: #ececec; --unreachable-edge: #9a9a9a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1d1d1d; background: #fff; }
header, main, footer { padding: 0.6rem 1.2rem; }
header { background: #f4f6f8; border-bottom: 1px solid #d8dde2; }
h1 { font-size: 1.35rem; margin: 0.2rem 0 0.4rem; word-break: break-all; }
h2 { font-size: 1.15rem; margin: 1.4rem 0 0.4rem; word-break: break-all; }
p { margin: 0.3rem 0; }
a { color: #1559b3; }
code, .src { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
table { border-collapse: collapse; }
table.counts th, table.counts td, table.files th, table.files td {
  padding: 0.2rem 0.7rem; border-bottom: 1px solid #e2e5e8; text-align: right; }
table.counts th:first-child, table.counts td:first-child,
table.files th:first-child, table.files td:first-child { text-align: left; }
th { font-weight: 600; background: #f4f6f8; }
table.files { margin-top: 1rem; }
.bar { display: inline-block; width: 8rem; height: 0.7rem; background: var(--missing);
  border: 1px solid #c9c9c9; vertical-align: middle; }
.bar > span { display: block; height: 100%; background: var(--covered-edge); }
.legend { font-size: 0.85rem; color: #444; }
table.src { width: 100%; font-size: 13px; line-height: 1.6; }
table.src td { padding: 0 0.5rem; vertical-align: top; }
table.src td.n { width: 1%; text-align: right; color: #888; user-select: none;
  border-right: 4px solid transparent; }
table.src td.n a { color: inherit; text-decoration: none; }
table.src td.c { white-space: pre; tab-size: 4; }
tr.covered td { background: var(--covered); }
tr.covered td.n { border-right-color: var(--covered-edge); }
tr.partial td { background: var(--partial); }
tr.partial td.n { border-right-color: var(--partial-edge); }
tr.missing td { background: var(--missing); }
tr.missing td.n { border-right-color: var(--missing-edge); }
tr.unreachable td { background: var(--unreachable); color: #777; }
tr.unreachable td.n { border-right-color: var(--unreachable-edge); }
tr:target td { outline: 2px solid #1559b3; outline-offset: -2px; }
span.sp.missing { text-decoration: underline wavy var(--missing-edge); }
span.sp.partial { text-decoration: underline dotted var(--partial-edge); }
span.sp.unreachable { color: #8a8a8a; }
.b { display: inline-block; margin: 0 0.25em 0 0; padding: 0 0.35em; font-size: 10.5px;
  line-height: 1.5; border-radius: 0.7em; border: 1px solid; font-weight: 600;
  vertical-align: 1px; white-space: pre; cursor: help;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.b.alt { border-radius: 0.2em; }
.b.opt { border-style: dashed; }
.b.rep { border-style: double; border-width: 3px; line-height: 1.1; }
.b.term { border-radius: 0; font-style: italic; font-weight: 500; }
.b.covered { background: #c3ebb6; border-color: var(--covered-edge); color: #1d5a10; }
.b.missing { background: #f7b9b9; border-color: var(--missing-edge); color: #7d1010; }
.b.unreachable { background: #e2e2e2; border-color: var(--unreachable-edge); color: #666; }
details { margin: 0.4rem 0; }
details li { font-size: 0.9rem; }
footer { color: #777; font-size: 0.8rem; border-top: 1px solid #e2e5e8; margin-top: 1rem; }
"""


def _page(title: str, body: list[str]) -> str:
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{_GENERATOR} {_attr(__version__)}">',
        f"<title>{_esc(title)}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    foot = [
        f"<footer>Written by gramgen {_esc(__version__)} (<code>gramgen coverage --html</code>)."
        "</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(head + body + foot)


def _badge(mark: _Mark, start: str) -> str:
    return (
        f'<span class="b {mark.kind} {mark.state}" data-kind="{mark.kind}" '
        f'data-hits="{mark.hits}" title="{_attr(mark.title(start))}">{_esc(mark.label())}</span>'
    )


def _render_line(text: str, spans: list[tuple[int, int, str]], badges: dict[int, list[str]]) -> str:
    """A source line with badges inserted and spans wrapped (spans come outer first)."""
    points = sorted({0, len(text), *badges, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[str] = []
    ends: list[int] = []  # the open spans' ends, innermost last
    k = 0
    for i, p in enumerate(points):
        while ends and ends[-1] <= p:
            ends.pop()
            out.append("</span>")
        out.extend(badges.get(p, ()))
        while k < len(spans) and spans[k][0] <= p:
            _s, e, opening = spans[k]
            k += 1
            if ends:
                e = min(e, ends[-1])  # keep the spans nested, whatever the positions say
            if e > p:
                out.append(opening)
                ends.append(e)
        if i + 1 < len(points):
            out.append(_esc(text[p : points[i + 1]]))
    out.extend("</span>" for _ in ends)
    return "".join(out)


def _source_lines(text: str) -> list[str]:
    # lark counts lines by "\n" only; str.splitlines would also split on \f, \x1c, ...
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return [ln.removesuffix("\r") for ln in lines]


def _counts_table(rows: list[tuple[str, int, int]]) -> list[str]:
    out = [
        '<table class="counts">',
        "<thead><tr><th>kind</th><th>covered</th><th>total</th><th>percent</th><th></th>"
        "</tr></thead>",
        "<tbody>",
    ]
    for kind, covered, total in rows:
        pct = _pct(covered, total)
        out.append(
            f'<tr class="kind-{kind}"><td>{_esc(_KIND_NAMES[kind])}</td><td>{covered}</td>'
            f'<td>{total}</td><td class="pct">{pct}</td><td><span class="bar">'
            f'<span style="width: {pct}"></span></span></td></tr>'
        )
    out += ["</tbody>", "</table>"]
    return out


def _file_counts(f: _File) -> dict[str, tuple[int, int]]:
    out = dict.fromkeys(("alt", "opt", "rep", "term"), (0, 0))
    for m in f.marks():
        if m.reachable:
            c, t = out[m.kind]
            out[m.kind] = (c + (1 if m.hits else 0), t + 1)
    return out


def _legend() -> str:
    def demo(cls: str, label: str, title: str) -> str:
        return f'<span class="b {cls}" title="{_attr(title)}">{_esc(label)}</span>'

    parts = [
        demo("alt covered", "alt 3", "an alternative, hit 3 times"),
        demo("opt covered", "taken 2", "an optional, taken 2 times"),
        demo("opt missing", "skipped 0", "an optional, never skipped"),
        demo("rep covered", "\u00d7many 1", "a repetition, with 2 or more 1 time"),
        demo("term covered", "tok 5", "a terminal, produced 5 times"),
        demo("alt missing", "alt 0", "never hit"),
        demo("alt unreachable", "unreachable", "unreachable from the start rule"),
    ]
    return (
        '<p class="legend">Badges: ' + " ".join(parts) + ". Lines: green, every construct "
        "on the line covered; yellow, some partly (an optional never skipped, a repetition "
        "count class missing); red, some construct never hit; grey, unreachable (not "
        "counted). Hover a badge for its key and hits.</p>"
    )


def _file_page(rep: _Report, f: _File) -> str:
    cov = rep.cov
    start = cov.sampler.start_name
    lines = _source_lines(f.text)
    nlines = max(len(lines), 1)
    by_line: dict[int, list[_Construct]] = {}
    spans: dict[int, list[tuple[int, int, str]]] = {}
    badges: dict[int, dict[int, list[str]]] = {}
    for c in f.constructs:
        assert c.pos is not None
        p = c.pos
        line = min(max(p.line, 1), nlines)
        by_line.setdefault(line, []).append(c)
        text = lines[line - 1] if lines else ""
        col = min(max(p.column - 1, 0), len(text))
        badges.setdefault(line, {}).setdefault(col, []).extend(_badge(m, start) for m in c.marks)
        what = f"{_ITEM_NAMES[c.kind]} {c.name}: {c.state}"
        opening = f'<span class="sp {c.kind} {c.state}" title="{_attr(what)}">'
        for ln in range(max(p.line, 1), min(p.end_line, nlines) + 1):
            t = lines[ln - 1]
            s = p.column - 1 if ln == p.line else 0
            e = p.end_column - 1 if ln == p.end_line else len(t)
            s, e = max(0, min(s, len(t))), max(0, min(e, len(t)))
            if s < e:
                spans.setdefault(ln, []).append((s, e, opening))

    counts = _file_counts(f)
    body = [
        "<header>",
        f'<p><a href="index.html#g{rep.number}">\u2190 index</a></p>',
        f"<h1>{_esc(f.name)}</h1>",
        f"<p>Grammar <code>{_esc(cov.grammar.source)}</code>, start rule "
        f"<code>{_esc(start)}</code>, {_plural(cov.derivations, 'derivation')}.</p>",
        "<p>Items in this file:</p>",
        *_counts_table([(k, c, t) for k, (c, t) in counts.items()]),
        _legend(),
        "</header>",
        "<main>",
        '<table class="src">',
        "<tbody>",
    ]
    for n, text in enumerate(lines or [""], start=1):
        cs = by_line.get(n, [])
        states = {c.state for c in cs}
        live = states - {"unreachable"}
        if "missing" in live:
            cls = "missing"
        elif "partial" in live:
            cls = "partial"
        elif live:
            cls = "covered"
        elif states:
            cls = "unreachable"
        else:
            cls = ""
        attr = f' class="{cls}"' if cls else ""
        code = _render_line(text, spans.get(n, []), badges.get(n, {}))
        body.append(
            f'<tr id="L{n}"{attr}><td class="n"><a href="#L{n}">{n}</a></td>'
            f'<td class="c">{code}</td></tr>'
        )
    body += ["</tbody>", "</table>", "</main>"]
    return _page(f"Coverage of {f.name}", body)


def _item_list(rep: _Report, marks: list[_Mark]) -> list[str]:
    out = ["<ul>"]
    for m in marks:
        place = rep.where.get(m.item)
        if place is None:
            loc = "(no source position)"
        else:
            f, line, col = place
            loc = f'<a href="{f.page}#L{line}">{_esc(f.name)}:{line}:{col}</a>'
        out.append(f"<li>{loc} {_esc(_ITEM_NAMES[str(m.item[0])])} <code>{_esc(m.key)}</code></li>")
    out.append("</ul>")
    return out


def _index_section(rep: _Report) -> list[str]:
    cov = rep.cov
    start = cov.sampler.start_name
    summary = cov.summary()
    rows = [(k, c, t) for k, (c, t) in summary.items() if t or k != "kpath"]
    ks = ", ".join(str(k) for k in cov.k) or "none"
    out = [
        f'<section id="g{rep.number}">',
        f"<h2>{_esc(cov.grammar.source)}</h2>",
        f"<p>Start rule <code>{_esc(start)}</code>, "
        f"{_plural(cov.derivations, 'derivation')}, k-paths of length {_esc(ks)}.</p>",
        *_counts_table(rows),
        '<table class="files">',
        "<thead><tr><th>file</th><th>alternatives</th><th>optionals</th><th>repetitions</th>"
        "<th>terminals</th><th>missing</th><th>unreachable</th></tr></thead>",
        "<tbody>",
    ]
    for f in rep.files:
        counts = _file_counts(f)
        marks = f.marks()
        n_missing = sum(1 for m in marks if m.reachable and not m.hits)
        n_unreachable = sum(1 for m in marks if not m.reachable)
        cells = "".join(f"<td>{c}/{t}</td>" for c, t in counts.values())
        out.append(
            f'<tr><td><a href="{f.page}">{_esc(f.name)}</a></td>{cells}'
            f"<td>{n_missing}</td><td>{n_unreachable}</td></tr>"
        )
    out += ["</tbody>", "</table>"]
    every = [m for f in rep.files for m in f.marks()] + rep.unplaced
    missing = [m for m in every if m.reachable and not m.hits]
    unreachable = [m for m in every if not m.reachable]
    if missing:
        out.append(f'<details class="missing"><summary>Missing ({len(missing)})</summary>')
        out += [*_item_list(rep, missing), "</details>"]
    if unreachable:
        out.append(
            f'<details class="unreachable"><summary>Unreachable from <code>{_esc(start)}'
            f"</code>, not counted ({len(unreachable)})</summary>"
        )
        out += [*_item_list(rep, unreachable), "</details>"]
    out.append("</section>")
    return out


def _render(coverages: Sequence[Coverage]) -> dict[str, str]:
    """Every page of the report, by file name."""
    taken = {"index.html"}
    reports = [_layout(i, cov, taken) for i, cov in enumerate(coverages, start=1)]
    pages: dict[str, str] = {}
    body = ["<header>", "<h1>Grammar coverage</h1>"]
    if len(reports) > 1:
        links = ", ".join(
            f'<a href="#g{r.number}">{_esc(r.cov.grammar.source)}</a>' for r in reports
        )
        body.append(f"<p>{_plural(len(reports), 'grammar')}: {links}.</p>")
    elif not reports:
        body.append("<p>No grammars.</p>")
    body += ["</header>", "<main>"]
    for r in reports:
        body += _index_section(r)
        for f in r.files:
            pages[f.page] = _file_page(r, f)
    body.append("</main>")
    pages["index.html"] = _page("Grammar coverage", body)
    return pages


# -- writing -----------------------------------------------------------------------------


def _is_report(path: Path) -> bool:
    """Whether a directory is empty or holds a report of ours (and only that)."""
    try:
        entries = list(path.iterdir())
        if not entries:
            return True
        if not all(e.is_file() and not e.is_symlink() and e.suffix == ".html" for e in entries):
            return False
        with open(path / "index.html", encoding="utf-8", errors="replace") as f:
            head = f.read(2000)
    except OSError:
        return False
    return f'<meta name="generator" content="{_GENERATOR}' in head


def check_target(directory: str | Path) -> Path:
    """The report directory's absolute path, or :class:`InvalidArgument` if it cannot be.

    Its parent must exist; the directory itself may be new, empty, or an earlier
    report (which is replaced), but nothing else: a report never overwrites other files.
    """
    target = Path(os.path.abspath(directory))
    parent = target.parent
    shown = str(directory)
    if target == parent:
        raise InvalidArgument(f"cannot write the HTML report to {shown!r}: it is a root directory")
    if not parent.is_dir():
        raise InvalidArgument(
            f"cannot write the HTML report to {shown!r}: directory {str(parent)!r} does not exist"
        )
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise InvalidArgument(
                f"cannot write the HTML report to {shown!r}: it exists and is not a directory"
            )
        if not _is_report(target):
            raise InvalidArgument(
                f"cannot write the HTML report to {shown!r}: the directory holds other files "
                "than an earlier report; give a new or empty directory"
            )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InvalidArgument(
            f"cannot write the HTML report to {shown!r}: directory {str(parent)!r} is not writable"
        )
    return target


def write_html(coverages: Sequence[Coverage], directory: str | Path) -> Path:
    """Write the HTML report of ``coverages`` into ``directory``; returns the index page.

    The pages are built in a temporary directory next to ``directory`` and renamed into
    place; an earlier report there is replaced. Raises :class:`InvalidArgument` naming
    the path when the directory cannot be written.
    """
    target = check_target(directory)
    pages = _render(coverages)
    shown = str(directory)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    except OSError as err:
        raise InvalidArgument(
            f"cannot write the HTML report to {shown!r}: {err.strerror}"
        ) from None
    old = tmp.with_name(tmp.name + ".old")
    try:
        for name, text in sorted(pages.items()):
            (tmp / name).write_bytes(text.encode("utf-8"))
        tmp.chmod(0o755)  # mkdtemp makes it private
        if target.exists():
            os.rename(target, old)
            try:
                os.rename(tmp, target)
            except OSError:
                os.rename(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, target)
    except OSError as err:
        raise InvalidArgument(
            f"cannot write the HTML report to {shown!r}: {err.strerror or err}"
        ) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target / "index.html"
