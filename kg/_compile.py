"""Compile the extraction modules (``kg/extract/*.py``) in place with mypyc, and check
that compiled modules are never older than their sources.

``make compile`` runs ``python -m kg._compile``.  The ``.py`` files stay the source of
truth: mypyc turns each into a C extension (``kg/extract/NAME.cpython-*.so``) that Python
imports in preference to the ``.py`` beside it, plus one shared library
(``kg_extract__mypyc*.so``, which mypyc places beside the ``kg`` folder).  Without a C
compiler, Python headers or mypyc (the ``fast`` extra), it prints one line and CaseKG
runs as pure Python; ``--clean`` removes the binaries.  Behaviour is the same either way
(docs/scale.md, "Compiled extraction").

A compile writes ``kg/extract/_compiled.json``: the SHA-256 of every compiled source.
Importing ``kg.extract`` calls :func:`check_fresh`, which refuses (one-line
:class:`StaleBinaryError`) a binary whose ``.py`` changed since, or a binary with no
record: a stale binary never runs silently.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from kg.errors import KGError

log = logging.getLogger(__name__)

EXTRACT_DIR = Path(__file__).resolve().parent / "extract"
MANIFEST = "_compiled.json"
# mypyc's shared library, a top-level module (a dotted group name sets wrong __file__s)
GROUP = "kg_extract"
_SUFFIXES = (".so", ".pyd")


class StaleBinaryError(KGError, ImportError):
    """A compiled module whose source changed after it was compiled (``kg`` reports it
    in one line, ``kg: error: ...``; an import elsewhere fails with it)."""


def sources(folder: Path = EXTRACT_DIR) -> list[Path]:
    """The modules compiled: every ``.py`` of the folder but the package ``__init__``."""
    return sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def binaries(folder: Path = EXTRACT_DIR) -> dict[str, Path]:
    """Module name -> its compiled file in ``folder`` (the shared library excluded)."""
    out: dict[str, Path] = {}
    for entry in os.scandir(folder):
        name = entry.name
        if name.endswith(_SUFFIXES):
            out[name.split(".", 1)[0]] = folder / name
    return out


def check_fresh(folder: Path = EXTRACT_DIR) -> list[str]:
    """The compiled modules of ``folder`` (sorted), after checking each against the
    recorded hash of its source; raise :class:`StaleBinaryError` naming the first one
    whose ``.py`` changed, has no record or is gone."""
    found = binaries(folder)
    if not found:
        return []
    import json

    try:
        recorded = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["sources"]
    except (OSError, ValueError, KeyError, TypeError):
        recorded = {}
    for name in sorted(found):
        source = folder / f"{name}.py"
        if name not in recorded or not source.is_file() or _digest(source) != recorded[name]:
            raise StaleBinaryError(
                f"{folder.name}/{found[name].name} was compiled from an older {source.name}: "
                f"run `make compile` (or `python -m kg._compile --clean` for pure Python)")
    return sorted(found)


def compiled_note(folder: Path = EXTRACT_DIR) -> str:
    """One line for ``kg --version`` and the bench header, e.g.
    ``extraction: compiled (mypyc, 21 modules)`` or ``extraction: pure Python``."""
    try:
        names = check_fresh(folder)
    except StaleBinaryError:
        return "extraction: stale compiled modules (run `make compile`)"
    if not names:
        return "extraction: pure Python"
    return f"extraction: compiled (mypyc, {len(names)} modules)"


def clean(folder: Path = EXTRACT_DIR) -> int:
    """Remove the binaries, the shared library and the record; the number of files."""
    gone = 0
    shared = list(folder.parent.parent.glob(f"{GROUP}__mypyc.*"))
    for path in [*folder.iterdir(), *shared]:
        if path.name.endswith(_SUFFIXES) or path.name == MANIFEST:
            path.unlink()
            gone += 1
    return gone


# the type check mypyc runs before compiling (tests/test_compiled.py runs it alone, so a
# type error fails the suite instead of leaving a silently pure-Python build)
MYPY_FLAGS = ("--ignore-missing-imports", "--follow-imports=silent")


def missing_toolchain() -> str | None:
    """Why compiling is impossible here (no compiler, headers or mypyc), else None."""
    import shutil
    import sysconfig

    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        return f"no C compiler ({cc})"
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not include.is_file():
        return f"no Python headers ({include})"
    try:
        import mypyc.build  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError:
        return "mypyc is not installed (pip install 'casekg[fast]')"
    return None


def build(folder: Path = EXTRACT_DIR) -> list[str]:
    """Compile ``folder``'s modules in place; write the record; the modules compiled."""
    import json
    import tempfile

    from mypyc.build import mypycify
    from setuptools import Distribution

    paths = sources(folder)
    root = folder.parent.parent  # the directory holding the kg package
    rel = [str(p.relative_to(root)) for p in paths]
    digests = {p.stem: _digest(p) for p in paths}  # before compiling: what is compiled
    with tempfile.TemporaryDirectory(prefix="kg-compile-") as tmp:
        cwd = os.getcwd()
        os.chdir(root)
        try:
            exts = mypycify([*MYPY_FLAGS, "--cache-dir", str(Path(tmp) / "mypy_cache"), *rel],
                            opt_level="3", group_name=GROUP, target_dir=str(Path(tmp) / "c"))
            dist = Distribution({"ext_modules": exts})
            dist.packages = []  # no package discovery: only these extensions
            cmd = dist.get_command_obj("build_ext")
            cmd.inplace = True
            cmd.build_temp = str(Path(tmp) / "temp")
            cmd.parallel = os.cpu_count() or 1
            dist.run_command("build_ext")
        finally:
            os.chdir(cwd)
    record = {"compiler": "mypyc", "python": sys.version.split()[0], "sources": digests}
    (folder / MANIFEST).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")
    return sorted(digests)


def main(argv: list[str] | None = None) -> int:
    """``python -m kg._compile [--clean]``: compile, or say in one line why not."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = ap.parse_args(argv)
    if args.clean:
        print(f"kg: removed {clean()} compiled files; extraction runs as pure Python")
        return 0
    why = missing_toolchain()
    if why is not None:
        print(f"kg: not compiling ({why}); extraction runs as pure Python")
        return 0
    clean()  # no binary of a module that is gone may survive a rebuild
    try:
        names = build()
    except (Exception, SystemExit) as exc:  # a failed build leaves pure Python, said so
        clean()
        print(f"kg: compiling failed ({type(exc).__name__}: {exc}); extraction runs as "
              f"pure Python")
        return 1
    print(f"kg: compiled {len(names)} extraction modules with mypyc")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
