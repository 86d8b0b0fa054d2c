"""Faster paths that must find what the plain regex they replace finds."""

from __future__ import annotations

import re

import pytest

from kg.extract.document import _title_sections
from kg.model import CaseText


def _by_regex(text: str, title: str) -> list[tuple[int, int]]:
    pattern = r"^[ \t]*" + re.escape(title.strip()) + r"[ \t]*$"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.MULTILINE)]


@pytest.mark.parametrize("text", [
    "Disc herniation\nFindings: disc herniation at L4.\n  Disc herniation \t\nend",
    "Disc herniation",
    "x Disc herniation\nDisc herniation y\nDisc herniation\r\nDisc herniationDisc herniation",
    "\n\nDisc herniation\n",
])
def test_title_lines_are_the_lines_the_regex_finds(text):
    case = CaseText("t", text, "t", title=" Disc herniation ")
    assert [(s.start, s.end) for s in _title_sections(case)] == _by_regex(text, "Disc herniation")
    assert all(s.kind == "title" for s in _title_sections(case))
