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
from .generate import _digest, _fsync_write, _unit, file_in_the_way, question_hash
from .records import field_problem
from .records import short_repr as _show

__all__ = [
    "SetCoverage",
    "check_file",
    "check_lexicons",
    "contamination",
    "grade_record",
    "overlap",
    "overlap_sides",
    "read_problems",
    "set_coverage",
    "worksheet",
    "worksheet_pdf",
]

_NONE = re.compile(r"not enough information|cannot be (determined|answered|solved)|"
                   r"insufficient information|unanswerable|can't be determined", re.I)  # fmt: skip


# -- reading problem files ---------------------------------------------------------------------


def records_of(p: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, record) for each record of a JSONL or Parquet file; ``where`` is
    ``file:line`` in JSON lines, ``file: record N`` in Parquet."""
    if not p.exists():
        raise InvalidArgument(f"{p} does not exist")
    if not p.is_file():
        kind = "a directory" if p.is_dir() else "not a regular file"
        raise InvalidArgument(f"{p} is {kind}, not a problem file")
    try:
        with p.open("rb") as fh:
            magic = fh.read(4)
    except OSError as err:
        raise InvalidArgument(f"cannot read {p}: {err.strerror or err}") from None
    if p.suffix.lower() == ".parquet" or magic == b"PAR1":
        from .parquet import read_parquet

        for n, row in enumerate(read_parquet(p), 1):
            yield f"{p}: record {n}", row
        return
    import orjson

    try:
        with p.open("rb") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = orjson.loads(line)
                except orjson.JSONDecodeError as err:
                    raise InvalidArgument(
                        f"{p}:{n}:{err.colno}: not a JSON record: {err.msg}"
                    ) from None
                if not isinstance(rec, dict):
                    raise InvalidArgument(
                        f"{p}:{n}: not a JSON object (a record is {{...}}), got {_show(rec)}"
                    )
                yield f"{p}:{n}", rec
    except OSError as err:
        raise InvalidArgument(f"cannot read {p}: {err.strerror or err}") from None


def read_problems(
    path: str | Path,
    fields: Sequence[str] = (),
    *,
    optional: Sequence[str] = (),
    what: str = "problem file",
    allow_empty: bool = False,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The records of a problem file (JSONL or Parquet) as ``(where, record)``,
    ``where`` being ``file:line`` (``file: record N`` in Parquet).

    Every error is an :class:`InvalidArgument` naming the file, and the line and
    field where there is one: a file that is missing, not JSON lines or Parquet,
    truncated or damaged; a line that is not a JSON object; a record without one of
    ``fields`` (``provenance.path`` for a field of ``provenance``), or with one of
    ``fields`` or ``optional`` not of its type; and, unless ``allow_empty``, a file
    with no records.
    """
    p = Path(path)
    checks = [(name, True) for name in fields] + [(name, False) for name in optional]
    checks.sort(key=lambda c: c[0].count("."))  # a field before the fields in it
    empty = True
    for where, rec in records_of(p):
        empty = False
        for name, required in checks:
            wrong = field_problem(rec, name, required=required)
            if wrong is not None:
                raise InvalidArgument(f"{where}: {wrong}")
        yield where, rec
    if empty and not allow_empty:
        raise InvalidArgument(f"{p}: an empty {what}: it holds no records")


def _read_many(
    files: Sequence[str | Path],
    fields: Sequence[str] = (),
    *,
    optional: Sequence[str] = (),
    empty: list[str] | None = None,
    what: str = "problem files",
) -> Iterator[tuple[str, dict[str, Any]]]:
    """:func:`read_problems` of several files (the shards of a run, say): one of them
    may hold no records (it is added to ``empty``), not all."""
    seen = False
    for f in files:
        got = False
        for where, rec in read_problems(f, fields, optional=optional, allow_empty=True):
            got = seen = True
            yield where, rec
        if not got and empty is not None:
            empty.append(str(f))
    if not seen:
        names = ", ".join(map(str, files))
        raise InvalidArgument(
            f"{names}: an empty {what.removesuffix('s')}: it holds no records"
            if len(files) == 1
            else f"the {what} {names} hold no records"
        )


