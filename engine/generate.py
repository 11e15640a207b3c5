"""``gramgen generate``: verified problem sets with exact quotas, governed and resumable.

A run is a list of *streams*, one per family and difficulty level, each with a
quota. Stream candidates are numbered; candidate *k* is a pure function of
(run seed, family, level, k), so workers make candidates in chunks in any
order and the writer consumes them in order: the output is the same whatever
the number of workers or the executor. Per family, the writer drops exact
duplicates (canonical question text) and, if asked, near duplicates (MinHash),
writes every rejected candidate with its reason to the audit file, and sends
each problem to ``train`` or ``test`` by its derivation structure, so no
structure and no question is in both.

Families are assigned to shards (``num_shards``/``shard_index``) whole, so the
union of the shards' outputs is the output of one run. Output files are
written under temporary names and renamed when complete; a checkpoint between
chunks, every second or so, lets an interrupted run resume from there.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from .errors import GramgenError, InvalidArgument
from .parquet import AsItGoes, parquet_path, to_parquet
from .parquet import schema as parquet_schema

__all__ = [
    "GenerateOptions",
    "QuotaImpossible",
    "canonical",
    "generate",
    "make_executor",
]

CHUNK = 256
_STATE = "state-{shard}.json"
_GIVE_UP_WINDOW = 2000  # candidates looked at without a new problem before giving up
_LEVEL_BITS: Final = 16  # a difficulty level fits in these bits of a duplicate table's entry
_LEVEL_MASK: Final = (1 << _LEVEL_BITS) - 1
_GC_THRESHOLD = 50_000  # allocations between young collections while generating (default 700)
_CHECKPOINT_SECONDS = 1.0  # between checkpoints: each is milliseconds of waiting for the disk
_WRITE_BUFFER = 1 << 20
_HOLD = 256  # chunks made ahead of the current stream, at most (about 64 MB)


class QuotaImpossible(GramgenError):
    """A family cannot produce as many distinct problems as asked."""


@dataclass
class GenerateOptions:
    """Everything that determines a run's output (and so its resume state)."""

    families: list[str]
    per_level: int = 100
    levels: list[int] | None = None
    seed: int = 0
    unsolvable: float = 0.0
    test_fraction: float = 0.0
    near_dup: float | None = None
    verify: str = "coverage"
    fmt: str = "jsonl"
    num_shards: int = 1
    shard_index: int = 0
    #: lexicon name -> words: a data file ``path.txt``, ``path.csv:column``,
    #: ``path.jsonl:field`` (see :func:`gramgen.semantics.load_lexicon`) or a list;
    #: replaces that lexicon in every family of the run that draws on it
    lexicons: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lexicons = {
            str(name): str(spec) if isinstance(spec, str | os.PathLike) else [str(w) for w in spec]
            for name, spec in dict(self.lexicons or {}).items()
        }

    def lexicon_words(self) -> dict[str, tuple[str, ...]]:
        """The words of each lexicon given (read from its file now), by name."""
        from .semantics import load_lexicon

        out = {}
        for name, spec in sorted(self.lexicons.items()):
            if not name.isidentifier():
                raise InvalidArgument(f"lexicon name must be a word like thing, got {name!r}")
            try:
                out[name] = load_lexicon(spec)
            except InvalidArgument as err:
                said = str(err).removeprefix("lexicon ")
                raise InvalidArgument(f"lexicon {name!r}: {said}") from None
            except (OSError, UnicodeDecodeError) as err:
                raise InvalidArgument(f"lexicon {name!r}: cannot read {spec}: {err}") from None
        return out

    def key(self) -> str:
        """What a resumed run must match: every option, and the lexicons' words."""
        data = asdict(self)
        del data["lexicons"]  # runs without lexicons keep the key they always had
        if self.lexicons:
            data["lexicons"] = {
                name: hashlib.sha256("\n".join(words).encode()).hexdigest()
                for name, words in self.lexicon_words().items()
            }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def canonical(question: str) -> str:
    """The form duplicates are compared in: lower case, single spaces, no final stop."""
    text = question.lower()
    # Splitting and joining the words (most of the cost) changes only text with white
    # space other than single spaces between words: every white space character but
    # the space is unprintable.
    if not text.isprintable() or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())
    return text.rstrip(" .?!")


_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied for each hash: faster than a new one


def _digest(text: str) -> int:
    h = _BLAKE2B_8.copy()
    h.update(text.encode())
    return int.from_bytes(h.digest(), "little")


def question_hash(question: str) -> int:
    """The 64-bit hash of ``question``'s canonical form: what exact duplicates share."""
    return _digest(canonical(question))


def _unit(*parts: object) -> float:
    """A uniform number in [0, 1) from ``parts`` (stable across processes and runs)."""
    return _digest(":".join(map(str, parts))) / 2**64


