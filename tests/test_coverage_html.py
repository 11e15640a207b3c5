"""The HTML coverage report: pages per source file, badges, index, atomic writing, CLI, browser."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gramgen import Grammar, InvalidArgument, Sampler
from gramgen.cli import main
from gramgen.counting import enumerate_derivations
from gramgen.coverage import Coverage
from gramgen.coverage_html import write_html

MAIN = """\
// greetings & <farewells>
start: greeting NAME? "!"* tail
greeting: "hi" -> hi
        | "hello" -> hello
        | "hey"
tail: item
    | "<" tail ">"
unused: "x" | "y"
NAME: "bob" | "amy"
%import .lib.item
%ignore " "
"""

LIB = """\
item: "a" ["b"]
    | "c"
"""

# the two derivations recorded: "hello bob ! ! < a b >" and "hi c"
TEXTS = ("hellobob!!<ab>", "hic")


def _coverage(tmp_path: Path) -> Coverage:
    (tmp_path / "main.lark").write_text(MAIN, encoding="utf-8")
    (tmp_path / "lib.lark").write_text(LIB, encoding="utf-8")
    sampler = Sampler(Grammar.from_file(tmp_path / "main.lark", parser="lalr"))
    cov = Coverage(sampler, k=(2,))
    want = set(TEXTS)
    for d in enumerate_derivations(sampler, max_size=20):
        text = sampler.renderer.join(d.tokens)
        if text in want:
            cov.add(d)
            want.discard(text)
        if not want:
            break
    assert not want
    return cov


class _Page(HTMLParser):
    """The rows of a file page (class, badges, source text) and every link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[int, dict[str, object]] = {}
        self.links: list[str] = []
        self.tags: list[str] = []
        self._row: dict[str, object] | None = None
        self._in_code = 0  # depth inside td.c
        self._badge: dict[str, str] | None = None
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag == "a":
            self.links.append(a.get("href", ""))
        if tag == "tr" and a.get("id", "").startswith("L"):
            self._row = {"class": a.get("class", ""), "badges": [], "text": ""}
            self.rows[int(a["id"][1:])] = self._row
        if self._in_code:
            self._in_code += 1
            if tag == "span" and a.get("class", "").split()[0] == "b":
                self._badge = {**a, "label": ""}
                assert self._row is not None
                self._row["badges"].append(self._badge)  # type: ignore[attr-defined]
        elif tag == "td" and a.get("class") == "c":
            self._in_code = 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_code:
            self._in_code -= 1
            if tag == "span":
                self._badge = None
        if tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if not self._in_code or self._row is None:
            return
        if self._badge is not None:
            self._badge["label"] += data
        else:
            self._row["text"] = str(self._row["text"]) + data


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def _badges(page: _Page, line: int) -> list[dict[str, str]]:
    return page.rows[line]["badges"]  # type: ignore[return-value]


def _alt(page: _Page, line: int) -> dict[str, str]:
    (b,) = [b for b in _badges(page, line) if b["data-kind"] == "alt"]
    return b


def test_file_pages_show_the_source_and_mark_each_item(tmp_path: Path) -> None:
    cov = _coverage(tmp_path)
    index = write_html([cov], tmp_path / "report")
    assert index == tmp_path / "report" / "index.html"
    pages = sorted(p.name for p in index.parent.iterdir())
    assert pages == ["g1_lib_lark.html", "g1_main_lark.html", "index.html"]

    raw = (index.parent / "g1_main_lark.html").read_text(encoding="utf-8")
    assert raw.startswith("<!DOCTYPE html>")
    assert "// greetings &amp; &lt;farewells&gt;" in raw
    assert '"&lt;"' in raw and '"&gt;"' in raw and "<farewells>" not in raw
    main_page = _parse(index.parent / "g1_main_lark.html")
    # the source, line by line, is exactly the file once the badges are taken out
    assert [main_page.rows[n]["text"] for n in sorted(main_page.rows)] == MAIN.splitlines()

    assert main_page.rows[1]["class"] == ""  # a comment
    hi, hello, hey = (_alt(main_page, n) for n in (3, 4, 5))
    assert "covered" in hi["class"].split() and hi["data-hits"] == "1"
    assert hi["title"] == "alternative greeting->hi: 1 hit"
    assert "covered" in hello["class"].split() and hello["data-hits"] == "1"
    assert "missing" in hey["class"].split() and hey["data-hits"] == "0"
    assert hey["title"] == "alternative greeting#3: 0 hits"
    assert (main_page.rows[3]["class"], main_page.rows[5]["class"]) == ("covered", "missing")
    assert _alt(main_page, 6)["data-hits"] == "2"  # tail: item, in both derivations
    assert _alt(main_page, 7)["data-hits"] == "1"  # "<" tail ">"

    # line 2: the optional was taken and skipped, the repetition never once: partial
    start = {b["title"]: b for b in _badges(main_page, 2)}
    assert start["alternative start#1: 2 hits"]["data-hits"] == "2"
    assert start["optional start: NAME? taken: 1 hit"]["label"] == "taken 1"
    assert start["optional start: NAME? skipped: 1 hit"]["label"] == "skipped 1"
    assert "missing" in start["repetition start: BANG* x1: 0 hits"]["class"]
    assert start["repetition start: BANG* xmany: 1 hit"]["data-kind"] == "rep"
    assert start["terminal BANG: 2 hits"]["data-kind"] == "term"
    assert main_page.rows[2]["class"] == "partial"

    # the unreachable rule is grey, not red
    unused = _badges(main_page, 8)
    assert unused and all("unreachable" in b["class"].split() for b in unused)
    assert all("unreachable from 'start'" in b["title"] for b in unused)
    assert main_page.rows[8]["class"] == "unreachable"

    # a terminal's strings: one produced, one not
    name = {b["title"]: b["class"].split() for b in _badges(main_page, 9)}
    assert "covered" in name["literal NAME 'bob': 1 hit"]
    assert "missing" in name["literal NAME 'amy': 0 hits"]
    assert main_page.rows[9]["class"] == "partial"

    lib = _parse(index.parent / "g1_lib_lark.html")
    assert [lib.rows[n]["text"] for n in sorted(lib.rows)] == LIB.splitlines()
    first = {b["title"]: b for b in _badges(lib, 1)}
    assert first["alternative item#1: 1 hit"]["data-kind"] == "alt"
    assert "missing" in first["optional item: [item@1:12] skipped: 0 hits"]["class"]
    assert lib.rows[1]["class"] == "partial"
    assert _alt(lib, 2)["title"] == "alternative item#2: 1 hit"
    assert lib.rows[2]["class"] == "covered"
    assert "index.html#g1" in lib.links


