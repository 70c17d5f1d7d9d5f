"""Getting this project's code onto Dask workers, and checking they run the same code.

A worker started elsewhere (``dask worker tcp://...`` on another machine or folder) usually lacks
``sim`` and ``experiments`` on its path, and every run would fail with ``No module named 'sim'``.
Before the first run the executor asks each worker which version of the sources it imports
(``probe``); workers without them get a zip of ``sim/`` and ``experiments/`` through
``Client.upload_file``, and workers with *other* sources are refused, since results must not
depend on where a run happened.

``probe`` and ``fingerprint`` are sent to the workers by value (cloudpickle), so they use the
standard library only and must not need this module on the worker.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

PACKAGES = ("sim", "experiments")
SUFFIXES = (".py", ".yaml", ".yml")  # what a run can read: code and the embedded scenarios


def fingerprint(packages=PACKAGES) -> str:
    """Hash of the packages' sources as importable here (from folders or from a zip)."""
    import hashlib
    import importlib
    import importlib.resources

    def walk(node, prefix):
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = f"{prefix}/{child.name}"
            if child.is_dir():
                if child.name != "__pycache__":
                    yield from walk(child, name)
            elif child.name.endswith(SUFFIXES):
                yield name, child.read_bytes()

    h = hashlib.sha256()
    for pkg in packages:
        importlib.import_module(pkg)
        for name, data in walk(importlib.resources.files(pkg), pkg):
            h.update(name.encode() + b"\0" + data + b"\0")
    return h.hexdigest()[:16]


def probe(packages=PACKAGES) -> dict:
    """On a worker: the fingerprint of the project it imports, or why it cannot import it."""
    try:
        return {"fingerprint": fingerprint(packages)}
    except Exception as e:  # noqa: BLE001 - e.g. ModuleNotFoundError: reported to the user
        return {"error": f"{type(e).__name__}: {e}"}


def make_zip(folder: Path) -> Path:
    """A zip of the packages' sources (as ``fingerprint`` sees them) in ``folder``, for upload_file."""
    root = Path(__file__).resolve().parent.parent
    path = Path(folder) / f"sectionsim-{fingerprint()}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for pkg in PACKAGES:
            for f in sorted((root / pkg).rglob("*")):
                if f.is_file() and f.name.endswith(SUFFIXES) and "__pycache__" not in f.parts:
                    z.write(f, f.relative_to(root).as_posix())
    return path
