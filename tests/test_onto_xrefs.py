"""The cross-reference lookup tool: the DICOM PS3.16 extract and the one-value-per-system rule."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "ontologies" / "tools" / "lookup_xrefs.py"
HEADER = "snomedct\tumls\tmeaning\tcid\tsource\n"


@pytest.fixture(scope="module")
def tool():
    """The tool script loaded as a module (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("lookup_xrefs", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules["lookup_xrefs"] = module
    spec.loader.exec_module(module)
    return module


def test_extract_row_gives_snomed_and_umls_under_its_folded_meaning(tool, tmp_path):
    path = tmp_path / "extract.tsv"
    path.write_text(HEADER + "1234567\tC7654321\tWidget-Gland\tCID 1\trepo path @abc\n")
    hits = tool.read_dicom_extract(path)["widget gland"]
    assert [h.xrefs for h in hits] == [("SNOMEDCT:1234567", "UMLS:C7654321")]


def test_a_code_listed_by_two_value_sets_is_one_hit(tool, tmp_path):
    path = tmp_path / "extract.tsv"
    row = "1234567\tC7654321\tWidget\tCID {}\trepo path @abc\n"
    path.write_text(HEADER + row.format(1) + row.format(2))
    assert len(tool.read_dicom_extract(path)["widget"]) == 1


def test_malformed_cui_is_refused(tool, tmp_path):
    path = tmp_path / "extract.tsv"
    path.write_text(HEADER + "1234567\t7654321\tWidget\tCID 1\trepo path @abc\n")
    with pytest.raises(ValueError, match="malformed"):
        tool.read_dicom_extract(path)


def test_committed_extract_loads(tool):
    index = tool.read_dicom_extract()
    assert index and all(h.source == tool.DICOM_SRC for hits in index.values() for h in hits)


def test_existing_value_is_not_joined_by_another_in_the_same_system(tool):
    have = ["SNOMEDCT:111111", "FMA:5"]
    proposed = ["SNOMEDCT:222222", "UMLS:C0000001", "FMA:5"]
    assert tool.new_systems_only(have, proposed) == ["UMLS:C0000001", "FMA:5"]
