"""Problem sets beyond generation: loading with Hugging Face datasets, grammar coverage
of a set, PDF worksheets, and user lexicons passed to generate."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Interrupting

import gramgen.generate as gen
from gramgen.cli import main
from gramgen.datasets import check_file, set_coverage, worksheet_pdf
from gramgen.derive import Derivation
from gramgen.errors import GramgenError, InvalidArgument
from gramgen.family import load_family
from gramgen.generate import GenerateOptions, generate, read_records
from gramgen.grammar import Kind

FAM = "change_join"
COLUMNS = {"id", "question", "answer", "answer_type", "answer_value", "answer_text", "solvable",
           "steps", "trace", "family", "topic", "difficulty", "split", "provenance"}  # fmt: skip


def _records(out: Path, pattern: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in sorted(out.glob(pattern)):
        rows += read_records(f)
    return rows


@pytest.fixture(scope="module")
def sets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same small run as JSONL and as Parquet (unsolvable items, a test split)."""
    pytest.importorskip("pyarrow")
    out = {}
    for fmt in ("jsonl", "parquet"):
        d = tmp_path_factory.mktemp(fmt)
        opts = GenerateOptions(
            [FAM], per_level=8, seed=5, unsolvable=0.25, test_fraction=0.3, fmt=fmt
        )
        generate(d, opts, workers=1)
        out[fmt] = d
    return out