def _unit_per_index(*parts: object) -> Callable[[int], float]:
    """``k -> _unit(*parts, k)``, the same numbers with the common prefix hashed once."""
    prefix = _BLAKE2B_8.copy()
    prefix.update(f"{':'.join(map(str, parts))}:".encode())

    def unit(k: int) -> float:
        h = prefix.copy()
        h.update(str(k).encode())
        return int.from_bytes(h.digest(), "little") / 2**64

    return unit


def stream_seed(seed: int, family: str, level: int) -> int:
    return _digest(f"{seed}:{family}:{level}")


# -- workers --------------------------------------------------------------------------------


def record_id(family: str, level: int, run_seed: int, k: int) -> str:
    """The id of candidate ``k`` of a stream (stable across runs with the seed)."""
    return f"{family}-L{level}-s{run_seed}-{k}"


Lexicons = tuple[tuple[str, tuple[str, ...]], ...]  # (name, words), sorted by name


def family_with(path: str, lexicons: Lexicons = ()) -> Any:
    """The family at ``path`` with ``lexicons`` replacing its own (loaded once per process)."""
    from .family import load_family, resolved

    if not lexicons:
        return load_family(path)
    return _family_with(resolved(path), lexicons)


@functools.lru_cache(maxsize=16)
def _family_with(path: str, lexicons: Lexicons) -> Any:
    from .family import Family

    return Family(path, lexicons=dict(lexicons))


# every provenance field, in order, null until the item gives it
_PROVENANCE = dict.fromkeys(("grammar", "grammar_sha256", "path", "seed", "index", "gramgen",
                             "run_seed", "vague", "vague_number"))  # fmt: skip


def _portable(prov: dict[str, Any], run_seed: int) -> dict[str, Any]:
    """An item's provenance with the run seed, the same fields in every record, in one
    order, with one type each, so the files load as typed tables (Arrow, Hugging Face
    ``datasets``): the 64-bit item seed is written as a decimal string (JSON readers
    take integers as int64 or float64, losing it), and the fields of unsolvable records
    are null in the others. Fields the family adds come after these, in its order."""
    out = _PROVENANCE.copy()
    out.update(prov)
    out["seed"] = str(prov["seed"])
    out["run_seed"] = run_seed
    return out


@functools.lru_cache(maxsize=1 << 16)
def _held_out(family: str, level: int, path: tuple[int, ...], test_fraction: float) -> bool:
    """Whether derivation structure ``path`` is in the test split (memoised: a
    stream's structures repeat, and hashing one costs as much as the rest of the
    record's bookkeeping)."""
    structure = f"{family}:{level}:{','.join(map(str, path))}"
    return _unit("split", structure) < test_fraction


#: a chunk's candidates, in order: status (``train`` or ``test``, the split, or
#: ``rejected``), payload (the record's JSON line, or why it was rejected) and the
#: hash of the canonical question (0 for a rejected candidate)
Chunk = tuple[list[str], list[bytes], list[int]]


def make_chunk(task: tuple[Any, ...]) -> Chunk:
    """Candidates ``start..start+count`` of one stream, made in a worker."""
    import orjson

    from .family import Rejected

    path, level, run_seed, start, count, unsolvable, verify, test_fraction, lexicons = task
    fam = family_with(path, lexicons)
    sseed = stream_seed(run_seed, fam.name, level)
    vague_unit = _unit_per_index("vague", sseed)
    statuses: list[str] = []
    payloads: list[bytes] = []
    qhashes: list[int] = []
    for k in range(start, start + count):
        vague = unsolvable > 0 and vague_unit(k) < unsolvable
        try:
            rec = fam.item(k, seed=sseed, level=level, unsolvable=vague, verify=verify)
        except Rejected as err:
            statuses.append("rejected")
            payloads.append(str(err).encode())
            qhashes.append(0)
            continue
        rec["id"] = record_id(fam.name, level, run_seed, k)
        prov = rec["provenance"] = _portable(rec["provenance"], run_seed)
        held_out = test_fraction and _held_out(fam.name, level, tuple(prov["path"]), test_fraction)
        rec["split"] = split = "test" if held_out else "train"
        statuses.append(split)
        payloads.append(orjson.dumps(rec, option=orjson.OPT_APPEND_NEWLINE))
        qhashes.append(question_hash(str(rec["question"])))
    return statuses, payloads, qhashes


