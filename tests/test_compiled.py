"""The compiled extraction (kg/_compile.py): a binary older than its source is refused
with one line naming it; a fresh one is reported; the note says which build runs."""

from __future__ import annotations

import hashlib
import json
import pickle
import sysconfig
from pathlib import Path

import pytest

from kg import _compile

_EXT = sysconfig.get_config_var("EXT_SUFFIX") or ".so"


def _package(tmp_path: Path, source: str = "X = 1\n") -> Path:
    """A folder with one module ``mod.py``, a fake binary of it and its record."""
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "mod.py").write_text(source, encoding="utf-8")
    (folder / f"mod{_EXT}").write_bytes(b"not really a binary")
    digest = hashlib.sha256(source.encode()).hexdigest()
    (folder / _compile.MANIFEST).write_text(json.dumps({"sources": {"mod": digest}}))
    return folder


def test_a_fresh_binary_passes_and_is_listed(tmp_path):
    assert _compile.check_fresh(_package(tmp_path)) == ["mod"]


def test_a_binary_whose_source_changed_is_refused_naming_it(tmp_path):
    folder = _package(tmp_path)
    (folder / "mod.py").write_text("X = 2\n", encoding="utf-8")
    with pytest.raises(_compile.StaleBinaryError) as err:
        _compile.check_fresh(folder)
    message = str(err.value)
    assert f"mod{_EXT}" in message and "mod.py" in message and "\n" not in message


def test_a_binary_without_a_record_is_refused(tmp_path):
    folder = _package(tmp_path)
    (folder / _compile.MANIFEST).unlink()
    with pytest.raises(_compile.StaleBinaryError):
        _compile.check_fresh(folder)


def test_a_binary_whose_source_is_gone_is_refused(tmp_path):
    folder = _package(tmp_path)
    (folder / "mod.py").unlink()
    with pytest.raises(_compile.StaleBinaryError):
        _compile.check_fresh(folder)


def test_no_binary_means_pure_python(tmp_path):
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "mod.py").write_text("X = 1\n", encoding="utf-8")
    assert _compile.check_fresh(folder) == []
    assert _compile.compiled_note(folder) == "extraction: pure Python"


def test_the_note_names_compiled_and_stale_builds(tmp_path):
    folder = _package(tmp_path)
    assert _compile.compiled_note(folder) == "extraction: compiled (mypyc, 1 modules)"
    (folder / "mod.py").write_text("X = 3\n", encoding="utf-8")
    assert "stale" in _compile.compiled_note(folder)


def test_clean_removes_binaries_and_record_but_not_sources(tmp_path):
    folder = _package(tmp_path)
    assert _compile.clean(folder) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["mod.py"]


def test_the_loaded_extraction_modules_match_the_note():
    """With binaries present (``make compile``) every extraction module is one; without,
    none is: a half-compiled package would mix the two silently."""
    import kg.extract.binding as binding
    import kg.extract.document as document

    compiled = _compile.check_fresh()
    suffixes = {Path(m.__file__).suffix for m in (binding, document)}
    assert suffixes == ({".so"} if compiled else {".py"})


def test_an_extraction_pickles_and_compares_equal():
    """Worker processes send extractions back pickled: compiled or not, they round-trip."""
    from conftest import SEED, extract_text

    extraction = extract_text(SEED.read_text(encoding="utf-8"))
    assert pickle.loads(pickle.dumps(extraction)) == extraction


def test_a_stale_binary_stops_a_build_before_it_writes(tmp_path, monkeypatch):
    """The build checks the compiled extractor once, up front: the earlier output stays."""
    from kg.pipeline import run_build

    stale = _package(tmp_path, "X = 1\n")
    (stale / "mod.py").write_text("X = 2\n", encoding="utf-8")
    check = _compile.check_fresh
    monkeypatch.setattr(_compile, "check_fresh", lambda: check(stale))
    case = tmp_path / "case.txt"
    case.write_text("Findings: L4 compression fracture.\n", encoding="utf-8")
    out = tmp_path / "graph.ttl"
    out.write_text("earlier output\n", encoding="utf-8")
    with pytest.raises(_compile.StaleBinaryError, match="older mod.py"):
        run_build([case], output=out)
    assert out.read_text(encoding="utf-8") == "earlier output\n"


def test_the_extraction_modules_pass_the_type_check_mypyc_runs(tmp_path):
    """mypyc refuses a module its type check rejects, and `make compile` then falls back
    to pure Python (slower, but every other test still passes): check the types here."""
    api = pytest.importorskip("mypy.api")
    files = [str(p) for p in _compile.sources()]
    out, err, code = api.run([*_compile.MYPY_FLAGS, "--cache-dir", str(tmp_path / "cache"),
                              "--no-error-summary", *files])
    assert code == 0, out + err