# -- Hugging Face datasets -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_hugging_face_datasets_loads_the_files(
    sets: dict[str, Path], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("HF_HOME", "HF_DATASETS_CACHE"):
        monkeypatch.setenv(var, str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    datasets = pytest.importorskip("datasets")
    builder = "json" if fmt == "jsonl" else "parquet"
    files = {s: sorted(str(f) for f in sets[fmt].glob(f"{s}-*.{fmt}")) for s in ("train", "test")}
    ds = datasets.load_dataset(builder, data_files=files, cache_dir=str(tmp_path / "hf"))
    written = {s: _records(sets[fmt], f"{s}-*.{fmt}") for s in ("train", "test")}
    assert ds["train"].num_rows + ds["test"].num_rows == 24
    for split in ("train", "test"):
        got = ds[split]
        assert got.num_rows == len(written[split]) > 0
        assert set(got.column_names) == COLUMNS
        # nested fields are typed columns (a list of strings, a struct), not JSON blobs
        assert isinstance(got.features["provenance"], dict)
        assert "path" in got.features["provenance"]
        for row, rec in zip(got, written[split], strict=True):
            assert row["id"] == rec["id"] and row["question"] == rec["question"]
            assert row["steps"] == rec["steps"]
            assert all(isinstance(s, str) for s in row["steps"])
            prov = row["provenance"]
            assert isinstance(prov, dict)
            assert prov["path"] == rec["provenance"]["path"]
            assert prov["seed"] == rec["provenance"]["seed"]  # 64 bits, not rounded
            if not row["solvable"]:
                assert prov["vague"] == rec["provenance"]["vague"]
                assert prov["vague_number"]["style"]
            else:
                assert prov["vague"] is None and row["steps"]
    assert any(not r["solvable"] for r in ds["train"]) or any(not r["solvable"] for r in ds["test"])


def test_every_record_has_one_schema_and_its_seed_remakes_it(sets: dict[str, Path]) -> None:
    rows = _records(sets["jsonl"], "t*-*.jsonl")
    shapes = {tuple(r) for r in rows}
    provs = {tuple(r["provenance"]) for r in rows}
    assert len(shapes) == 1 and len(provs) == 1  # same fields, same order, in every record
    assert all(isinstance(r["provenance"]["seed"], str) for r in rows)
    assert any(int(r["provenance"]["seed"]) >= 2**63 for r in rows)  # beyond int64 and float
    fam = load_family(FAM)
    rec = next(r for r in rows if r["solvable"])
    prov = rec["provenance"]
    again = fam.item(prov["index"], seed=int(prov["seed"]), level=rec["difficulty"])
    assert again["question"] == rec["question"]
    parquet = _records(sets["parquet"], "t*-*.parquet")
    assert sorted(json.dumps(r, sort_keys=True) for r in parquet) == sorted(
        json.dumps(r, sort_keys=True) for r in rows
    )
    for f in sets["parquet"].glob("t*-*.parquet"):
        assert check_file(f).failures == []  # unsolvable records keep what checks them


# -- coverage of a set ---------------------------------------------------------------------------

TINY = """\
start: PERSON "has" NUM "apples" "." ask
ask: "How many apples does" PERSON "have" "?"
   | "What is the number of apples" PERSON "has" "?"
   | "Count the apples of" PERSON "."   //@ w=0
PERSON: /[A-Z][a-z]+/
NUM: /[1-9][0-9]*/
%ignore " "
"""
TINY_PY = """\
from gramgen.semantics import Semantics
class Tiny(Semantics):
    levels = 1
    def PERSON(self, tok): return self.person(tok, 'a')
    def NUM(self, tok): return self.number(tok, 2, 60, name='n')
    def ask(self, c): return None
    def start(self, c):
        self.step('{n} = {n}')
        return c[1]
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A family whose alternatives can be read off its questions, and a set made from it."""
    d = tmp_path_factory.mktemp("tiny")
    grammar = d / "tiny.lark"
    grammar.write_text(TINY)
    grammar.with_suffix(".py").write_text(TINY_PY)
    generate(d / "out", GenerateOptions([str(grammar)], per_level=20, seed=2), workers=1)
    (f,) = (d / "out").glob("train-*.jsonl")
    return grammar, f


def test_set_coverage_matches_the_phrasings_of_the_questions(tiny: tuple[Path, Path]) -> None:
    grammar, f = tiny
    questions = [str(r["question"]) for r in read_records(f)]
    cov = set_coverage([f], families=[grammar])
    assert cov.records == 20
    (row,) = cov.families
    assert row["family"] == "tiny" and row["records"] == 20 and row["levels"] == [1]
    hits = {c["key"]: c["hits"] for c in row["covered"]}
    # the first two phrasings are read off the text; the third has weight 0
    assert hits["ask#1"] == sum("How many apples does" in q for q in questions) > 0
    assert hits["ask#2"] == sum("What is the number of" in q for q in questions) > 0
    assert hits["start#1"] == 20
    assert row["alt"] == {"covered": 3, "total": 4, "percent": 75.0}
    (missing,) = row["missing"]
    assert (missing["kind"], missing["key"], missing["line"], missing["column"]) == (
        "alt", "ask#3", 4, 6,
    )  # fmt: skip
    assert Path(missing["file"]).name == "tiny.lark"
    assert cov.percent() == 75.0
    assert cov.topics()[row["topic"]]["alt"]["covered"] == 3


def test_set_coverage_command(
    tiny: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grammar, f = tiny
    assert main(["set-coverage", str(f), "--family", str(grammar), "--fail-under", "75"]) == 0
    out = capsys.readouterr().out
    assert "3/4" in out and "75.0%" in out
    assert re.search(r"tiny\.lark:4:6: alt ask#3", out)
    assert main(["coverage-set", str(f), "--family", str(grammar), "--fail-under", "80"]) == 1
    assert "75.0% is under --fail-under 80" in capsys.readouterr().err
    assert main(["set-coverage", str(f), "--family", str(grammar), "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["summary"]["alt"] == {"covered": 3, "total": 4, "percent": 75.0}
    assert got["families"][0]["missing"][0]["key"] == "ask#3"
    # bad input: one line naming what is wrong, exit 2
    assert main(["set-coverage", str(f)]) == 2
    assert "family 'tiny' is not bundled: give its grammar with --family" in capsys.readouterr().err
    assert main(["set-coverage", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl does not exist" in capsys.readouterr().err
    rec = next(iter(read_records(f)))
    rec["provenance"]["path"] = [7]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(rec) + "\n")
    assert main(["set-coverage", str(bad), "--family", str(grammar)]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:1: record 'tiny-L1-s2-" in err and "is not a derivation" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    with pytest.raises(SystemExit):
        main(["set-coverage", str(f), "--fail-under", "120"])
    assert "percentage in 0..100" in capsys.readouterr().err


def test_every_alternative_reported_covered_is_in_some_record(sets: dict[str, Path]) -> None:
    files = sorted(sets["parquet"].glob("t*-*.parquet"))
    cov = set_coverage(files)
    (row,) = cov.families
    assert row["records"] == cov.records == 24 and row["topic"] == "addition_subtraction"
    # replay the paths independently: which (rule, alternative) each record took
    fam = load_family(FAM)
    taken: dict[str, int] = {}
    for r in _records(sets["parquet"], "t*-*.parquet"):
        sampler = fam._level(r["difficulty"]).sampler
        d = Derivation(sampler.start, r["provenance"]["path"], [], 0)
        for node in sampler.engine.tree(d).walk():
            sym = sampler.grammar.symbols[node.sym]
            if sym.kind is Kind.RULE:
                key = sampler.grammar.alternative_key(sym, sym.alts[node.choice])
                taken[key] = taken.get(key, 0) + 1
    covered = {c["key"]: c["hits"] for c in row["covered"]}
    assert covered == taken
    missing = {m["key"] for m in row["missing"] if m["kind"] == "alt"}
    assert not missing & set(taken)
    assert row["alt"]["covered"] == len(covered)
    assert row["alt"]["total"] == len(covered) + len(missing)
    # one level only: what level 1 cannot reach (the distractor of level 3) is not counted
    only1 = set_coverage(files, levels=[1]).families[0]
    assert only1["records"] == sum(1 for r in _records(sets["parquet"], "t*-*.parquet")
                                   if r["difficulty"] == 1)  # fmt: skip
    assert not any(k.startswith("other#") for k in (m["key"] for m in only1["missing"]))
    assert only1["alt"]["total"] < row["alt"]["total"]


# -- PDF worksheets ------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(pdf: Path) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [p.extract_text() or "" for p in pypdf.PdfReader(str(pdf)).pages]


def test_pdf_worksheet_has_the_answer_key_on_later_pages(
    sets: dict[str, Path], tmp_path: Path
) -> None:
    pytest.importorskip("fpdf")
    src = next(sets["jsonl"].glob("train-*.jsonl"))
    pdf = tmp_path / "sheet.pdf"
    assert worksheet_pdf(src, pdf, n=8, seed=1, title="Adding up") == 8
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages = _pages(pdf)
    assert len(pages) >= 2
    key = next(i for i, t in enumerate(pages) if "answer key" in t)
    assert key >= 1  # the key starts on a page after the problems
    front, back = _squash("".join(pages[:key])), _squash("".join(pages[key:]))
    chosen = [r for r in read_records(src) if _squash(str(r["question"])) in front]
    assert len(chosen) == 8
    assert "Adding up" in pages[0] and "Name:" in pages[0]
    for r in chosen:
        assert _squash(str(r["question"])) not in back
        assert _squash(str(r["answer_text"])) in back
        assert _squash(str(r["steps"][0])) in back


RECORD = {"id": "u1", "question": "Mix ½ cup — then 3 \u00d7 4 and ⅔ more at the café?",
          "answer": "12", "answer_text": "12 cups", "solvable": True,
          "steps": ["3 \u00d7 4 = 12 — done ≥ 1"], "difficulty": 1, "topic": "t"}  # fmt: skip


def test_pdf_worksheet_takes_any_unicode(tmp_path: Path) -> None:
    pytest.importorskip("fpdf")
    src = tmp_path / "u.jsonl"
    src.write_text(json.dumps(RECORD, ensure_ascii=False) + "\n")
    pdf = tmp_path / "u.pdf"
    assert worksheet_pdf(src, pdf, n=1, title="Fractions — ½") == 1
    text = "".join(_pages(pdf))
    for want in ("½", "\u00d7", "--", "2/3", "café", ">= 1"):
        assert want in text
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if font.is_file():  # a TrueType font keeps every character as written
        full = tmp_path / "full.pdf"
        worksheet_pdf(src, full, n=1, font=font)
        text = "".join(_pages(full))
        assert "—" in text and "⅔" in text and "≥" in text


def test_pdf_worksheet_command(
    sets: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("fpdf")
    src = str(next(sets["jsonl"].glob("train-*.jsonl")))
    pdf, html = tmp_path / "w.pdf", tmp_path / "w.html"
    assert main(["worksheet", src, "--pdf", str(pdf), "-o", str(html), "-n", "3"]) == 0
    assert len(_pages(pdf)) >= 2 and html.read_text().count('class="problem"') == 3
    assert main(["worksheet", src]) == 2
    assert "give -o OUT.html (or .md) and/or --pdf OUT.pdf" in capsys.readouterr().err
    assert main(["worksheet", src, "--pdf", str(tmp_path / "w.txt")]) == 2
    assert "must end in .pdf" in capsys.readouterr().err
    assert main(["worksheet", src, "--pdf", str(pdf), "--font", str(tmp_path / "x.ttf")]) == 2
    assert "x.ttf does not exist" in capsys.readouterr().err
    notfont = tmp_path / "bad.ttf"
    notfont.write_text("not a font")
    assert main(["worksheet", src, "--pdf", str(pdf), "--font", str(notfont)]) == 2
    assert "cannot use" in capsys.readouterr().err


def test_pdf_without_fpdf2_names_the_extra(
    sets: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "fpdf", None)  # import fpdf raises ImportError
    src = next(sets["jsonl"].glob("train-*.jsonl"))
    with pytest.raises(InvalidArgument, match=r"pip install 'gramgen\[pdf\]'"):
        worksheet_pdf(src, tmp_path / "w.pdf", n=2)
    assert main(["worksheet", str(src), "--pdf", str(tmp_path / "w.pdf")]) == 2
    assert "gramgen[pdf]" in capsys.readouterr().err
    assert not (tmp_path / "w.pdf").exists()


# -- user lexicons -------------------------------------------------------------------------------

FRUIT = ("banana", "kiwi", "mango", "plum")
PLURALS = ("bananas", "kiwis", "mangoes", "plums")


@pytest.fixture
def fruit(tmp_path: Path) -> Path:
    f = tmp_path / "fruit.csv"
    f.write_text("item,colour\n" + "".join(f"{w},x\n" for w in FRUIT))
    return f


def _bytes(out: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(out.glob("*.jsonl"))}


def test_a_lexicon_from_a_csv_fills_the_questions(fruit: Path, tmp_path: Path) -> None:
    opts = GenerateOptions([FAM], per_level=6, seed=1, levels=[1, 3],
                           lexicons={"thing": f"{fruit}:item"})  # fmt: skip
    generate(tmp_path / "a", opts, workers=1)
    rows = _records(tmp_path / "a", "train-*.jsonl")
    assert len(rows) == 12
    for r in rows:
        q = str(r["question"])
        assert any(w in q for w in PLURALS), q
        assert not re.search(r"\b(apples?|marbles?|stickers?|pencils?)\b", q)
    assert check_file(next((tmp_path / "a").glob("train-*.jsonl"))).failures == []
    manifest = json.loads(next((tmp_path / "a").glob("manifest-*.json")).read_text())
    assert manifest["options"]["lexicons"] == {"thing": f"{fruit}:item"}
    assert manifest["lexicons"]["thing"]["entries"] == 4
    # the same output whatever the number of workers
    generate(tmp_path / "b", opts, workers=2)
    assert _bytes(tmp_path / "b") == _bytes(tmp_path / "a")
    # a list of words works from Python; a family without the lexicon is left as it is
    listed = GenerateOptions([FAM, "ages"], per_level=2, seed=1, levels=[1],
                             lexicons={"thing": list(FRUIT)})  # fmt: skip
    generate(tmp_path / "c", listed, workers=1)
    got = [r for r in _records(tmp_path / "c", "train-*.jsonl") if r["family"] == FAM]
    assert len(got) == 2 and all(any(w in str(r["question"]) for w in PLURALS) for r in got)


def test_generate_lexicon_option(
    fruit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["families", "--topic", "addition_subtraction"]) == 0
    assert "lexicons (--lexicon NAME=FILE): thing" in capsys.readouterr().out
    assert main(["families", "--topic", "mixtures", "--acceptance", "3"]) == 0
    assert re.search(r"acceptance \d+% \(9 made in \d+ tries\)", capsys.readouterr().out)
    words = tmp_path / "words.txt"
    words.write_text("plum\ncherry\n")
    out = tmp_path / "o"
    args = ["generate", FAM, "-n", "3", "--levels", "1", "-q", "-o", str(out)]
    assert main([*args, "--lexicon", f"thing={words}"]) == 0
    assert all(re.search(r"plums|cherries", str(r["question"]))
               for r in _records(out, "train-*.jsonl"))  # fmt: skip

    def error(*extra: str) -> str:
        try:
            rc = main([*args, "--overwrite", *extra])
        except SystemExit as exit_:  # argparse's own errors
            rc = int(exit_.code or 0)
        assert rc == 2
        err = capsys.readouterr().err
        assert err.startswith("gramgen: error:") or "usage:" in err
        assert "Traceback" not in err
        return err

    assert "named 'things'" in error("--lexicon", f"things={words}")
    assert "change_join: thing" in error("--lexicon", f"things={words}")
    assert "no.txt does not exist" in error("--lexicon", f"thing={tmp_path / 'no.txt'}")
    assert "name a column" in error("--lexicon", f"thing={fruit}:colur")
    assert "given twice" in error("--lexicon", f"thing={words}", "--lexicon", f"thing={words}")
    assert "expected NAME=FILE" in error("--lexicon", "thing")
    spaced = tmp_path / "spaced.txt"
    spaced.write_text("plum\nbig apple\n")
    err = error("--lexicon", f"thing={spaced}")
    assert "'big apples' (the plural of 'big apple') is not a token of terminal ITEM" in err
    one = tmp_path / "one.txt"
    one.write_text("plum\n")
    assert "1 entry but family 'change_join' draws 2" in error("--lexicon", f"thing={one}")


def test_resume_refuses_other_lexicon_contents(
    fruit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gen, "CHUNK", 16)  # a few chunks per stream: stop after two
    words = tmp_path / "words.txt"
    words.write_text("plum\ncherry\nfig\n")
    opts = GenerateOptions([FAM], per_level=100, seed=1, levels=[1, 2],
                           lexicons={"thing": str(words)})  # fmt: skip
    out = tmp_path / "o"
    with pytest.raises(GramgenError, match="--resume"):
        generate(out, opts, executor=Interrupting(after=5))
    words.write_text("plum\ncherry\ngrape\n")  # same file, other words
    with pytest.raises(InvalidArgument, match="other options"):
        generate(out, opts, workers=1, resume=True)
    other = GenerateOptions([FAM], per_level=100, seed=1, levels=[1, 2])
    with pytest.raises(InvalidArgument, match="other options"):
        generate(out, other, workers=1, resume=True)
    words.write_text("plum\ncherry\nfig\n")
    generate(out, opts, workers=1, resume=True)
    whole = tmp_path / "whole"
    generate(whole, opts, workers=1)
    assert _bytes(out) == _bytes(whole)