def test_index_gives_percentages_per_kind_and_links_every_file(tmp_path: Path) -> None:
    cov = _coverage(tmp_path)
    index = write_html([cov, cov], tmp_path / "report")
    text = index.read_text(encoding="utf-8")
    # counted by hand: greeting#3 missing of 9 alternatives (a group in lib.lark);
    # ["b"] never skipped; "!"* never once; HEY and "amy" never produced
    for kind, covered, total, pct in [
        ("alt", 8, 9, "88.9%"),
        ("opt", 3, 4, "75.0%"),
        ("rep", 2, 3, "66.7%"),
        ("term", 10, 12, "83.3%"),
    ]:
        assert cov.summary()[kind] == (covered, total)
        row = f'<tr class="kind-{kind}"><td>'
        assert text.count(row) == 2
        cells = text.split(row, 1)[1].split("</tr>", 1)[0]
        assert f'<td>{covered}</td><td>{total}</td><td class="pct">{pct}</td>' in cells
    assert "kind-kpath" in text
    page = _parse(index)
    for f in ("g1_main_lark.html", "g1_lib_lark.html", "g2_main_lark.html", "g2_lib_lark.html"):
        assert f in page.links
        assert (index.parent / f).is_file()
    assert "g1_main_lark.html#L5" in page.links  # the missing alternative, linked
    assert "Unreachable from" in text


def test_output_is_deterministic_and_replaces_an_earlier_report(tmp_path: Path) -> None:
    cov = _coverage(tmp_path)
    a = write_html([cov], tmp_path / "a").parent
    b = write_html([cov], tmp_path / "b").parent
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    write_html([cov], a)  # a report in place is replaced
    assert sorted(p.name for p in a.iterdir()) == names
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_unwritable_or_foreign_directory_is_refused(tmp_path: Path) -> None:
    cov = _coverage(tmp_path)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x", encoding="utf-8")
    target = blocker / "report"
    with pytest.raises(InvalidArgument, match=str(target)):
        write_html([cov], target)
    with pytest.raises(InvalidArgument, match="does not exist"):
        write_html([cov], tmp_path / "no" / "such" / "dir")
    with pytest.raises(InvalidArgument, match="not a directory"):
        write_html([cov], blocker)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InvalidArgument, match="other files"):
        write_html([cov], other)
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_failed_write_leaves_the_earlier_report_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cov = _coverage(tmp_path)
    report = write_html([cov], tmp_path / "report").parent
    before = {p.name: p.read_bytes() for p in report.iterdir()}
    written: list[str] = []

    def flaky(self: Path, data: bytes) -> int:
        if written:
            raise OSError(28, "No space left on device")
        written.append(self.name)
        return len(data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(InvalidArgument, match="No space left on device"):
        write_html([cov], report)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_cli_html_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "html"
    assert main(["coverage", "json", "-n", "20", "--html", str(out)]) == 0
    err = capsys.readouterr().err
    assert str(out / "index.html") in err
    assert (out / "index.html").is_file()
    assert any(p.name.endswith("json_lark.html") for p in out.iterdir())

    assert main(["coverage", "json", "-n", "20", "--html", "/nonexistent/dir/x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gramgen: error: ") and "/nonexistent/dir/x" in err
    assert err.count("\n") == 1


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium: install the Debian package chromium")


def _browse(exe: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [exe, *flags, *args], capture_output=True, text=True, timeout=60, check=True
    )


@pytest.mark.browser
def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    exe = _chromium()
    cov = _coverage(tmp_path)
    index = write_html([cov], tmp_path / "report")
    page = index.parent / "g1_main_lark.html"
    profile = tmp_path / "profile"

    dom = _browse(exe, profile, "--dump-dom", index.as_uri()).stdout
    assert '<table class="counts">' in dom
    assert 'href="g1_main_lark.html"' in dom and 'href="g1_lib_lark.html"' in dom
    assert "88.9%" in dom

    dom = _browse(exe, profile, "--dump-dom", page.as_uri()).stdout
    assert '<tr id="L5" class="missing">' in dom
    assert 'title="alternative greeting#3: 0 hits"' in dom
    assert '<tr id="L8" class="unreachable">' in dom

    shot = tmp_path / "shot.png"
    _browse(exe, profile, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a page with text and colour, not a blank one
