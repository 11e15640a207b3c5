"""Working with generated problem sets: check, grade, split overlap, contamination,
coverage of a set, worksheets (HTML, Markdown, PDF), and checking user lexicons."""

from __future__ import annotations

import html
import os
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .errors import GramgenError, InvalidArgument
from .family import FAMILIES_DIR, Family, load_family
from .generate import _digest, _fsync_write, _unit, question_hash, read_records

__all__ = [
    "SetCoverage",
    "check_file",
    "check_lexicons",
    "contamination",
    "grade_record",
    "overlap",
    "set_coverage",
    "worksheet",
    "worksheet_pdf",
]

_NONE = re.compile(r"not enough information|cannot be (determined|answered|solved)|"
                   r"insufficient information|unanswerable|can't be determined", re.I)  # fmt: skip


def _family_of(record: Mapping[str, Any], cache: dict[str, Family]) -> Family:
    name = str(record.get("family", ""))
    if name not in cache:
        grammar = (record.get("provenance") or {}).get("grammar")
        path = FAMILIES_DIR.parent / str(grammar) if grammar else None
        if path is not None and path.is_file():
            cache[name] = load_family(path)
        else:
            cache[name] = load_family(name)
    return cache[name]


@dataclass
class CheckReport:
    """The outcome of checking a file: records checked and what was wrong with which."""

    checked: int = 0
    failures: list[tuple[str, list[str]]] = field(default_factory=list)
    changed_grammars: set[str] = field(default_factory=set)


def check_file(path: str | Path, *, family: str | None = None) -> CheckReport:
    """Check every record of a JSONL/Parquet file independently (:meth:`Family.check`)."""
    report = CheckReport()
    cache: dict[str, Family] = {}
    for n, rec in enumerate(read_records(path), 1):
        rid = str(rec.get("id", f"line {n}"))
        try:
            fam = load_family(family) if family else _family_of(rec, cache)
        except GramgenError as err:
            report.failures.append((rid, [f"cannot load its family: {err}"]))
            report.checked += 1
            continue
        prov = rec.get("provenance") or {}
        if prov.get("grammar_sha256") not in (None, fam.sha256):
            report.changed_grammars.add(fam.name)
        problems = fam.check(rec)
        report.checked += 1
        if problems:
            report.failures.append((rid, problems))
    return report


def grade_record(record: Mapping[str, Any], response: str) -> Any:
    """Grade an answer text (e.g. a model's output) against a record: a Check.

    Numbers are compared exactly and accept ``3/4``, ``0.75``, ``75%``,
    ``$1,250.00``, ``1 1/2``; for an unsolvable record the response must say
    there is not enough information.
    """
    from gramgen.solvers import Check, grade  # type: ignore[import-not-found, unused-ignore]

    if not record.get("solvable", True):
        if _NONE.search(response):
            return Check.verified("says there is not enough information")
        return Check.refuted("the problem is unsolvable; the response does not say so")
    expected = str(record.get("answer", ""))
    if not expected:
        raise InvalidArgument(f"record {record.get('id')!r} has no answer")
    return grade(response, expected)


def grade_file(records: str | Path, answers: str | Path) -> tuple[int, int, list[dict[str, Any]]]:
    """Grade a file of answers (JSONL: ``id`` and ``answer`` or ``response``) against
    the records; (correct, graded, per-answer results)."""
    by_id = {str(r["id"]): r for r in read_records(records) if "id" in r}
    rows = []
    correct = 0
    for n, a in enumerate(read_records(answers), 1):
        rid = str(a.get("id", ""))
        if rid not in by_id:
            raise InvalidArgument(f"{answers}:{n}: no record with id {rid!r} in {records}")
        text = a.get("response", a.get("answer"))
        if not isinstance(text, str):
            raise InvalidArgument(f"{answers}:{n}: needs a string 'answer' or 'response'")
        check = grade_record(by_id[rid], text)
        correct += bool(check.ok)
        rows.append({"id": rid, "verdict": str(check.verdict.name).lower(), "why": check.reason})
    return correct, len(rows), rows


