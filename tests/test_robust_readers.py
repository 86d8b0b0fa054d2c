"""Readers on broken and hostile input: nothing crashes, bad input is named and skipped.

Every file here is written by the test itself (tmp_path), one behaviour a test.
"""

from __future__ import annotations

import json
import time

import pytest

from kg import readers
from kg.errors import InputError
from kg.readers import ReadProblem, read_file, read_paths

SEED_LIKE = "Texto: Leak\nKyphoplasty at L5.\nCement leakage.\nKeywords:\n- cement leakage\n"


def write(tmp_path, name: str, data: str | bytes):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def read_all(*paths) -> tuple[list, list[ReadProblem]]:
    problems: list[ReadProblem] = []
    return list(read_paths(paths, problems)), problems


# ---------------------------------------------------------------- empty and binary


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_or_blank_file_alone_is_one_line_input_error(tmp_path, content):
    path = write(tmp_path, "empty.txt", content)
    with pytest.raises(InputError, match=r"empty\.txt: (empty|whitespace-only) file") as exc:
        list(read_paths([path]))
    assert "\n" not in str(exc.value)


def test_empty_file_among_good_ones_is_skipped_and_reported(tmp_path):
    write(tmp_path, "a.txt", "Back pain.\n")
    write(tmp_path, "b.txt", "")
    cases, problems = read_all(tmp_path)
    assert [c.id for c in cases] == ["a"]
    assert [(p.id, p.skipped) for p in problems] == [("b", True)]


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    b"\x00" * 128 + b"DICM" + b"\x02\x00",
    bytes(range(32)) * 20,
])
def test_binary_file_is_skipped_naming_the_file(tmp_path, data):
    write(tmp_path, "good.txt", "Back pain.\n")
    write(tmp_path, "scan.txt", data)
    cases, problems = read_all(tmp_path)
    assert [c.id for c in cases] == ["good"]
    assert len(problems) == 1 and problems[0].skipped
    assert str(problems[0]).startswith(str(tmp_path / "scan.txt") + ": binary file")


# ---------------------------------------------------------------- encodings


def test_invalid_utf8_is_replaced_and_warned_with_byte_offset_and_line(tmp_path):
    path = write(tmp_path, "bad.txt", b"Line one.\nPain at L5 \xff\xfe here.\n")
    problems: list[ReadProblem] = []
    case = read_file(path, problems)[0]
    assert case.text == "Line one.\nPain at L5 \ufffd\ufffd here.\n"
    assert [(p.line, p.skipped) for p in problems] == [(2, False)]
    assert "byte 21" in problems[0].error and "2 sequence(s)" in problems[0].error


def test_mostly_invalid_utf8_is_not_text(tmp_path):
    write(tmp_path, "ok.txt", "Fine.\n")
    write(tmp_path, "noise.txt", bytes([0x80 + i % 60 for i in range(4000)]))
    cases, problems = read_all(tmp_path)
    assert [c.id for c in cases] == ["ok"]
    assert problems[0].skipped and "not UTF-8 text" in problems[0].error


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
    ("utf-32-le", b"\xff\xfe\x00\x00"),
])
def test_byte_order_marks(tmp_path, encoding, bom):
    case = read_file(write(tmp_path, "c.txt", bom + SEED_LIKE.encode(encoding)))[0]
    assert case.title == "Leak"
    assert case.text == "Kyphoplasty at L5.\nCement leakage.\n"
    assert case.keywords == ("cement leakage",)


def test_utf16_without_bom_is_recognised(tmp_path):
    problems: list[ReadProblem] = []
    case = read_file(write(tmp_path, "c.txt", "Schmorl’s node at L4.\n".encode("utf-16-le")),
                     problems)[0]
    assert case.text == "Schmorl’s node at L4.\n"
    assert "UTF-16-LE" in problems[0].error and not problems[0].skipped


# ---------------------------------------------------------------- line ends and NULs


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n"])
def test_line_ends_seed_format_and_offsets(tmp_path, eol):
    raw = SEED_LIKE.replace("\n", eol)
    case = read_file(write(tmp_path, "c.txt", raw))[0]
    assert case.title == "Leak" and case.keywords == ("cement leakage",)
    assert case.text == f"Kyphoplasty at L5.{eol}Cement leakage.{eol}"  # verbatim


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_field_sections_slice_the_text_with_cr_line_ends(tmp_path, eol):
    raw = eol.join(["Title: T", "History: Fall.", "Findings: L1 fracture.", ""])
    case = read_file(write(tmp_path, "m.txt", raw))[0]
    assert [s.name for s in case.sections] == ["Title", "History", "Findings"]
    findings = case.sections[2]
    assert case.text[findings.start:findings.end] == "Findings: L1 fracture." + eol


def test_nul_and_control_bytes_become_replacement_characters(tmp_path):
    problems: list[ReadProblem] = []
    case = read_file(write(tmp_path, "n.txt", b"Back\x00pain\x07 at L5.\n"), problems)[0]
    assert case.text == "Back\ufffdpain\ufffd at L5.\n"
    assert len(case.text) == len("Back\x00pain\x07 at L5.\n")  # offsets unchanged
    assert "2 control/invalid character(s)" in problems[0].error


# ---------------------------------------------------------------- size


def test_huge_single_case_file_is_skipped_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_CASE_CHARS", 1000)
    write(tmp_path, "ok.txt", "Fine.\n")
    write(tmp_path, "huge.txt", "word " * 2000)
    cases, problems = read_all(tmp_path)
    assert [c.id for c in cases] == ["ok"]
    assert problems[0].id == "huge" and "too long" in problems[0].error


