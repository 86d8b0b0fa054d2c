"""Big JSON Lines files are read line by line, with the same cases and problems."""

from __future__ import annotations

import json

import kg.readers as readers


def _write(path, lines: list[bytes]) -> None:
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")


def test_streamed_jsonl_gives_the_same_cases_and_problems(tmp_path, monkeypatch):
    path = tmp_path / "big.jsonl"
    good = [json.dumps({"id": f"c{i}", "text": f"Case {i}: an L{i} fracture."}).encode()
            for i in range(1, 4)]
    _write(path, [good[0], b"{broken", good[1], b'{"id": "bad", "text": "caf\xe9 text"}',
                  b"", good[2]])
    whole: list = []
    expected = [(c.id, c.text) for c in readers.read_paths([path], whole)]
    monkeypatch.setattr(readers, "STREAM_BYTES", 0)
    streamed: list = []
    got = [(c.id, c.text) for c in readers.read_paths([path], streamed)]
    assert got == expected
    assert [c for c, _ in got] == ["c1", "c2", "bad", "c3"]
    assert {(p.line, p.skipped) for p in streamed} >= {(2, True), (4, False)}
    assert "U+FFFD" in str([p for p in streamed if p.line == 4][0])