def _structure(r: Mapping[str, Any]) -> tuple[str, int, tuple[int, ...]]:
    prov = r.get("provenance") or {}
    return (str(r.get("family")), int(r.get("difficulty", 0)), tuple(prov.get("path") or ()))


def overlap(first: str | Path, second: str | Path) -> dict[str, int]:
    """Shared derivation structures and shared questions between two files."""
    a_struct: set[tuple[str, int, tuple[int, ...]]] = set()
    a_q: set[int] = set()
    n_a = 0
    for r in read_records(first):
        n_a += 1
        a_struct.add(_structure(r))
        a_q.add(question_hash(str(r.get("question", ""))))
    shared_s: set[tuple[str, int, tuple[int, ...]]] = set()
    shared_q = 0
    n_b = 0
    for r in read_records(second):
        n_b += 1
        s = _structure(r)
        if s in a_struct:
            shared_s.add(s)
        shared_q += question_hash(str(r.get("question", ""))) in a_q
    return {
        "records_first": n_a,
        "records_second": n_b,
        "shared_structures": len(shared_s),
        "shared_questions": shared_q,
    }


def _ngrams(text: str, n: int) -> set[int]:
    words = re.findall(r"[a-z0-9$%./]+", text.lower())
    return {_digest(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)}


def contamination(
    path: str | Path, reference: str | Path, *, n: int = 8, threshold: float = 0.5
) -> tuple[int, list[dict[str, Any]]]:
    """Records whose question shares n-grams with a reference file (JSONL with a
    ``question``/``text``/``problem`` field, or plain text, one item a line).

    Returns (records looked at, flagged records with the share of their n-grams
    found in the reference); flagged when the share is at least ``threshold``.
    """
    if n < 3:
        raise InvalidArgument(f"n-grams shorter than 3 words flag everything; got n={n}")
    ref: set[int] = set()
    for text in _reference_texts(reference):
        ref |= _ngrams(text, n)
    flagged = []
    seen = 0
    for r in read_records(path):
        seen += 1
        grams = _ngrams(str(r.get("question", "")), n)
        if not grams:
            continue
        share = len(grams & ref) / len(grams)
        if share >= threshold:
            flagged.append({"id": r.get("id"), "share": round(share, 3)})
    return seen, flagged


def _reference_texts(path: str | Path) -> Iterator[str]:
    p = Path(path)
    if not p.is_file():
        raise InvalidArgument(f"reference file {p} does not exist")
    if p.suffix in (".jsonl", ".json", ".parquet"):
        for r in read_records(p):
            for key in ("question", "text", "problem", "prompt"):
                if isinstance(r.get(key), str):
                    yield r[key]
                    break
        return
    yield from p.read_text(encoding="utf-8", errors="replace").splitlines()


# -- worksheets ---------------------------------------------------------------------------------


def _pick(records: Iterable[dict[str, Any]], n: int, seed: int) -> list[dict[str, Any]]:
    rows = [r for r in records if r.get("solvable", True)]
    if not rows:
        raise InvalidArgument("no solvable problems to put on a worksheet")
    rows.sort(key=lambda r: _unit("worksheet", seed, r.get("id")))
    chosen = rows[:n]
    chosen.sort(key=lambda r: (int(r.get("difficulty", 0)), str(r.get("topic")), str(r.get("id"))))
    return chosen


def worksheet_markdown(rows: Sequence[Mapping[str, Any]], title: str) -> str:
    lines = [f"# {title}", "", "Name: ____________________   Date: ____________", ""]
    for i, r in enumerate(rows, 1):
        lines += [f"**{i}.** {r['question']}", "", "&nbsp;", ""]
    lines += ['<div style="page-break-before: always"></div>', "", f"# {title}: answer key", ""]
    for i, r in enumerate(rows, 1):
        lines.append(f"**{i}.** {r['answer_text']}")
        lines += [f"   - {s}" for s in r.get("steps") or []]
        lines.append("")
    return "\n".join(lines)