def test_50_mb_text_is_bounded_in_time(tmp_path):
    line = "A 70-year-old woman had kyphoplasty at L5; CT showed cement leakage.\n"
    path = tmp_path / "big.txt"
    with path.open("w") as fh:
        for _ in range(50_000_000 // (len(line) * 1000)):
            fh.write(line * 1000)
    write(tmp_path, "ok.txt", "Fine.\n")
    start = time.perf_counter()
    cases, problems = read_all(tmp_path)
    assert time.perf_counter() - start < 2
    assert [c.id for c in cases] == ["ok"] and problems[0].id == "big"


def test_file_of_100k_lines(tmp_path):
    path = write(tmp_path, "long.txt", "".join(f"row {i} normal\n" for i in range(100_000)))
    start = time.perf_counter()
    case = read_file(path)[0]
    assert time.perf_counter() - start < 3
    assert case.text.count("\n") == 100_000


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_broken_line_is_skipped_and_named_others_read(tmp_path):
    good = [json.dumps({"id": f"c{i}", "text": "Back pain."}) for i in range(3)]
    path = write(tmp_path, "b.jsonl", "\n".join([good[0], '{"id": "x", "text": ', *good[1:]]))
    cases, problems = read_all(path)
    assert [c.id for c in cases] == ["c0", "c1", "c2"]
    assert [(p.line, p.id, p.skipped) for p in problems] == [(2, "b-2", True)]
    assert str(problems[0]).startswith(f"{path}:2: invalid JSON")


@pytest.mark.parametrize("line,why", [
    ('["a list"]', "expected a JSON object"),
    ('{"id": "a"}', "no string 'text'"),
    ('{"id": "a", "text": "  "}', "empty 'text'"),
    ("[" * 100_000, "invalid JSON"),
])
def test_jsonl_unusable_records(tmp_path, line, why):
    path = write(tmp_path, "r.jsonl", '{"id": "ok", "text": "Fine."}\n' + line + "\n")
    cases, problems = read_all(path)
    assert [c.id for c in cases] == ["ok"]
    assert problems[0].line == 2 and why in problems[0].error


def test_jsonl_escaped_nul_and_lone_surrogate_are_cleaned(tmp_path):
    path = write(tmp_path, "s.jsonl", '{"id": "a\\ud800", "text": "pain\\u0000 \\udc00x"}\n')
    cases, problems = read_all(path)
    assert cases[0].id == "a\ufffd" and cases[0].text == "pain\ufffd \ufffdx"
    cases[0].text.encode("utf-8")  # writable
    assert problems and not any(p.skipped for p in problems)


@pytest.mark.parametrize("age", [1e400, -3, 10**30, "999 years", float("nan")])
def test_absurd_ages_are_dropped(tmp_path, age):
    line = json.dumps({"id": "a", "text": "Pain.", "age": age})
    assert read_file(write(tmp_path, "a.jsonl", line))[0].age is None


def test_jsonl_bad_keywords_keep_the_case(tmp_path):
    path = write(tmp_path, "k.jsonl", json.dumps({"id": "a", "text": "Pain.", "keywords": 5}))
    cases, problems = read_all(path)
    assert cases[0].keywords == () and not problems[0].skipped


def test_blank_jsonl_id_falls_back_to_stem_and_line(tmp_path):
    path = write(tmp_path, "k.jsonl", json.dumps({"id": "  ", "text": "Pain."}))
    assert read_file(path)[0].id == "k-1"


# ---------------------------------------------------------------- seed format


def test_seed_without_keywords_line(tmp_path):
    case = read_file(write(tmp_path, "s.txt", "Texto: T\nBack pain at L4.\n"))[0]
    assert case.text == "Back pain at L4.\n" and case.keywords == ()


def test_seed_with_empty_text_but_keywords_is_read_with_a_warning(tmp_path):
    cases, problems = read_all(write(tmp_path, "s.txt", "Texto: T\nKeywords:\n- back pain\n"))
    assert cases[0].text == "" and cases[0].keywords == ("back pain",)
    assert problems[0].skipped is False and "empty case text" in problems[0].error


def test_seed_with_nothing_is_skipped(tmp_path):
    write(tmp_path, "ok.txt", "Fine.\n")
    write(tmp_path, "s.txt", "Texto:\nKeywords:\n")
    cases, problems = read_all(tmp_path)
    assert [c.id for c in cases] == ["ok"] and problems[0].id == "s" and problems[0].skipped


# ---------------------------------------------------------------- ids


def test_duplicate_ids_across_files_are_renamed_and_reported(tmp_path):
    (tmp_path / "x").mkdir()
    write(tmp_path, "a.txt", "One.\n")
    write(tmp_path / "x", "a.txt", "Two.\n")
    write(tmp_path, "m.jsonl", json.dumps({"id": "a", "text": "Three."}) + "\n")
    cases, problems = read_all(tmp_path)
    assert [c.id for c in cases] == ["a", "a-2", "a-3"]
    assert [(p.id, p.skipped) for p in problems] == [("a-2", False), ("a-3", False)]
    assert "already read from" in problems[0].error


def test_all_inputs_unusable_is_one_input_error_with_count(tmp_path):
    write(tmp_path, "a.txt", "")
    write(tmp_path, "b.txt", b"\x89PNG\r\n")
    with pytest.raises(InputError, match=r"a\.txt: empty file: no case text \(and 1 more\)"):
        list(read_paths([tmp_path]))