class _Serial(Executor):
    """Runs tasks in the calling process (``--workers 1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as err:  # handed to the caller via the future
            fut.set_exception(err)
        return fut


def make_executor(
    kind: str = "process", workers: int = 1, scheduler: str | None = None
) -> Executor:
    """A ``concurrent.futures.Executor``: ``serial``, ``process`` (``workers``
    processes) or ``dask`` (a ``distributed`` cluster at ``scheduler``, or a local
    one with ``workers`` processes)."""
    if kind == "serial" or (kind == "process" and workers <= 1):
        return _Serial()
    if kind == "process":
        return _Pinned(workers)
    if kind == "dask":
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise InvalidArgument(
                "the dask executor needs the 'distributed' package: pip install 'gramgen[dask]'"
            ) from None
        if scheduler:
            client = Client(scheduler)  # type: ignore[no-untyped-call]
        else:
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True
            )
            client = Client(cluster)  # type: ignore[no-untyped-call]
        return _DaskExecutor(client)
    raise InvalidArgument(f"executor must be serial, process or dask, got {kind!r}")


_WATCH_SECONDS = 0.25  # between a worker's looks at whether its parent is still there


def _watch_parent(parent: int) -> None:
    """A worker's start: end the worker when ``parent``, the process that started
    it, is gone. A pool's worker waits for tasks on a pipe that it holds both ends
    of (forked), so it would never see the parent go: killed (``kill -9``, out of
    memory), the parent would leave its workers making chunks nobody reads, then
    waiting for ever. A thread looks every ``_WATCH_SECONDS`` at the worker's
    parent process id, which changes when the parent dies (the worker is handed to
    init or a subreaper), and ends the worker at once. (Linux's
    ``PR_SET_PDEATHSIG`` would be quicker but fires when the *thread* that forked
    the worker ends, which need not be the parent's end.)"""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(1)

    if os.getppid() != parent:  # gone before this worker started
        os._exit(1)
    threading.Thread(target=watch, name="gramgen-parent-watch", daemon=True).start()


class _Pinned(Executor):
    """Worker processes, each a pool of its own, so that a task can be sent to a
    chosen one (:class:`_Feed` keeps a family in one); ``submit`` takes turns."""

    def __init__(self, workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork where there is one: workers start with the families already loaded
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        me = os.getpid()
        self.pools = [
            ProcessPoolExecutor(1, mp_context=ctx, initializer=_watch_parent, initargs=(me,))
            for _ in range(workers)
        ]
        self._turns = itertools.cycle(self.pools)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return next(self._turns).submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for pool in self.pools:
            pool.shutdown(wait, cancel_futures=cancel_futures)


class _DaskExecutor(Executor):
    """A dask client's executor that closes the client (and its cluster) on shutdown."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._inner = client.get_executor(pure=False)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return self._inner.submit(fn, *args, **kwargs)  # type: ignore[no-any-return]

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        cluster = getattr(self.client, "cluster", None)
        self.client.close()
        if cluster is not None:
            cluster.close()


# -- the writer ------------------------------------------------------------------------------


@dataclass
class _Stream:
    family: str
    path: str
    level: int
    quota: int
    lexicons: Lexicons = ()


@dataclass
class _State:
    """Where a shard's run is: finished streams and the position in the current one."""

    options: str
    stream: int = 0  # index of the current stream
    next_k: int = 0
    made: int = 0
    offsets: dict[str, int] = field(default_factory=dict)  # file -> bytes written
    family_offsets: dict[str, int] = field(default_factory=dict)  # where this family began
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class RunReport:
    """What a run made, per stream, and where it wrote it."""

    out_dir: Path
    files: list[Path]
    streams: dict[str, dict[str, int]]
    seconds: float
    resumed: bool = False

    @property
    def made(self) -> int:
        return sum(s["made"] for s in self.streams.values())


def _fsync_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def _streams(opts: GenerateOptions) -> list[_Stream]:
    from .family import find_families, load_family

    if opts.per_level < 1:
        raise InvalidArgument(f"the quota per family and level must be >= 1, got {opts.per_level}")
    if not 0 <= opts.unsolvable < 1 or not 0 <= opts.test_fraction < 1:
        raise InvalidArgument("--unsolvable and --test-fraction must be in [0, 1)")
    if opts.verify not in ("coverage", "full"):
        raise InvalidArgument(f"verify must be coverage or full, got {opts.verify!r}")
    if opts.fmt not in ("jsonl", "parquet"):
        raise InvalidArgument(f"format must be jsonl or parquet, got {opts.fmt!r}")
    if not 0 <= opts.shard_index < opts.num_shards:
        raise InvalidArgument(f"shard index {opts.shard_index} is not in 0..{opts.num_shards - 1}")
    paths = find_families(opts.families)
    words = opts.lexicon_words()
    if words:  # every lexicon given must be one some family of the run draws on
        fams = [load_family(path) for path in paths]
        unused = set(words) - {n for fam in fams for n in fam.actions.lexicons}
        if unused:
            have = "; ".join(f"{f.name}: {', '.join(sorted(f.actions.lexicons)) or 'none'}"
                             for f in fams)  # fmt: skip
            raise InvalidArgument(
                f"no family of this run draws on a lexicon named {min(unused)!r} (their "
                f"lexicons: {have})"
            )
    out: list[_Stream] = []
    for i, path in enumerate(paths):
        if i % opts.num_shards != opts.shard_index:
            continue
        fam = load_family(path)
        lexicons = tuple((n, w) for n, w in words.items() if n in fam.actions.lexicons)
        if lexicons:
            from .datasets import check_lexicons

            fam = family_with(str(path), lexicons)
            check_lexicons(fam, dict(lexicons))
        fam.prepare()
        levels = opts.levels or list(range(1, fam.levels + 1))
        for lv in levels:
            if not 1 <= lv <= fam.levels:
                raise InvalidArgument(
                    f"family {fam.name!r} has difficulty levels 1..{fam.levels}, not {lv}"
                )
            out.append(_Stream(fam.name, str(path), lv, opts.per_level, lexicons))
    return out


class _Writer:
    """The shard's output files: written under .partial names, renamed at the end."""

    def __init__(self, out_dir: Path, shard: str, splits: Sequence[str]) -> None:
        self.out_dir = out_dir
        self.shard = shard
        self.names = {s: f"{s}-{shard}.jsonl" for s in (*splits, "audit")}
        self.handles: dict[str, IO[bytes]] = {}

    def partial(self, name: str) -> Path:
        return self.out_dir / (self.names[name] + ".partial")

    def open(self, offsets: Mapping[str, int]) -> None:
        for name in self.names:
            path = self.partial(name)
            fh = path.open("r+b" if path.exists() else "w+b", buffering=_WRITE_BUFFER)
            size = offsets.get(name, 0)
            fh.truncate(size)  # drop what was written after the last checkpoint
            fh.seek(size)
            self.handles[name] = fh

    def write(self, names: Sequence[str], lines: Sequence[bytes]) -> None:
        """Append each line to the file named beside it, in one write per file."""
        files = dict.fromkeys(names)
        for name in files:
            mine = (
                lines
                if len(files) == 1
                else [ln for n, ln in zip(names, lines, strict=True) if n == name]
            )
            self.handles[name].write(b"".join(mine))

    def offsets(self) -> dict[str, int]:
        out = {}
        for name, fh in self.handles.items():
            fh.flush()
            out[name] = fh.tell()
        return out

    def sync(self) -> None:
        for fh in self.handles.values():
            fh.flush()
            os.fsync(fh.fileno())

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()
        self.handles.clear()


class _Dedup:
    """Exact (and optionally near) duplicate detection within one family."""

    def __init__(self, near: float | None, family: str, run_seed: int) -> None:
        self.family = family
        self.run_seed = run_seed
        # question hash -> the first problem asking it, as candidate << _LEVEL_BITS |
        # level (its id is made only when a duplicate needs it). Ints, not pairs: a
        # dict of ints only is none of the cycle collector's business, and a pair
        # costs ~50 bytes more a problem.
        self.exact: dict[int, int] = {}
        self.near = near
        self.lsh: Any = None
        if near is not None:
            try:
                from datasketch import MinHashLSH  # type: ignore[import-untyped, unused-ignore]
            except ImportError:
                raise InvalidArgument(
                    "near-duplicate removal needs datasketch: pip install 'gramgen[dedup]'"
                ) from None
            self.lsh = MinHashLSH(threshold=near, num_perm=64)

    def check(self, qhash: int, question: str, level: int, k: int) -> str | None:
        """None for a new question (remembered as candidate ``k`` of ``level``), else
        why it is a duplicate."""
        first = self.exact.get(qhash)
        if first is not None:
            k_first, level_first = first >> _LEVEL_BITS, first & _LEVEL_MASK
            return f"duplicate of {record_id(self.family, level_first, self.run_seed, k_first)}"
        if self.lsh is not None:
            mh = _minhash(question)
            hits = self.lsh.query(mh)
            if hits:
                return f"near duplicate of {min(hits)}"
            self.lsh.insert(record_id(self.family, level, self.run_seed, k), mh)
        self.exact[qhash] = k << _LEVEL_BITS | level
        return None

    def all_new(self, qhashes: Sequence[int], level: int, first: int) -> bool:
        """Whether the questions of candidates ``first``, ``first + 1``, ... of
        ``level`` are all new, then remembered at once, as :meth:`check` one by
        one would; if not (or near duplicates are looked for), none is remembered."""
        if (self.lsh is not None or len(set(qhashes)) < len(qhashes)
                or not self.exact.keys().isdisjoint(qhashes)):  # fmt: skip
            return False
        step, at = 1 << _LEVEL_BITS, first << _LEVEL_BITS | level
        self.exact.update(zip(qhashes, range(at, at + len(qhashes) * step, step), strict=True))
        return True


def _minhash(text: str) -> Any:
    from datasketch import MinHash  # type: ignore[import-untyped, unused-ignore]

    words = canonical(text).split()
    mh = MinHash(num_perm=64, seed=1)
    for i in range(max(1, len(words) - 2)):
        mh.update(" ".join(words[i : i + 3]).encode())
    return mh


def generate(
    out_dir: str | Path,
    opts: GenerateOptions,
    *,
    executor: Executor | None = None,
    workers: int = 1,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = False,
    review: int = 0,
) -> RunReport:
    """Run (or resume) the generation ``opts`` describes into ``out_dir``."""
    import orjson

    t0 = time.perf_counter()
    streams = _streams(opts)
    if opts.fmt == "parquet":
        parquet_schema()  # pyarrow is there (and loaded before workers start)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".gramgen-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise InvalidArgument(f"cannot write to output directory {out}: {err.strerror}") from None
    shard = f"{opts.shard_index:05d}-of-{opts.num_shards:05d}"
    splits = ["train", "test"] if opts.test_fraction else ["train"]
    state_path = out / _STATE.format(shard=shard)
    manifest_path = out / f"manifest-{shard}.json"
    state = _load_state(state_path, opts, resume=resume, overwrite=overwrite)
    if state is None:
        if manifest_path.exists() and not overwrite:
            raise InvalidArgument(
                f"{out} already holds a finished run (shard {shard}); pass --overwrite to "
                "replace it or choose another directory"
            )
        state = _State(options=opts.key())
        for stale in out.glob(f"*-{shard}.*"):
            stale.unlink()
    resumed = state.stream > 0 or state.next_k > 0
    writer = _Writer(out, shard, splits)
    writer.open(state.offsets)
    # the Parquet files are made as the run goes, unless it resumes (then at the end)
    parquet = (
        AsItGoes({s: writer.partial(s) for s in splits})
        if opts.fmt == "parquet" and not resumed
        else None
    )
    ex = executor or make_executor("process", workers)
    if isinstance(ex, _Pinned):  # each worker running one chunk and with one queued
        feed = _Feed(streams, opts, list(ex.pools), 2)
    else:
        feed = _Feed(streams, opts, [ex], 1 if isinstance(ex, _Serial) else 2 * max(1, workers))
    bar = _progress(sum(s.quota for s in streams), progress)
    bar.update(sum(c["made"] for c in state.counts.values()))
    checkpoints = _Checkpoints(state_path, writer)
    done = False
    with gc_tuned():
        try:
            dedup: _Dedup | None = None
            for si in range(state.stream, len(streams)):
                st = streams[si]
                new_family = si == 0 or streams[si - 1].family != st.family
                if dedup is None or new_family:
                    # duplicates are looked for within a family
                    dedup = _Dedup(opts.near_dup, st.family, opts.seed)
                    if new_family and state.next_k == 0:
                        state.family_offsets = writer.offsets()
                    else:  # resuming: the family's problems written before the stop
                        _rebuild(dedup, writer, state.family_offsets, splits)
                _run_stream(st, si, state, feed, writer, dedup, checkpoints, bar, parquet)
                state.stream, state.next_k = si + 1, 0
                checkpoints.save(state)
            writer.sync()
            done = True
        except KeyboardInterrupt:
            writer.sync()
            writer.close()
            bar.close()
            raise GramgenError(
                f"interrupted; {out} keeps the work done so far: run the same command with "
                "--resume to finish it"
            ) from None
        finally:
            feed.close()
            if executor is None:
                ex.shutdown(cancel_futures=True)
            if parquet is not None and not done:
                parquet.discard()
    writer.close()
    bar.close()
    files = _finish(writer, opts, splits, parquet)
    report = RunReport(out, files, state.counts, time.perf_counter() - t0, resumed)
    if review:
        files.append(_review(out, files, review, opts.seed))
    manifest = {
        "gramgen": _version(),
        "options": asdict(opts),
        "shard": shard,
        "files": [f.name for f in files],
        "streams": state.counts,
        "seconds": round(report.seconds, 3),
    }
    if opts.lexicons:
        manifest["lexicons"] = {
            name: {"entries": len(w), "sha256": hashlib.sha256("\n".join(w).encode()).hexdigest()}
            for name, w in opts.lexicon_words().items()
        }
    _fsync_write(manifest_path, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    state_path.unlink(missing_ok=True)
    return report


@contextlib.contextmanager
def gc_tuned() -> Iterator[None]:
    """Generation's garbage-collector settings, for the ``with`` block: what is loaded
    is never garbage (frozen), and generation keeps large caches of structures, over
    which the cycle collector's passes cost ~10% at the default thresholds (workers
    forked inside the block inherit both)."""
    was = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, *was[1:])
    try:
        yield
    finally:
        gc.set_threshold(*was)
        gc.unfreeze()


def _version() -> str:
    from . import __version__

    return __version__


def _load_state(
    path: Path, opts: GenerateOptions, *, resume: bool, overwrite: bool
) -> _State | None:
    if not path.exists():
        if resume:
            done = path.with_name(path.name.replace("state-", "manifest-"))
            if done.exists():
                raise InvalidArgument(f"the run in {path.parent} is already finished")
            raise InvalidArgument(f"nothing to resume in {path.parent}: no {path.name}")
        return None
    if overwrite:
        path.unlink()
        return None
    if not resume:
        raise InvalidArgument(
            f"{path.parent} holds an unfinished run: pass --resume to finish it or "
            "--overwrite to start again"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        state = _State(**raw)
        ok = isinstance(state.offsets, dict) and all(
            isinstance(v, int) and v >= 0 for v in state.offsets.values()
        )
    except (OSError, ValueError, TypeError) as err:
        raise InvalidArgument(
            f"the resume state {path} is corrupt ({err}); pass --overwrite to start again"
        ) from None
    if not ok:
        raise InvalidArgument(f"the resume state {path} is corrupt; pass --overwrite")
    if state.options != opts.key():
        raise InvalidArgument(
            f"the unfinished run in {path.parent} was started with other options; run it "
            "with the same options to resume, or pass --overwrite"
        )
    for name, size in state.offsets.items():
        part = path.parent / f"{name}-{path.stem.removeprefix('state-')}.jsonl.partial"
        if not part.exists() or part.stat().st_size < size:
            raise InvalidArgument(
                f"the resume state {path} does not match {part.name} (missing or shorter "
                "than recorded); pass --overwrite to start again"
            )
    return state


def _rebuild(dedup: _Dedup, writer: _Writer, offsets: Mapping[str, int], splits: list[str]) -> None:
    """Remember the questions this family already wrote (before an interruption)."""
    import orjson

    for name in splits:
        fh = writer.handles[name]
        end = fh.tell()
        fh.seek(offsets.get(name, 0))
        data = fh.read(end - offsets.get(name, 0))
        fh.seek(end)
        for line in data.splitlines():
            rec = orjson.loads(line)
            if rec.get("family") == dedup.family:
                q = str(rec["question"])
                dedup.check(_digest(canonical(q)), q, rec["difficulty"], rec["provenance"]["index"])


class _Feed:
    """Chunks of candidates handed to the executor ahead of need, across streams.

    The executor's *lanes* are its worker processes when a task can be sent to a
    chosen one (:class:`_Pinned`), else the executor as a whole. A stream is made
    in one lane, and a family's streams in one as far as can be: a worker's caches
    (structures, phrasings, checks) grow with the candidates it makes, and a stream
    split between two workers costs them a fifth to a half more. Each lane is kept
    busy with ``window`` chunks (running, or, for a single lane, not yet taken):
    chunks of its own streams, the current one first, up to what each is expected
    to need (the current stream its remaining quota and a quarter more, for
    rejections and duplicates, at most ``window`` chunks a lane ahead of the
    writer; a later stream its quota and the rejections seen so far); failing
    that, a stream no lane has (its family's next if the lane made its last, else
    one of a family not started, else any); failing that, a chunk of the current
    stream. At most ``_HOLD`` chunks are held for streams after the current one.
    A chunk that turns out not to be needed is dropped; one needed but not sent
    yet is sent when asked for. None of this changes the output: candidate ``k``
    of a stream is the same in any chunk made by any worker, and chunks are
    consumed in order.
    """

    def __init__(
        self, streams: list[_Stream], opts: GenerateOptions, lanes: list[Executor], window: int
    ) -> None:
        self.streams = streams
        self.opts = opts
        self.lanes = lanes
        self.window = window
        # (stream, first candidate) -> (size, future, lane), sent and not taken
        self.pending: dict[tuple[int, int], tuple[int, Future[Chunk], int]] = {}
        self.running: dict[Future[Chunk], tuple[int, int]] = {}  # not seen done: stream, lane
        self.sent: dict[int, int] = {}  # stream -> next candidate not yet sent
        self.owner: dict[int, int] = {}  # stream -> its lane
        self.started: set[str] = set()  # families with a stream in a lane
        self.rejected: Counter[int] = Counter()  # stream -> rejections in its chunks done
        self.si = 0  # the current stream
        self.target = 0  # the candidate the current stream is sent up to

    def _send(self, si: int, k: int, size: int, lane: int) -> None:
        st, o = self.streams[si], self.opts
        task = (st.path, st.level, o.seed, k, size, o.unsolvable, o.verify, o.test_fraction,
                st.lexicons)  # fmt: skip
        fut = self.lanes[lane].submit(make_chunk, task)
        self.pending[(si, k)] = (size, fut, lane)
        self.running[fut] = (si, lane)
        self.sent[si] = k + size

    def _claim(self, si: int, lane: int) -> None:
        self.owner[si] = lane
        self.started.add(self.streams[si].path)

    def _lane(self, si: int) -> int:
        """The lane of stream ``si`` (if it has none, the least busy one, claimed)."""
        if si not in self.owner:
            loads = self._loads()
            self._claim(si, loads.index(min(loads)))
        return self.owner[si]

    def take(self, si: int, k: int, remaining: int) -> tuple[Chunk, int]:
        """The chunk of stream ``si`` starting at candidate ``k`` (``remaining``
        problems still to make there) and the candidate after it."""
        for key in [key for key in self.pending if key[0] < si]:  # streams finished
            self.pending.pop(key)[1].cancel()
        self.si, self.target = si, k + _expected(remaining)
        if (si, k) not in self.pending:  # needed, not sent: the first ask, or more
            self._send(si, k, _chunk_size(remaining), self._lane(si))  # rejections than thought
        size, fut, _ = self.pending.pop((si, k))
        self._top_up()
        while not fut.done():  # top up each lane as it finishes a chunk
            wait([fut, *self.running], return_when=FIRST_COMPLETED)
            self._top_up()
        return fut.result(), k + size

    def close(self) -> None:
        for _, fut, _ in self.pending.values():
            fut.cancel()
        self.pending.clear()

    def _loads(self) -> list[int]:
        """Chunks each lane is busy with: running, or, for a single lane (whose
        futures may be done when sent: ``serial``), sent and not taken."""
        if len(self.lanes) == 1:
            return [len(self.pending)]
        loads = [0] * len(self.lanes)
        for _, lane in self.running.values():
            loads[lane] += 1
        return loads

    def _top_up(self) -> None:
        """Note the rejections in the chunks done since last time, and send each
        lane chunks until it has ``window``."""
        for fut in [fut for fut in self.running if fut.done()]:
            si, _ = self.running.pop(fut)
            if not fut.cancelled() and fut.exception() is None:
                self.rejected[si] += fut.result()[0].count("rejected")
        loads = self._loads()
        for lane, load in enumerate(loads):
            for _ in range(load, self.window):
                stream = self._next(lane)
                if stream is None:
                    break
                start = self.sent.get(stream, 0)
                self._send(stream, start, min(CHUNK, self._target(stream) - start), lane)

    def _target(self, si: int) -> int:
        """The candidate stream ``si`` is to be sent up to, for now."""
        if si == self.si:
            return self.target
        return self.streams[si].quota + self.rejected[si]

    def _next(self, lane: int) -> int | None:
        """The stream whose next chunk ``lane`` is to make, if any (claimed for it)."""
        held = Counter(si for si, _ in self.pending)
        ahead = held.total() - held[self.si]
        last = self.si if ahead >= _HOLD else len(self.streams) - 1

        def wanted(si: int) -> bool:
            more = self.sent.get(si, 0) < self._target(si)
            return more and (si != self.si or held[si] < self.window * len(self.lanes))

        unowned: list[int | None] = [None, None, None]  # the first by preference
        for si in range(self.si, last + 1):
            owner = self.owner.get(si)
            if owner == lane and wanted(si):
                return si
            if owner is None:
                st = self.streams[si]
                goes_on = si > 0 and self.streams[si - 1].path == st.path
                rank = 0 if goes_on and self.owner.get(si - 1) == lane else (
                    1 if st.path not in self.started else 2)  # fmt: skip
                if unowned[rank] is None:
                    unowned[rank] = si
        for stream in unowned:
            if stream is not None:
                self._claim(stream, lane)
                return stream
        return self.si if wanted(self.si) else None


def _expected(remaining: int) -> int:
    """Candidates expected to give ``remaining`` problems (a quarter more)."""
    return remaining + (remaining + 3) // 4


def _chunk_size(remaining: int) -> int:
    return min(CHUNK, max(1, _expected(remaining)))


def _run_stream(
    st: _Stream,
    si: int,
    state: _State,
    feed: _Feed,
    writer: _Writer,
    dedup: _Dedup,
    checkpoints: _Checkpoints,
    bar: Any,
    parquet: AsItGoes | None = None,
) -> None:
    """Consume the stream's candidates in order until its quota is met (the records
    written go to ``parquet`` too, if given)."""
    import orjson

    from .family import reason_shape

    key = f"{st.family}/L{st.level}"
    counts = state.counts.setdefault(
        key, {"made": 0, "candidates": 0, "rejected": 0, "duplicates": 0, "test": 0}
    )
    reasons: Counter[str] = Counter()
    k = state.next_k
    since_new = 0
    while counts["made"] < st.quota:
        first, made = k, counts["made"]
        (statuses, payloads, qhashes), k = feed.take(si, k, st.quota - made)
        used = min(len(statuses), st.quota - made)  # candidates used if all are new problems
        if "rejected" not in statuses[:used] and dedup.all_new(qhashes[:used], st.level, first):
            # the usual chunk, taken whole, without looking at each candidate
            names, lines = statuses[:used], payloads[:used]
            counts["candidates"] += used
            counts["made"] += used
            counts["test"] += names.count("test")
            since_new = 0
        else:
            names, lines, used = [], [], 0
            for status, payload, qhash in zip(statuses, payloads, qhashes, strict=True):
                if counts["made"] >= st.quota:
                    break
                cand = first + used
                used += 1
                counts["candidates"] += 1
                since_new += 1
                if status != "rejected":
                    question = orjson.loads(payload)["question"] if dedup.lsh is not None else ""
                    reason = dedup.check(qhash, question, st.level, cand)
                else:
                    reason = payload.decode()
                if reason is not None:
                    counts["rejected" if status == "rejected" else "duplicates"] += 1
                    reasons[reason_shape(reason)] += 1
                    rec_id = record_id(st.family, st.level, feed.opts.seed, cand)
                    audit = {"stream": key, "candidate": cand, "id": rec_id, "reason": reason}
                    names.append("audit")
                    lines.append(orjson.dumps(audit, option=orjson.OPT_APPEND_NEWLINE))
                    continue
                counts["test"] += status == "test"
                names.append(status)
                lines.append(payload)
                counts["made"] += 1
                since_new = 0
        writer.write(names, lines)
        if parquet is not None:
            parquet.add(names, lines)
        bar.update(counts["made"] - made)
        if used == len(statuses):  # a whole chunk consumed: a checkpoint may follow
            state.stream, state.next_k = si, k
            checkpoints.save(state)
        if since_new >= _GIVE_UP_WINDOW and counts["made"] < st.quota:
            top = "; ".join(f"{r!r} x{n}" for r, n in reasons.most_common(3))
            raise QuotaImpossible(
                f"family {st.family!r} level {st.level} made only {counts['made']} "
                f"distinct problems from {counts['candidates']} candidates, none new in "
                f"the last {since_new} ({counts['duplicates']} duplicates, "
                f"{counts['rejected']} rejected; most common: {top}); it can make about "
                f"{counts['made']}: lower the quota (-n) to at most that"
            )


class _Checkpoints:
    """Saves the resume state, at most every ``_CHECKPOINT_SECONDS``: a save (an
    fsync'd rename) waits milliseconds for the disk, which after every chunk would
    hold the writer back for much of the run. An interrupted run redoes the work
    done since the last save."""

    def __init__(self, path: Path, writer: _Writer) -> None:
        self.path = path
        self.writer = writer
        self.last = -float("inf")

    def save(self, state: _State) -> None:
        """Save ``state`` (between chunks: the files hold what it says) if one is due."""
        now = time.monotonic()
        if now - self.last < _CHECKPOINT_SECONDS:
            return
        self.last = now
        state.offsets = self.writer.offsets()
        _fsync_write(self.path, json.dumps(asdict(state)).encode())


def _finish(
    writer: _Writer, opts: GenerateOptions, splits: list[str], parquet: AsItGoes | None
) -> list[Path]:
    """Rename the partial files (converting to Parquet if asked, unless ``parquet``
    has made the Parquet files already)."""
    made = parquet is not None and parquet.close()
    files = []
    for name in (*splits, "audit"):
        part = writer.partial(name)
        if name != "audit" and opts.fmt == "parquet":
            final = parquet_path(part)
            if not made:
                to_parquet(part, final)
            part.unlink()
        else:
            final = part.with_name(part.name.removesuffix(".partial"))
            part.replace(final)
        files.append(final)
    return files


def _review(out: Path, files: list[Path], n: int, seed: int) -> Path:
    """A Markdown sample of ``n`` records for a human spot check."""
    rows: list[dict[str, Any]] = []
    for f in files:
        if f.suffix in (".jsonl", ".parquet") and not f.name.startswith("audit"):
            rows.extend(read_records(f))
    rows.sort(key=lambda r: _unit("review", seed, r["id"]))
    lines = ["# Review sample", "", f"{min(n, len(rows))} records drawn at random.", ""]
    for r in rows[:n]:
        lines += [
            f"## {r['id']} ({r['topic']}, level {r['difficulty']})",
            "",
            r["question"],
            "",
            f"**Answer:** {r['answer_text']}",
            "",
            *(f"{i}. {s}" for i, s in enumerate(r["steps"], 1)),
            "",
            "- [ ] English correct  - [ ] answer correct  - [ ] realistic",
            "",
        ]
    path = out / "review.md"
    _fsync_write(path, "\n".join(lines).encode())
    return path


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, on: bool) -> Any:
    if not on or not sys.stderr.isatty():
        return _NoBar()
    try:
        from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return _NoBar()
    return tqdm(total=total, unit="problem", smoothing=0.1)


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL or Parquet file (clear errors for anything else)."""
    import orjson

    p = Path(path)
    if not p.is_file():
        raise InvalidArgument(f"{p} does not exist")
    if p.suffix == ".parquet":
        try:
            import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            raise InvalidArgument("reading Parquet needs pyarrow") from None
        for batch in pq.ParquetFile(p).iter_batches():
            yield from batch.to_pylist()
        return
    with p.open("rb") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = orjson.loads(line)
            except orjson.JSONDecodeError as err:
                raise InvalidArgument(f"{p}:{n}: not a JSON record: {err}") from None
            if not isinstance(rec, dict):
                raise InvalidArgument(f"{p}:{n}: not a JSON object")
            yield rec
