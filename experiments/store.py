"""Result storage: Parquet chunks, a crash journal, resume bookkeeping and run metadata.

Layout of an output directory::

    metadata.json        spec hash, spec, package versions, git commit, one entry per session
    journal.jsonl        finished runs not yet in a chunk (one JSON line each, flushed per run)
    chunks/chunk-*.parquet   finished runs, written atomically (tmp file + os.replace)
    results.parquet      all runs sorted by run_index, written when the sweep is complete

Every finished run is in the journal or a chunk the moment it returns, so a killed
sweep loses at most the runs in flight. Memory is bounded by the chunk size.

Damage from outside (a full disk, a copy cut short, a bad sector) is repaired on resume: an
unreadable chunk or ``metadata.json`` is renamed to ``*.corrupt`` (kept, never deleted), the user
is told, and the runs it held are simply run again. Reading (``read_results``, ``summarise``) names
the damaged file and says to resume instead of failing inside pyarrow.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import subprocess
from importlib import metadata as _md
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from experiments.errors import ExperimentError
from experiments.spec import Spec, column_kind

_ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
_CHUNK = re.compile(r"chunk-(\d+)\.parquet")
_OURS = {"metadata.json", "journal.jsonl", "chunks", "results.parquet", "summary.csv", "differences.csv"}
_PACKAGES = ("numpy", "pandas", "pyarrow", "SALib", "dask", "distributed", "Mesa", "scipy", "PyYAML")


def schema(spec: Spec) -> pa.Schema:
    """Fixed column layout so every chunk of a sweep concatenates cleanly."""
    fields = [("run_index", pa.int64()), ("run_id", pa.string()), ("point", pa.int64()),
              ("replication", pa.int64()), ("structure", pa.string()), ("seed", pa.int64())]
    fields += [(p.name, _ARROW[column_kind(p)]) for p in spec.parameters]
    fields += [(m, pa.float64()) for m in spec.metrics]
    fields += [("error", pa.string())]
    return pa.schema(fields, metadata={"experiments.spec_hash": spec.hash})


class ResultStore:
    """Append-only store of run rows for one experiment in one directory."""

    def __init__(self, out_dir, spec: Spec, chunk_size: int = 1000):
        self.dir = Path(out_dir)
        self.spec = spec
        self.schema = schema(spec)
        self.chunk_size = chunk_size
        self._buffer: list[dict] = []
        self._journal = None
        self.notes: list[str] = []  # repairs made on open, for the user

    def _set_aside(self, path: Path, reason: str, consequence: str) -> None:
        aside = set_aside(path)
        self.notes.append(f"{path}: {reason}; set aside as {aside.name} (kept), {consequence}")

    # -- opening and resume -------------------------------------------------

    def open(self, session: dict) -> None:
        """Claim the directory for this spec (refusing a different one), set damaged files aside
        and recover the journal."""
        meta_path = self.dir / "metadata.json"
        meta = None
        if meta_path.exists():
            try:
                meta = _load_metadata(meta_path)
            except _Damaged as e:
                self._set_aside(meta_path, str(e), "a new one is written")
        if meta is not None and meta.get("spec_hash") != self.spec.hash:
            raise ExperimentError(
                f"{self.dir}: holds results of a different experiment (spec hash "
                f"{meta.get('spec_hash')} from {meta.get('spec_path')}, this spec is {self.spec.hash}); "
                "use another --out directory")
        if meta is None:
            self._claim_new_dir()
            meta = {"spec_hash": self.spec.hash, "spec_name": self.spec.name,
                    "spec_path": str(self.spec.path), "spec": self.spec.normalized,
                    "structures": list(self.spec.structures), "baseline": self.spec.baseline,
                    "parameters": [p.name for p in self.spec.parameters], "metrics": list(self.spec.metrics),
                    "sessions": []}
        meta["sessions"].append(session)
        try:
            _atomic_write_text(meta_path, json.dumps(meta, indent=2))
            (self.dir / "chunks").mkdir(exist_ok=True)
        except OSError as e:
            raise ExperimentError(f"{self.dir}: cannot write the results there (--out): {e.strerror or e}") from None
        self._check_chunks()
        self._recover_journal()
        self._journal = open(self.dir / "journal.jsonl", "a", encoding="utf-8")

    def _claim_new_dir(self) -> None:
        """A folder without (readable) metadata: new, or a sweep whose metadata was lost. Refuse a
        folder holding anything else, or chunks of another experiment: nothing is written there."""
        if not self.dir.exists():
            try:
                self.dir.mkdir(parents=True)
            except OSError as e:
                raise ExperimentError(f"{self.dir}: cannot create the output folder (--out): {e.strerror or e}") from None
            return
        if not self.dir.is_dir():
            raise ExperimentError(f"{self.dir}: is a file, not a folder; give a folder for the results (--out)")
        others = sorted(p.name for p in self.dir.iterdir()
                        if p.name not in _OURS and not p.name.startswith(".") and not p.name.endswith(".corrupt")
                        and not (p.name.startswith("sensitivity_") and p.suffix in (".csv", ".png")))
        if others:
            raise ExperimentError(f"{self.dir}: not empty and not a sweep's folder (no metadata.json; holds "
                                  f"{', '.join(others[:3])}{' ...' if len(others) > 3 else ''}); "
                                  "give a new or empty folder with --out")
        for chunk in self._chunk_files():
            try:
                theirs = (pq.read_schema(chunk).metadata or {}).get(b"experiments.spec_hash", b"").decode()
            except (pa.ArrowException, OSError, ValueError):
                continue  # unreadable: set aside by _check_chunks
            if theirs != self.spec.hash:
                raise ExperimentError(f"{self.dir}: holds results of a different experiment ({chunk.name} has "
                                      f"spec hash {theirs}, this spec is {self.spec.hash}); use another --out directory")

    def _check_chunks(self) -> None:
        """Read every chunk in full (a torn page fails only when its data is read) and set aside
        those that cannot be read or belong to another layout; their runs are then run again."""
        for chunk in self._chunk_files():
            try:
                table = pq.read_table(chunk, page_checksum_verification=True)
            except (pa.ArrowException, OSError, ValueError) as e:
                self._set_aside(chunk, f"unreadable result chunk ({e})", "its runs are run again")
                continue
            if not table.schema.equals(self.schema, check_metadata=False):
                self._set_aside(chunk, "not a result chunk of this experiment (other columns)",
                                "its runs are run again")

    def _chunk_files(self) -> list[Path]:
        return sorted((self.dir / "chunks").glob("chunk-*.parquet"))

    def finished(self, retry_failed: bool = False) -> tuple[set, int]:
        """Run ids to skip, and how many of the stored runs failed."""
        table = self._read_columns(["run_id", "error"])
        ids = table.column("run_id").to_pylist()
        errors = table.column("error").to_pylist()
        ok = {i for i, e in zip(ids, errors) if e is None}
        failed = {i for i, e in zip(ids, errors) if e is not None} - ok
        return (ok if retry_failed else ok | failed), len(failed)

    def _recover_journal(self) -> None:
        rows = _read_journal(self.dir / "journal.jsonl")
        try:
            table = pa.Table.from_pylist(rows, schema=self.schema)
        except (pa.ArrowException, TypeError, ValueError):  # a damaged line: keep the rows that fit
            rows = [r for r in rows if _fits(r, self.schema)]
            table = pa.Table.from_pylist(rows, schema=self.schema)
        if rows:
            self._write_table(table)
        _atomic_write_text(self.dir / "journal.jsonl", "")

    # -- writing ----------------------------------------------------------------

    def add(self, row: dict) -> None:
        """Persist one finished run now (journal) and batch it into the next chunk."""
        self._journal.write(json.dumps(row) + "\n")
        self._journal.flush()
        self._buffer.append(row)
        if len(self._buffer) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        if self._buffer:
            self._write_chunk(self._buffer)
            self._buffer = []
        # the chunk is in place, so the journal can go; a crash in between only duplicates rows
        self._journal.seek(0)
        self._journal.truncate()
        self._journal.flush()

    def close(self) -> None:
        if self._journal is not None:
            self.flush()
            self._journal.close()
            self._journal = None

    def _write_chunk(self, rows: list[dict]) -> None:
        self._write_table(pa.Table.from_pylist(rows, schema=self.schema))

    def _write_table(self, table: pa.Table) -> None:
        chunks = self.dir / "chunks"
        # numbers of set-aside chunks are not reused, so their names stay unique
        n = max((int(m.group(1)) for p in chunks.iterdir() if (m := _CHUNK.match(p.name))), default=0) + 1
        final = chunks / f"chunk-{n:06d}.parquet"
        tmp = chunks / f".chunk-{n:06d}.parquet.tmp"
        pq.write_table(table, tmp, write_page_checksum=True)
        os.replace(tmp, final)

    # -- reading ------------------------------------------------------------------

    def _read_columns(self, columns) -> pa.Table:
        tables = [pq.read_table(p, columns=columns) for p in self._chunk_files()]
        if not tables:
            return pa.table({c: pa.array([], type=self.schema.field(c).type) for c in columns})
        return pa.concat_tables(tables)

    def write_results(self) -> Path:
        """Write the consolidated, sorted ``results.parquet`` (atomically)."""
        table = pa.Table.from_pandas(read_results(self.dir), schema=self.schema, preserve_index=False)
        path = self.dir / "results.parquet"
        tmp = self.dir / ".results.parquet.tmp"
        pq.write_table(table, tmp, write_page_checksum=True)
        os.replace(tmp, path)
        return path


def read_results(out_dir):
    """All runs of a sweep as a DataFrame, one row per run id, sorted by run index.

    Chunk order and content depend on timing; this view does not. A run retried with
    --retry-failed keeps its successful row. A damaged file is named, with the fix (resume).
    """
    import pandas as pd

    out_dir = Path(out_dir)
    files = sorted((out_dir / "chunks").glob("chunk-*.parquet"))
    if not files:
        if (out_dir / "results.parquet").exists():
            return _read_parquet(out_dir / "results.parquet").to_pandas()
        raise ExperimentError(f"{out_dir}: no results found (run `python -m experiments sweep` first)")
    df = pd.concat([_read_parquet(f).to_pandas().assign(_chunk=i) for i, f in enumerate(files)],
                   ignore_index=True)
    df["_failed"] = df["error"].notna()
    df = (df.sort_values(["run_index", "_failed", "_chunk"], ascending=[True, True, False], kind="stable")
            .drop_duplicates("run_id", keep="first")
            .drop(columns=["_chunk", "_failed"])
            .reset_index(drop=True))
    return df


def read_metadata(out_dir) -> dict:
    path = Path(out_dir) / "metadata.json"
    if not path.exists():
        raise ExperimentError(f"{out_dir}: no metadata.json; not a sweep output directory")
    try:
        return _load_metadata(path)
    except _Damaged as e:
        raise ExperimentError(f"{path}: {e}; {_RESUME}") from None


def check_results_dir(out_dir, spec: Spec) -> dict:
    """The metadata of ``out_dir`` if it holds this experiment's sweep; a clear error otherwise."""
    meta = read_metadata(out_dir)
    if meta.get("spec_hash") != spec.hash:
        raise ExperimentError(f"{out_dir}: holds results of a different experiment (spec hash {meta.get('spec_hash')} "
                              f"from {meta.get('spec_path')}, this spec {spec.path} is {spec.hash}); give its own --out")
    return meta