def worksheet_html(rows: Sequence[Mapping[str, Any]], title: str) -> str:
    e = html.escape
    items = "\n".join(
        f'<li class="problem"><p>{e(str(r["question"]))}</p><div class="work"></div></li>'
        for r in rows
    )
    key = "\n".join(
        f'<li class="answer"><strong>{e(str(r["answer_text"]))}</strong>'
        + '<ol class="steps">'
        + "".join(f"<li>{e(str(s))}</li>" for s in r.get("steps") or [])
        + "</ol></li>"
        for r in rows
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>
body {{ font-family: Georgia, serif; max-width: 48rem; margin: 2rem auto; line-height: 1.5; }}
header p {{ display: flex; gap: 4rem; }}
.problem {{ margin-bottom: 1.2rem; break-inside: avoid; }}
.work {{ height: 5rem; border-bottom: 1px dotted #999; }}
.steps {{ font-size: 0.9em; color: #333; }}
#answer-key {{ break-before: page; page-break-before: always; }}
@media print {{ body {{ margin: 0; }} }}
</style></head>
<body>
<section id="problems"><header><h1>{e(title)}</h1>
<p><span>Name: ____________________</span><span>Date: __________</span></p></header>
<ol>
{items}
</ol></section>
<section id="answer-key"><h1>{e(title)}: answer key</h1>
<ol>
{key}
</ol></section>
</body></html>
"""


def worksheet(
    path: str | Path, out: str | Path, *, n: int = 20, seed: int = 0, title: str = "Worksheet"
) -> int:
    """Write a worksheet of ``n`` problems from a problem file (``.html`` or ``.md``
    by the output's suffix) with the answer key on separate pages; returns how
    many problems it holds."""
    if n < 1:
        raise InvalidArgument(f"a worksheet needs at least one problem, got n={n}")
    target = Path(out)
    if target.suffix not in (".html", ".htm", ".md"):
        raise InvalidArgument(
            f"worksheet output must end in .html or .md, got {target.name} (for a PDF use "
            "worksheet_pdf, or --pdf on the command line)"
        )
    rows = _pick(read_records(path), n, seed)
    text = (
        worksheet_html(rows, title) if target.suffix != ".md" else worksheet_markdown(rows, title)
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _fsync_write(target, text.encode())
    except OSError as err:
        raise InvalidArgument(f"cannot write {target}: {err.strerror}") from None
    return len(rows)


# -- PDF worksheets ------------------------------------------------------------------------------

#: Characters the PDF core fonts (Latin-1) lack, written the way a plain-text page would.
_FOLD = {
    "\u2014": "--", "\u2013": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2026": "...", "\u2022": "*", "\u2044": "/", "\u2215": "/",
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~", "\u221a": "sqrt",
    "\u03c0": "pi", "\u2192": "->", "\u2190": "<-", "\u20ac": "EUR", "\u2122": "(TM)",
    "\u2009": " ", "\u202f": " ", "\u200b": "", "\u2032": "'", "\u2033": '"',
}  # fmt: skip


def fold_latin1(text: str) -> str:
    """``text`` in the characters of Latin-1 (what the PDF core fonts can show):
    dashes, quotes and symbols as their plain forms, vulgar fractions as ``2/3``,
    accents dropped where Latin-1 has no such letter, anything else as ``?``.
    Latin-1's own (``½``, ``÷``, ``é``, ...) stay."""
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        got = _FOLD.get(ch)
        if got is None:
            parts = unicodedata.normalize("NFKD", ch)
            got = "".join(_FOLD.get(c, c) for c in parts if not unicodedata.combining(c))
            if not got or any(ord(c) >= 256 for c in got):
                got = "?"
        out.append(got)
    return "".join(out)


def worksheet_pdf_bytes(
    rows: Sequence[Mapping[str, Any]], title: str, *, font: str | Path | None = None
) -> bytes:
    """A PDF worksheet: the problems with room to work, then the answer key (with
    the solution steps) starting on a new page. Without ``font`` (a TrueType file
    for full Unicode) the text is set in Helvetica and folded to Latin-1."""
    try:
        from fpdf import FPDF  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise InvalidArgument("PDF worksheets need fpdf2: pip install 'gramgen[pdf]'") from None
    from . import __version__

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    fold: Callable[[str], str] = fold_latin1
    face = "helvetica"
    if font is not None:
        face, fold = "worksheet", str
        fpath = Path(font)
        if not fpath.is_file():
            raise InvalidArgument(f"font file {fpath} does not exist")
        try:
            for style in ("", "B"):
                pdf.add_font(face, style, str(fpath))
        except Exception as err:  # fontTools and fpdf2 raise many kinds on a bad file
            raise InvalidArgument(
                f"cannot use {fpath} as a font (a TrueType .ttf file is needed): {err}"
            ) from None
    pdf.set_title(fold(title))
    pdf.set_creator(f"gramgen {__version__}")
    width = pdf.epw - 8  # the text column beside the item numbers

    def heading(text: str) -> None:
        pdf.set_font(face, "B", 18)
        pdf.multi_cell(0, 9, fold(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    def item(i: int, text: str, after: float) -> None:
        pdf.set_font(face, "", 11)
        lines = cast("list[str]", pdf.multi_cell(width, 6, text, align="L", dry_run=True,
                                                 output="LINES"))  # fmt: skip
        if pdf.get_y() + 6 * len(lines) + after > pdf.page_break_trigger:
            pdf.add_page()  # a problem and its working space stay together
        pdf.set_font(face, "B", 11)
        pdf.cell(8, 6, f"{i}.")
        pdf.set_font(face, "", 11)
        pdf.multi_cell(width, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    heading(title)
    pdf.set_font(face, "", 11)
    pdf.cell(0, 7, "Name: ______________________      Date: ______________",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.ln(5)
    for i, r in enumerate(rows, 1):
        item(i, fold(str(r["question"])), 28)
        pdf.ln(26)
    pdf.add_page()  # the answer key starts on a page of its own
    heading(f"{title}: answer key")
    for i, r in enumerate(rows, 1):
        steps = [fold(f"- {step}") for step in r.get("steps") or []]
        item(i, fold(str(r["answer_text"])), 5 * len(steps))  # an answer and its steps together
        pdf.set_font(face, "", 9)
        for step in steps:
            pdf.set_x(pdf.l_margin + 8)
            pdf.multi_cell(width, 5, step, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def worksheet_pdf(
    path: str | Path,
    out: str | Path,
    *,
    n: int = 20,
    seed: int = 0,
    title: str = "Worksheet",
    font: str | Path | None = None,
) -> int:
    """Write a PDF worksheet of ``n`` problems from a problem file, with the answer
    key on separate pages (see :func:`worksheet_pdf_bytes`; needs ``gramgen[pdf]``);
    returns how many problems it holds."""
    if n < 1:
        raise InvalidArgument(f"a worksheet needs at least one problem, got n={n}")
    target = Path(out)
    if target.suffix.lower() != ".pdf":
        raise InvalidArgument(f"PDF worksheet output must end in .pdf, got {target.name}")
    rows = _pick(read_records(path), n, seed)
    data = worksheet_pdf_bytes(rows, title, font=font)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _fsync_write(target, data)
    except OSError as err:
        raise InvalidArgument(f"cannot write {target}: {err.strerror}") from None
    return len(rows)


# -- user lexicons -----------------------------------------------------------------------------

_PROBES = 400  # derivations per level looked at to find the terminals a lexicon fills


def _lexicon_uses(
    fam: Family, names: Iterable[str]
) -> tuple[dict[str, set[tuple[str, int]]], dict[str, int]]:
    """Where the family puts the words of lexicons ``names``: (form, terminal) pairs
    (form ``word``, ``singular`` or ``plural``), and the most distinct words one
    problem draws from each. Found by running the actions on derivations steered
    to exercise every alternative, optional and repetition of every level."""
    from .coverage import Coverage, CoverageChooser

    wanted = set(names)
    uses: dict[str, set[tuple[str, int]]] = {}
    most: dict[str, int] = {}
    for level in range(1, fam.levels + 1):
        lv = fam._level(level)
        cov = Coverage(lv.sampler, k=())
        chooser = CoverageChooser(cov, random.Random(level))
        seen: set[tuple[int, ...]] = set()
        for _ in range(_PROBES):
            d = lv.sampler.derive(chooser)
            cov.add(d)
            chooser.refresh()
            if tuple(d.path) not in seen:
                seen.add(tuple(d.path))
                try:
                    model = fam.model(level, d)
                except GramgenError:
                    continue
                roles: dict[str, set[str]] = {}
                for slot in model.slots:
                    if slot.kind not in ("noun", "word", "article") or slot.lexicon not in wanted:
                        continue
                    roles.setdefault(slot.lexicon, set()).add(slot.role)
                    sym = d.tokens[slot.index][0]
                    if slot.kind == "word":
                        uses.setdefault(slot.lexicon, set()).add(("word", sym))
                    elif slot.kind == "noun":
                        forms = (
                            ["singular", "plural"]
                            if isinstance(slot.count, str)
                            else ["singular" if slot.count == 1 else "plural"]
                        )
                        uses.setdefault(slot.lexicon, set()).update((f, sym) for f in forms)
                for lex, rs in roles.items():
                    most[lex] = max(most.get(lex, 0), len(rs))
            if cov.complete():
                break
    return uses, most


def check_lexicons(fam: Family, lexicons: Mapping[str, Sequence[str]]) -> None:
    """Raise InvalidArgument unless every word of the user ``lexicons`` can stand
    where ``fam`` puts words of that lexicon (its singular and plural a token of
    the terminal), and each lexicon has enough distinct words for one problem."""
    from .english import plural as _plural
    from .errors import SemanticError

    unknown = sorted(set(lexicons) - set(fam.actions.lexicons))
    if unknown:
        raise InvalidArgument(
            f"family {fam.name!r} has no lexicon {unknown[0]!r} (it has: "
            f"{', '.join(sorted(fam.actions.lexicons)) or 'none'})"
        )
    uses, most = _lexicon_uses(fam, lexicons)
    for name, words in sorted(lexicons.items()):
        if most.get(name, 0) > len(words):
            raise InvalidArgument(
                f"lexicon {name!r} has {len(words)} entr{'y' if len(words) == 1 else 'ies'} "
                f"but family {fam.name!r} draws "
                f"{most[name]} different ones for one problem"
            )
        order = {"word": 0, "singular": 1, "plural": 2}
        for form, sym in sorted(uses.get(name, ()), key=lambda u: (order[u[0]], u[1])):
            for word in words:
                text = _plural(word) if form == "plural" else word
                try:
                    fam._checked(sym, text)
                except SemanticError:
                    term = fam.grammar.symbols[sym].terminal
                    pattern = fam.grammar.loaded.terminals[term].pattern.to_regexp()
                    said = repr(text) if text == word else f"{text!r} (the plural of {word!r})"
                    raise InvalidArgument(
                        f"lexicon {name!r}: {said} is not a token of terminal {term} "
                        f"/{pattern}/ where family {fam.name!r} puts it ({fam.path.name}); "
                        "change the word or widen the terminal"
                    ) from None


# -- coverage of a problem set -------------------------------------------------------------------

_SET_KINDS = ("alt", "opt", "rep")


def _replay(lv: Any, path: Sequence[Any], where: str) -> Any:
    """The derivation a record's provenance path describes, checked against the grammar."""
    from .derive import Derivation

    engine = lv.sampler.engine
    bound = max(lv.sampler.max_size, 1)
    if not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= bound for c in path):
        raise InvalidArgument(f"{where}: provenance.path is not a list of choices: {path!r}")
    d = Derivation(lv.sampler.start, [int(c) for c in path], [], 0)
    bad = f"{where}: provenance.path {list(path)} is not a derivation of {lv.name!r}"
    bad += f" in {Path(str(lv.sampler.grammar.source)).name}"
    try:
        tree = engine.tree(d)
    except StopIteration:
        raise InvalidArgument(f"{bad} (too short); has the grammar changed?") from None
    except IndexError:
        raise InvalidArgument(f"{bad}; has the grammar changed?") from None
    used = terminals = 0
    for node in tree.walk():
        k = engine.kind[node.sym]
        if k == 3:
            terminals += 1
        elif k in {1, 2} or len(engine.items[node.sym]) > 1:
            used += 1
            if k == 2:
                lo, hi = engine.rep_lo[node.sym], engine.rep_hi[node.sym]
                ok = node.choice >= lo and (hi < 0 or node.choice <= hi)
            else:
                ok = node.choice <= (1 if k == 1 else len(engine.items[node.sym]) - 1)
            if not ok:
                raise InvalidArgument(f"{bad}; has the grammar changed?")
    if used != len(d.path):
        raise InvalidArgument(f"{bad} (too long); has the grammar changed?")
    d.tokens = [(-1, "")] * terminals  # the paths hold no token texts: none are counted
    return d


def _count(items: Sequence[Any], hits: Counter[Any]) -> dict[str, Any]:
    covered = sum(1 for i in items if hits[i])
    total = len(items)
    return {
        "covered": covered,
        "total": total,
        "percent": round(100.0 * covered / total, 2) if total else 100.0,
    }


@dataclass
class SetCoverage:
    """Which grammar productions the records of a problem set exercise, per family
    and topic: ``families`` holds one JSON-ready dict per family (see
    :func:`set_coverage`); ``changed`` names families whose grammar changed since
    some records were made."""

    records: int
    files: list[str]
    families: list[dict[str, Any]]
    changed: set[str] = field(default_factory=set)

    def totals(self, rows: Iterable[Mapping[str, Any]] | None = None) -> dict[str, Any]:
        """Covered, total and percent per kind, summed over ``rows`` (default all)."""
        rows = list(self.families if rows is None else rows)
        out: dict[str, Any] = {}
        for kind in _SET_KINDS:
            c = sum(r[kind]["covered"] for r in rows)
            t = sum(r[kind]["total"] for r in rows)
            out[kind] = {"covered": c, "total": t,
                         "percent": round(100.0 * c / t, 2) if t else 100.0}  # fmt: skip
        return out

    def percent(self) -> float:
        """Alternatives covered over all families, in percent."""
        return float(self.totals()["alt"]["percent"])

    def topics(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for topic in sorted({r["topic"] for r in self.families}):
            rows = [r for r in self.families if r["topic"] == topic]
            out[topic] = {
                "families": [r["family"] for r in rows],
                "records": sum(r["records"] for r in rows),
                **self.totals(rows),
            }
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "files": self.files,
            "summary": self.totals(),
            "topics": self.topics(),
            "families": self.families,
            "changed_grammars": sorted(self.changed),
        }

    def text(self, *, missing_limit: int = 40) -> str:
        def pct(c: Mapping[str, Any]) -> str:
            if not c["total"]:
                return f"{'-':>19}"
            return f"{c['covered']:>5}/{c['total']:<5} {c['percent']:>6.1f}%"

        def label(r: Mapping[str, Any]) -> str:
            levels = r["levels"]
            lv = f"L{levels[0]}-{levels[-1]}" if len(levels) > 1 else f"L{levels[0]}"
            return f"  {r['family']} ({lv}, {r['records']} records)"

        topics = self.topics()
        w = max([len("topic / family"), *map(len, topics), *map(len, map(label, self.families))])
        lines = [
            f"grammar coverage of {self.records} records ({', '.join(self.files)})",
            "",
            f"{'topic / family':<{w}} {'alternatives':>19}   {'optionals':>19}   "
            f"{'repetitions':>19}",
        ]
        for topic, t in topics.items():
            lines.append(f"{topic:<{w}} {pct(t['alt'])}   {pct(t['opt'])}   {pct(t['rep'])}")
            for r in self.families:
                if r["topic"] == topic:
                    lines.append(
                        f"{label(r):<{w}} {pct(r['alt'])}   {pct(r['opt'])}   {pct(r['rep'])}"
                    )
        t = self.totals()
        lines.append(f"{'total':<{w}} {pct(t['alt'])}   {pct(t['opt'])}   {pct(t['rep'])}")
        for r in self.families:
            missing = r["missing"]
            if not missing:
                continue
            lines += ["", f"missing in {r['family']} ({len(missing)}):"]
            for m in missing[:missing_limit]:
                lines.append(f"  {_where(m)}: {m['kind']} {m['key']}")
            if len(missing) > missing_limit:
                more = len(missing) - missing_limit
                lines.append(f"  ... and {more} more (--format json lists all)")
        return "\n".join(lines)


def _sortable(part: str | int | None) -> tuple[int, str | int]:
    return (0, part) if part is not None else (1, "")


def _where(entry: Mapping[str, Any]) -> str:
    file = entry.get("file")
    if file:
        rel = os.path.relpath(file)
        file = rel if not rel.startswith("..") else file
    return ":".join(str(p) for p in (file, entry.get("line"), entry.get("column")) if p is not None)


def set_coverage(
    files: Sequence[str | Path],
    *,
    families: Sequence[str | Path] = (),
    levels: Sequence[int] | None = None,
) -> SetCoverage:
    """Coverage of the grammar alternatives (and optionals and repetitions) that the
    records of problem files (JSONL or Parquet from ``generate``) exercise.

    Each record's derivation is replayed from its provenance (family, difficulty
    and ``provenance.path``) on its family's grammar, and counted with
    :class:`gramgen.coverage.Coverage`. Per family, an item is counted if any of
    ``levels`` (default: all the family's levels) can reach it. ``families`` gives
    grammars (names or ``.lark`` paths) for records whose family is not bundled.
    """
    from .coverage import Coverage

    if not files:
        raise InvalidArgument("give at least one problem file")
    given: dict[str, Family] = {}
    for sel in families:
        fam = load_family(sel)
        given[fam.name] = fam
    from .family import bundled_families

    bundled = bundled_families()
    cache: dict[str, Family] = {}
    fams: dict[str, Family] = dict(given)
    structures: dict[tuple[str, int], Counter[tuple[int, ...]]] = {}  # (family, level)
    first: dict[tuple[str, int, tuple[int, ...]], str] = {}  # where each structure is first
    changed: set[str] = set()
    total = 0
    for f in files:
        for n, rec in enumerate(read_records(f), 1):
            total += 1
            where = f"{f}:{n}"
            name = str(rec.get("family", ""))
            if not name:
                raise InvalidArgument(f"{where}: the record has no family")
            if name in given:
                fam = given[name]
            elif name in bundled:
                fam = _family_of(rec, cache)
            else:
                raise InvalidArgument(
                    f"{where}: family {name!r} is not bundled: give its grammar with "
                    "--family PATH.lark (families=[...] in Python)"
                )
            fams[name] = fam
            prov = rec.get("provenance") or {}
            if not isinstance(prov, Mapping) or not isinstance(prov.get("path"), list):
                raise InvalidArgument(f"{where}: the record has no provenance.path")
            if prov.get("grammar_sha256") not in (None, fam.sha256):
                changed.add(name)
            try:
                level = int(rec.get("difficulty", 0))
            except (TypeError, ValueError):
                level = 0
            if not 1 <= level <= fam.levels:
                raise InvalidArgument(
                    f"{where}: difficulty {rec.get('difficulty')!r} is not a level of family "
                    f"{name!r} (1..{fam.levels})"
                )
            path = tuple(prov["path"])
            structures.setdefault((name, level), Counter())[path] += 1
            first.setdefault((name, level, path), f"{where}: record {rec.get('id')!r}")
    rows = []
    for name, fam in sorted(fams.items()):
        want = sorted(set(levels)) if levels else list(range(1, fam.levels + 1))
        bad = [lv for lv in want if not 1 <= lv <= fam.levels]
        if bad:
            raise InvalidArgument(
                f"family {name!r} has difficulty levels 1..{fam.levels}, not {bad[0]}"
            )
        hits: Counter[Any] = Counter()
        universe: dict[Any, None] = {}
        covs: list[Coverage] = []
        records = 0
        for level in want:
            lv = fam._level(level)
            cov = Coverage(lv.sampler, k=())
            covs.append(cov)
            universe.update(dict.fromkeys(cov.universe(_SET_KINDS)))
            for path, count in structures.get((name, level), Counter()).items():
                d = _replay(lv, path, first[name, level, path])
                hits.update({i: c * count for i, c in cov.items_of(d).items()})
                records += count
        describe = covs[0]
        items = sorted(universe, key=lambda i: (*map(_sortable, describe.position(i)), str(i)))
        entries = []
        for i in items:
            file, line, column = describe.position(i)
            entries.append({"kind": i[0], "key": describe.describe(i), "file": file,
                            "line": line, "column": column, "hits": hits[i]})  # fmt: skip
        row: dict[str, Any] = {
            "family": name,
            "topic": fam.topic,
            "grammar": fam.relpath,
            "levels": want,
            "records": records,
        }
        for kind in _SET_KINDS:
            row[kind] = _count([i for i in items if i[0] == kind], hits)
        row["missing"] = [{k: v for k, v in e.items() if k != "hits"} for e in entries
                          if not e["hits"]]  # fmt: skip
        row["covered"] = [e for e in entries if e["hits"] and e["kind"] == "alt"]
        rows.append(row)
    rows.sort(key=lambda r: (r["topic"], r["family"]))
    return SetCoverage(total, [str(f) for f in files], rows, changed)


def acceptance(fam: Any, per_level: int, seed: int = 0) -> dict[str, Any]:
    """How many of a family's tries make a problem: ``per_level`` candidates at each
    level, each try counted (a draw of numbers the construction rejected, or a
    candidate rejected whole: its structure cannot be solved, it failed its check).
    Returns ``made``, ``tries``, ``rate`` and the commonest ``reasons`` of rejection."""
    from .family import Rejected

    tries0, accepted0, reasons0 = fam.draws()
    rejected0 = Counter(fam.stats.rejected)
    made = 0
    for level in range(1, fam.levels + 1):
        for i in range(per_level):
            try:
                fam.item(i, seed=seed, level=level)
            except Rejected:
                continue
            made += 1
    tries, accepted, reasons = fam.draws()
    reasons.subtract(reasons0)
    rejected = Counter(fam.stats.rejected)
    rejected.subtract(rejected0)
    reasons.update(rejected)
    total = made + (tries - tries0) - (accepted - accepted0) + rejected.total()
    return {
        "made": made,
        "tries": total,
        "rate": made / total if total else 0.0,
        "reasons": [(r, n) for r, n in reasons.most_common() if n > 0][:3],
    }


def families_table(topic: str | None = None, tries: int = 0) -> list[dict[str, Any]]:
    """Every bundled family (of ``topic``): name, topic, title, levels and a sample;
    with ``tries``, its :func:`acceptance` over that many candidates per level."""
    from .family import Rejected, bundled_families

    out = []
    for name, path in bundled_families().items():
        if topic is not None and path.parent.name != topic:
            continue
        fam = load_family(path)
        sample = ""
        for i in range(20):
            try:
                sample = str(fam.item(i, seed=0, level=1)["question"])
                break
            except Rejected:
                continue
        row = {"name": name, "topic": fam.topic, "title": fam.title, "levels": fam.levels,
               "lexicons": sorted(fam.actions.lexicons), "sample": sample}  # fmt: skip
        if tries:
            row["acceptance"] = acceptance(fam, tries)
        out.append(row)
    out.sort(key=lambda r: (r["topic"], r["name"]))
    return out