def _write_output(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` under a temporary name, renamed when complete,
    making its directory if need be; one line saying why not, if not."""
    if target.is_dir():
        raise InvalidArgument(f"cannot write {target}: it is a directory")
    above = file_in_the_way(target)
    if above is not None:
        raise InvalidArgument(f"cannot write {target}: {above} is a file, not a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _fsync_write(target, data)
    except OSError as err:
        raise InvalidArgument(f"cannot write {target}: {err.strerror or err}") from None


def _family_of(record: Mapping[str, Any], cache: dict[str, Family]) -> Family:
    name = str(record.get("family", ""))
    if name not in cache:
        prov = record.get("provenance")
        grammar = prov.get("grammar") if isinstance(prov, Mapping) else None
        path = FAMILIES_DIR.parent / grammar if isinstance(grammar, str) and grammar else None
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
    """Check every record of a JSONL/Parquet file independently (:meth:`Family.check`).

    A file that cannot be read, or holds no records, is an InvalidArgument (see
    :func:`read_problems`); what is wrong with a record is among the failures."""
    report = CheckReport()
    cache: dict[str, Family] = {}
    for where, rec in read_problems(path):
        rid = rec.get("id")
        rid = rid if isinstance(rid, str) and rid else where
        try:
            fam = load_family(family) if family else _family_of(rec, cache)
        except GramgenError as err:
            hint = "" if family else " (a family of your own: pass --family PATH.lark)"
            report.failures.append((rid, [f"cannot load its family: {err}{hint}"]))
            report.checked += 1
            continue
        prov = rec.get("provenance")
        sha = prov.get("grammar_sha256") if isinstance(prov, Mapping) else None
        if sha not in (None, fam.sha256):
            report.changed_grammars.add(fam.name)
        problems = fam.check(rec)
        report.checked += 1
        if problems:
            report.failures.append((rid, problems))
    return report


def grade_record(record: Mapping[str, Any], response: str) -> Any:
    """Grade an answer text (e.g. a model's output) against a record: a Check.

    Numbers are compared exactly and accept ``3/4``, ``0.75``, ``75%``,
    ``$1,250.00``, ``1 1/2``. When the record's ``answer_text`` has a unit
    (``3.25 meters``, ``$12.50``), an answer in another unit of the same dimension
    is converted exactly first (``325 cm`` is right), and one in a unit of another
    dimension (``3.25 kg``) is wrong. For an unsolvable record the response must
    say there is not enough information.
    """
    from gramgen.solvers import Check, grade  # type: ignore[import-not-found, unused-ignore]
    from gramgen.solvers.answers import (  # type: ignore[import-not-found, unused-ignore]
        AnswerNotFound,
        unit_of,
    )

    if not record.get("solvable", True):
        if _NONE.search(response):
            return Check.verified("says there is not enough information")
        return Check.refuted("the problem is unsolvable; the response does not say so")
    answer = record.get("answer")
    rid = record.get("id")
    if not isinstance(answer, str) or not answer.strip():
        raise InvalidArgument(f"record {rid!r}: field 'answer' is {_show(answer)}, not an answer")
    text = record.get("answer_text")
    unit = unit_of(text) if isinstance(text, str) else None
    try:
        return grade(response, answer, unit=unit)
    except AnswerNotFound:
        raise InvalidArgument(
            f"record {rid!r}: field 'answer' is {_show(answer)}, not an answer that can be read"
        ) from None


def find_record(path: str | Path, rid: str) -> tuple[str, dict[str, Any]] | None:
    """The record with id ``rid`` of a problem file, with where it is (or None)."""
    fields = ("id",)
    for where, rec in read_problems(path, fields, optional=("solvable", "answer", "answer_text")):
        if rec["id"] == rid:
            return where, rec
    return None


def grade_file(records: str | Path, answers: str | Path) -> tuple[int, int, list[dict[str, Any]]]:
    """Grade a file of answers (JSONL: ``id`` and ``answer`` or ``response``) against
    the records; (correct, graded, per-answer results)."""
    by_id: dict[str, tuple[str, dict[str, Any]]] = {}
    fields = ("id",)
    for where, r in read_problems(records, fields, optional=("solvable", "answer", "answer_text")):
        if r["id"] in by_id:
            raise InvalidArgument(
                f"{where}: id {r['id']!r} again (first at {by_id[r['id']][0]}): an answer "
                "could not say which record it answers"
            )
        by_id[r["id"]] = (where, r)
    rows = []
    correct = 0
    for where, a in read_problems(answers, what="answers file"):
        rid = a.get("id")
        if isinstance(rid, int) and not isinstance(rid, bool):
            rid = str(rid)
        if not isinstance(rid, str) or not rid:
            raise InvalidArgument(f"{where}: needs a string 'id' naming a record of {records}")
        if rid not in by_id:
            raise InvalidArgument(f"{where}: no record with id {rid!r} in {records}")
        text = a.get("response", a.get("answer"))
        if not isinstance(text, str):
            raise InvalidArgument(f"{where}: needs a string 'answer' or 'response'")
        at, rec = by_id[rid]
        try:
            check = grade_record(rec, text)
        except InvalidArgument as err:
            raise InvalidArgument(f"{at}: {err}") from None
        correct += bool(check.ok)
        rows.append({"id": rid, "verdict": str(check.verdict.name).lower(), "why": check.reason})
    return correct, len(rows), rows


def _structure(r: Mapping[str, Any]) -> tuple[str, int, tuple[int, ...]]:
    return (r["family"], r["difficulty"], tuple(r["provenance"]["path"]))


_OVERLAP_FIELDS = ("question", "family", "difficulty", "provenance", "provenance.path")


def _files(side: str | Path | Sequence[str | Path]) -> list[str | Path]:
    return [side] if isinstance(side, str | Path) else list(side)


def overlap(
    first: str | Path | Sequence[str | Path], second: str | Path | Sequence[str | Path]
) -> dict[str, Any]:
    """Shared derivation structures and shared questions between two problem files,
    or two sets of them (the train and test shards of a run, say): how many records
    of ``second`` have a question of ``first``, and how many structures (family,
    level, derivation path) the two share. A side whose files hold no records is
    an error; a file that holds none beside others that do is in ``empty_files``."""
    one, two = _files(first), _files(second)
    if not one or not two:
        raise InvalidArgument("overlap needs at least one file on each side")
    empty: list[str] = []
    a_struct: set[tuple[str, int, tuple[int, ...]]] = set()
    a_q: set[int] = set()
    n_a = 0
    for _, r in _read_many(one, _OVERLAP_FIELDS, empty=empty):
        n_a += 1
        a_struct.add(_structure(r))
        a_q.add(question_hash(r["question"]))
    shared_s: set[tuple[str, int, tuple[int, ...]]] = set()
    shared_q = 0
    n_b = 0
    for _, r in _read_many(two, _OVERLAP_FIELDS, empty=empty):
        n_b += 1
        s = _structure(r)
        if s in a_struct:
            shared_s.add(s)
        shared_q += question_hash(r["question"]) in a_q
    return {
        "files_first": [str(f) for f in one],
        "files_second": [str(f) for f in two],
        "records_first": n_a,
        "records_second": n_b,
        "shared_structures": len(shared_s),
        "shared_questions": shared_q,
        "empty_files": empty,
    }


_SPLIT_NAME = re.compile(r"(train|test)-.*\.(jsonl|parquet)$")


def overlap_sides(
    files: Sequence[str | Path] = (),
    *,
    train: Sequence[str | Path] = (),
    test: Sequence[str | Path] = (),
) -> tuple[list[Path], list[Path]]:
    """The two sides :func:`overlap` compares, from what the command line gives:
    ``train`` and ``test`` (several files each: a run's shards), or ``files``: two
    files (the first against the second), a run's directory (its ``train-*`` against
    its ``test-*`` files), or files all named ``train-*`` or ``test-*`` (what
    ``out/train-*.parquet out/test-*.parquet`` expands to), sided by the name."""
    if train or test:
        if files:
            raise InvalidArgument("give the files as --train ... --test ..., or as two files")
        if not train or not test:
            raise InvalidArgument(f"give {'--test' if train else '--train'} files too")
        return [Path(f) for f in train], [Path(f) for f in test]
    paths = [Path(f) for f in files]
    if len(paths) == 1 and paths[0].is_dir():
        d = paths[0]
        sides = {
            split: sorted(f for f in d.iterdir() if (m := _SPLIT_NAME.match(f.name)) and
                          m.group(1) == split and f.is_file())
            for split in ("train", "test")
        }  # fmt: skip
        for split, got in sides.items():
            if not got:
                raise InvalidArgument(
                    f"{d} holds no {split}-*.jsonl or {split}-*.parquet files to compare"
                )
        return sides["train"], sides["test"]
    if len(paths) == 2:
        return [paths[0]], [paths[1]]
    if len(paths) < 2:
        what = f"{paths[0]} is not a directory: " if paths and paths[0].exists() else ""
        what = f"{paths[0]} does not exist: " if paths and not paths[0].exists() else what
        raise InvalidArgument(
            f"{what}give two files, a run's directory, or --train FILE... --test FILE..."
        )
    named = [(_SPLIT_NAME.match(f.name), f) for f in paths]
    odd = next((f for m, f in named if not m), None)
    if odd is not None:
        raise InvalidArgument(
            f"overlap compares two files; for several per side give --train FILE... "
            f"--test FILE... ({odd} is not named train-* or test-*)"
        )
    train_files = [f for m, f in named if m and m.group(1) == "train"]
    test_files = [f for m, f in named if m and m.group(1) == "test"]
    if not train_files or not test_files:
        raise InvalidArgument(
            f"all {len(paths)} files are {'train' if train_files else 'test'} files: give "
            "--train FILE... --test FILE..."
        )
    return train_files, test_files


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
    if not 0 < threshold <= 1:  # (NaN too)
        raise InvalidArgument(
            f"--threshold is the share of a record's n-grams found in the reference, in "
            f"(0, 1]; got {threshold}"
        )
    ref: set[int] = set()
    texts = 0
    for text in _reference_texts(reference):
        texts += 1
        ref |= _ngrams(text, n)
    if not texts:
        raise InvalidArgument(f"reference file {reference} holds no texts")
    flagged = []
    seen = 0
    for _, r in read_problems(path, ("question",)):
        seen += 1
        grams = _ngrams(r["question"], n)
        if not grams:
            continue
        share = len(grams & ref) / len(grams)
        if share >= threshold:
            flagged.append({"id": r.get("id"), "share": round(share, 3)})
    return seen, flagged


def _reference_texts(path: str | Path) -> Iterator[str]:
    p = Path(path)
    if not p.exists():
        raise InvalidArgument(f"reference file {p} does not exist")
    if p.is_dir():
        raise InvalidArgument(f"reference file {p} is a directory")
    if p.suffix.lower() in (".jsonl", ".json", ".parquet"):
        for _, r in read_problems(p, what="reference file", allow_empty=True):
            for key in ("question", "text", "problem", "prompt"):
                if isinstance(r.get(key), str):
                    yield r[key]
                    break
        return
    try:
        lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        raise InvalidArgument(f"cannot read reference file {p}: {err.strerror or err}") from None
    yield from (line for line in lines if line.strip())


# -- worksheets ---------------------------------------------------------------------------------


_WORKSHEET_FIELDS = ("question", "answer_text")
_WORKSHEET_OPTIONAL = ("id", "solvable", "steps", "difficulty", "topic")


def _pick(path: str | Path, n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` solvable problems of a problem file, chosen by ``seed``."""
    records = read_problems(path, _WORKSHEET_FIELDS, optional=_WORKSHEET_OPTIONAL)
    rows = [r for _, r in records if r.get("solvable", True)]
    if not rows:
        raise InvalidArgument(f"{path}: no solvable problems to put on a worksheet")
    rows.sort(key=lambda r: _unit("worksheet", seed, r.get("id")))
    chosen = rows[:n]
    chosen.sort(key=lambda r: (r.get("difficulty", 0), str(r.get("topic")), str(r.get("id"))))
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
    rows = _pick(path, n, seed)
    text = (
        worksheet_html(rows, title) if target.suffix != ".md" else worksheet_markdown(rows, title)
    )
    _write_output(target, text.encode())
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
    rows = _pick(path, n, seed)
    data = worksheet_pdf_bytes(rows, title, font=font)
    _write_output(target, data)
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
    some records were made, ``empty`` the files given that hold no records (an
    error if all do)."""

    records: int
    files: list[str]
    families: list[dict[str, Any]]
    changed: set[str] = field(default_factory=set)
    empty: list[str] = field(default_factory=list)  # files given that hold no records

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
    empty: list[str] = []
    fields = ("family", "difficulty", "provenance", "provenance.path")
    optional = ("id", "provenance.grammar", "provenance.grammar_sha256")
    for where, rec in _read_many(files, fields, optional=optional, empty=empty):
        total += 1
        name = rec["family"]
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
        prov = rec["provenance"]
        if prov.get("grammar_sha256") not in (None, fam.sha256):
            changed.add(name)
        level = rec["difficulty"]
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
    return SetCoverage(total, [str(f) for f in files], rows, changed, empty)


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