def set_aside(path: Path) -> Path:
    """Rename a damaged file to ``<name>.corrupt`` (``.corrupt.1`` ... if taken) and return the new path."""
    target = path.with_name(path.name + ".corrupt")
    i = 0
    while target.exists():
        i += 1
        target = path.with_name(f"{path.name}.corrupt.{i}")
    os.replace(path, target)
    return target


_RESUME = ("resume the sweep (the same `python -m experiments sweep` command): it sets the damaged file aside "
           "and redoes the runs it held")


def _read_parquet(path: Path) -> pa.Table:
    try:
        return pq.read_table(path, page_checksum_verification=True)
    except (pa.ArrowException, OSError, ValueError) as e:
        raise ExperimentError(f"{path}: unreadable result file ({e}); {_RESUME}") from None


class _Damaged(Exception):
    """A result file that cannot be used; the message says why."""


def _load_metadata(path: Path) -> dict:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _Damaged(f"unreadable sweep metadata ({e})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("sessions"), list) or "spec_hash" not in meta:
        raise _Damaged("not a sweep's metadata (no spec_hash or sessions)")
    return meta


def session_info(**extra) -> dict:
    """Provenance of one sweep invocation: versions, git commit, host, start time."""
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = _md.version(name)
        except _md.PackageNotFoundError:
            versions[name] = None
    try:
        import sim
        versions["sim"] = getattr(sim, "__version__", None)
    except ImportError:
        versions["sim"] = None
    commit, dirty = _git_state()
    return {"started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node(), "git_commit": commit, "git_dirty": dirty,
            "packages": versions, **extra}


def _git_state():
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        return None, None


def _read_journal(path: Path) -> list[dict]:
    """Rows in the journal; a line cut short by a kill is ignored (its run is redone)."""
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.endswith("\n"):
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(row, dict):
                    rows.append(row)
    return rows


def _fits(row: dict, schema: pa.Schema) -> bool:
    try:
        pa.Table.from_pylist([row], schema=schema)
        return True
    except (pa.ArrowException, TypeError, ValueError):
        return False


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
