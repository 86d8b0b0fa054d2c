"""Readers: one behaviour per test, on small files written here."""

from __future__ import annotations

import json

import pytest
from conftest import SEED

from kg.errors import InputError
from kg.model import Sex
from kg.readers import parse_age, read_file, read_paths

SEED_LIKE = (
    "Texto: \n"
    "She had kyphoplasty at L5.\n"
    "CT (post-procedure): Cement leakage into the right pedicle.\n"
    "Cement Leak Case\n"
    "70 y.o. woman with back pain.\n"
    "Keywords: \n"
    "- cement leakage\n"
    "- right pedicle\n"
)


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_seed_format_text_is_between_texto_and_keywords(tmp_path):
    case = read_file(write(tmp_path, "c1.txt", SEED_LIKE))[0]
    assert case.text.startswith("She had kyphoplasty")
    assert case.text.endswith("back pain.\n")
    assert "Keywords" not in case.text


def test_seed_format_keywords(tmp_path):
    case = read_file(write(tmp_path, "c1.txt", SEED_LIKE))[0]
    assert case.keywords == ("cement leakage", "right pedicle")


def test_seed_format_title_is_first_short_unpunctuated_line(tmp_path):
    case = read_file(write(tmp_path, "c1.txt", SEED_LIKE))[0]
    assert case.title == "Cement Leak Case"


def test_seed_format_title_on_texto_line(tmp_path):
    case = read_file(write(tmp_path, "c1.txt", "Texto: My Title\nBody text.\nKeywords:\n- x\n"))[0]
    assert case.title == "My Title"
    assert case.text == "Body text.\n"


def test_seed_format_heading_opens_section_until_title_line(tmp_path):
    case = read_file(write(tmp_path, "c1.txt", SEED_LIKE))[0]
    offset = case.text.index("right pedicle")
    assert case.section_at(offset) == "CT (post-procedure)"
    assert case.section_at(case.text.index("back pain")) is None


def test_seed_text_is_verbatim(tmp_path):
    raw = "Texto: \nTwo  spaces\r\nand\ttab.\nKeywords:\n"
    case = read_file(write(tmp_path, "c.txt", raw))[0]
    assert case.text == "Two  spaces\r\nand\ttab.\n"


def test_the_seed_title_and_keywords():
    case = read_file(SEED)[0]
    assert case.id == "seed-kyphoplasty"
    assert case.title == "Kyphoplasty Cement Leak"
    assert "kyphoplasty cement leak 76" in case.keywords
    assert "Schmorl’s node at L4" in case.text


def test_field_value_sections_and_title(tmp_path):
    text = ("Title: Pedicle Leak\nHistory: 70 yo F.\nFindings: Cement in the\n"
            "left pedicle.\nCase Diagnosis: Cement leakage\n")
    case = read_file(write(tmp_path, "mpx.txt", text))[0]
    assert case.title == "Pedicle Leak"
    assert [s.name for s in case.sections] == ["Title", "History", "Findings", "Case Diagnosis"]
    assert case.section_at(case.text.index("left pedicle")) == "Findings"  # continued line
    assert case.text == text


def test_field_value_unknown_heading_stays_in_section(tmp_path):
    text = "Title: T\nDiscussion: Prose.\nReferences: a book.\n"
    case = read_file(write(tmp_path, "mpx.txt", text))[0]
    assert case.section_at(case.text.index("a book")) == "Discussion"


def test_plain_text(tmp_path):
    case = read_file(write(tmp_path, "note.text", "A 60-year-old man with neck pain.\n"))[0]
    assert case.id == "note"
    assert case.text == "A 60-year-old man with neck pain.\n"
    assert case.keywords == () and case.sections == ()


def test_markdown_heading_is_title(tmp_path):
    case = read_file(write(tmp_path, "c.md", "# Disc Herniation\n\nL4-5 herniation.\n"))[0]
    assert case.title == "Disc Herniation"


def test_jsonl_records(tmp_path):
    rows = [{"id": "a1", "title": "One", "text": "Back pain.", "keywords": ["back pain"]},
            {"id": "a2", "title": "Two", "text": "Neck pain.", "age": "[[24.0, 'year']]",
             "gender": "F"}]
    path = write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    cases = read_file(path)
    assert [c.id for c in cases] == ["a1", "a2"]
    assert cases[0].keywords == ("back pain",) and cases[0].title == "One"
    assert (cases[1].age, cases[1].sex, cases[1].line) == (24, Sex.FEMALE, 2)


def test_jsonl_field_text_gets_sections(tmp_path):
    row = {"id": "m1", "title": "T", "text": "History: Fall.\nFindings: L1 fracture."}
    case = read_file(write(tmp_path, "m.jsonl", json.dumps(row) + "\n"))[0]
    assert case.section_at(case.text.index("L1")) == "Findings"


def test_jsonl_without_id_uses_stem_and_line(tmp_path):
    case = read_file(write(tmp_path, "batch.jsonl", '\n{"text": "x"}\n'))[0]
    assert case.id == "batch-2"


def test_jsonl_literal_backslash_n_becomes_newline(tmp_path):
    case = read_file(write(tmp_path, "p.jsonl", json.dumps({"id": "p", "text": "a\\nb"})))[0]
    assert case.text == "a\nb"


def test_age_units():
    assert parse_age("[[6.0, 'month']]") == 0
    assert parse_age("76 years") == 76
    assert parse_age(None) is None


def test_bad_jsonl_names_file_and_line(tmp_path):
    path = write(tmp_path, "bad.jsonl", '{"id": "a", "text": "ok"}\n{"id": \n')
    with pytest.raises(InputError, match=r"bad\.jsonl:2: invalid JSON"):
        read_file(path)


def test_jsonl_record_without_text(tmp_path):
    with pytest.raises(InputError, match=r"x\.jsonl:1: .*'text'"):
        read_file(write(tmp_path, "x.jsonl", '{"id": "a"}\n'))


def test_non_utf8_file_is_decoded_with_replacement(tmp_path, caplog):
    case = read_file(write(tmp_path, "latin.txt", "caf\xe9".encode("latin-1")))[0]
    assert case.text == "caf\ufffd"
    assert "latin.txt:1: invalid UTF-8 at byte 3" in caplog.text


def test_bom_is_tolerated(tmp_path):
    case = read_file(write(tmp_path, "b.txt", "\ufeffTexto: T\nBody.\nKeywords:\n".encode()))[0]
    assert case.title == "T" and case.text == "Body.\n"


def test_missing_path_is_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_paths([tmp_path / "nope.txt"]))


def test_unsupported_suffix_is_input_error(tmp_path):
    with pytest.raises(InputError, match="unsupported file type"):
        read_file(write(tmp_path, "x.csv", "a,b"))


def test_directory_recursive_sorted_supported_only(tmp_path):
    write(tmp_path, "b.txt", "B.")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "a.md", "A.")
    write(tmp_path, "a.txt", "A.")
    write(tmp_path, "skip.csv", "x")
    ids = [c.id for c in read_paths([tmp_path])]
    assert ids == ["a", "b", "a-2"]  # a.txt, b.txt, sub/a.md; the repeated id renamed


def test_a_whole_report_on_the_texto_line_is_the_text(tmp_path):
    case = read_file(write(tmp_path, "one.txt", "Texto: She underwent kyphoplasty at L2.\n"
                                                 "Keywords: kyphoplasty\n"))[0]
    assert case.text == "She underwent kyphoplasty at L2."
    assert case.title is None and case.keywords == ("kyphoplasty",)
