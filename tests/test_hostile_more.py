"""More hostile inputs, found by a red-team run over every command: each one is a clean
one-line error (or a skipped, reported record), never an "unexpected" crash.

Every input is written by the test itself (tmp_path), one behaviour a test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.readers import ReadProblem, read_paths

SEED = Path(__file__).resolve().parent.parent / "seeds" / "seed-kyphoplasty.txt"


def kg(*args: str):
    """Run the CLI; stderr kept apart from stdout."""
    return CliRunner().invoke(cli, list(args))


def one_error_line(result) -> str:
    """The single ``kg: error:`` line of a failed run (asserts there is exactly one)."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kg: error: "), lines[0]
    assert "unexpected" not in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_integer_too_long_to_convert_is_a_skipped_line(tmp_path):
    """Python refuses int('1' + 5000 zeros): that line is reported, the next one read."""
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "a", "text": "L5 fracture.", "age": 1' + "0" * 5000 + "}\n"
                    + json.dumps({"id": "b", "text": "L4 fracture."}) + "\n", encoding="utf-8")
    problems: list[ReadProblem] = []
    cases = list(read_paths([path], problems))
    assert [c.id for c in cases] == ["b"]
    assert [(p.line, p.skipped) for p in problems] == [(1, True)]
    assert "invalid JSON" in problems[0].error


def test_jsonl_only_an_overlong_integer_is_one_input_error(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "a", "text": "x", "age": 9' + "9" * 5000 + "}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"big\.jsonl:1: invalid JSON"):
        list(read_paths([path]))


# ---------------------------------------------------------------- kg eval --graph


GOLD_LINE = json.dumps({"id": "c1", "findings": [{"label": "fracture"}], "procedures": []})


@pytest.mark.parametrize("name,data", [
    ("bad.jsonld", b"{not json"),
    ("garbage.txt", bytes(range(128, 256)) * 4),
    ("other.ttl", b"\xff\xfe@\x00p\x00"),
])
def test_eval_on_a_graph_that_is_not_rdf_is_one_error_line(tmp_path, name, data):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOLD_LINE + "\n", encoding="utf-8")
    graph = tmp_path / name
    graph.write_bytes(data)
    result = kg("eval", "--gold", str(gold), "-g", str(graph))
    assert result.exit_code == 2
    assert name in one_error_line(result)
