"""The benchmark corpus generator (bench/make_corpus.py), on tiny sources written here."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _load_make_corpus():
    spec = importlib.util.spec_from_file_location("bench_make_corpus",
                                                  REPO / "bench" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mc = _load_make_corpus()

SOURCES = [
    {"id": "MPX9001", "title": "Burst fracture",
     "text": "Title: Burst fracture\nHistory: A 64 year old man fell from a ladder. He has left "
             "leg pain. No fever.\nFindings: There is a fracture of L2 with retropulsion. The L1 "
             "and L3 vertebrae are intact. A 12 mm fragment narrows the canal.",
     "age": "64", "gender": "M"},
    {"id": "IU-CXR9002", "title": "Normal chest",
     "text": "Findings: The lungs are clear. There is no effusion. The right heart border is "
             "normal.\nImpression: No acute disease."},
    {"id": "9003-1", "title": "Neck pain",
     "text": "A 40-year-old woman had neck pain. MRI shows a C5-C6 disc herniation on the "
             "right.\\nShe improved after surgery."},
]


@pytest.fixture()
def source_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    lines = [json.dumps(s) for s in SOURCES]
    (folder / "a.jsonl").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    (folder / "b.jsonl").write_text(lines[2] + "\n\n", encoding="utf-8")
    (folder / "ignored.txt").write_text("not a source", encoding="utf-8")
    return folder


def _corpus(source_dir: Path, out: Path, n: int, seed: int = 7) -> list[dict]:
    mc.write_corpus(mc.read_sources([source_dir]), n, seed, out)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_reads_every_jsonl_file_of_a_directory(source_dir):
    assert [c.id for c in mc.read_sources([source_dir])] == ["MPX9001", "IU-CXR9002", "9003-1"]


def test_writes_n_cases_with_unique_ids_and_texts(source_dir, tmp_path):
    cases = _corpus(source_dir, tmp_path / "c.jsonl", 40)
    assert len(cases) == 40
    assert len({c["id"] for c in cases}) == 40
    assert len({c["text"] for c in cases}) == 40
    assert all(c["title"] and c["text"] for c in cases)


def test_same_n_and_seed_give_the_same_bytes(source_dir, tmp_path):
    _corpus(source_dir, tmp_path / "a.jsonl", 25)
    _corpus(source_dir, tmp_path / "b.jsonl", 25)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_another_seed_gives_other_texts(source_dir, tmp_path):
    a = _corpus(source_dir, tmp_path / "a.jsonl", 25, seed=1)
    b = _corpus(source_dir, tmp_path / "b.jsonl", 25, seed=2)
    assert [c["text"] for c in a] != [c["text"] for c in b]


def test_a_small_corpus_is_a_prefix_of_a_larger_one(source_dir, tmp_path):
    small = (tmp_path / "s.jsonl")
    large = (tmp_path / "l.jsonl")
    _corpus(source_dir, small, 6)
    _corpus(source_dir, large, 15)
    assert large.read_bytes().startswith(small.read_bytes())


def test_texts_are_varied_not_copied(source_dir, tmp_path):
    cases = _corpus(source_dir, tmp_path / "c.jsonl", 30)
    originals = {s["text"] for s in SOURCES}
    assert sum(c["text"] not in originals for c in cases) >= 27


def test_levels_shift_together_and_stay_in_range():
    for seed in range(20):
        assert mc.shift_levels("L4-L5 disc; L5 pedicle", random.Random(seed)) == \
            "L3-L4 disc; L4 pedicle"


def test_t1_and_t2_are_left_alone_as_mr_sequences():
    for seed in range(20):
        out = mc.shift_levels("T2 hyperintense signal at T7", random.Random(seed))
        assert out.startswith("T2 hyperintense") and out != "T2 hyperintense signal at T7"


def test_negation_is_removed_before_a_finding_word():
    assert mc.flip_negation("There is no effusion.", random.Random(0)) == "There is an effusion."


def test_negation_is_added_before_a_finding_word():
    assert mc.flip_negation("There is a fracture.", random.Random(0)) == "There is no fracture."


def test_shuffled_paragraph_keeps_its_heading_and_sentences():
    text = "Findings: One is here. Two is there. Three is everywhere."
    for seed in range(10):
        out = mc.shuffle_one_paragraph(text, random.Random(seed))
        assert out.startswith("Findings: ")
        assert sorted(s.rstrip(".") for s in out.removeprefix("Findings: ").split(". ")) == \
            ["One is here", "Three is everywhere", "Two is there"]


def test_sex_words_keep_their_capitalisation():
    rng = next(random.Random(s) for s in range(50) if random.Random(s).random() >= 0.5)
    assert mc.swap_sex("He is a man. She", rng) == "She is a woman. He"


def test_gender_field_follows_swapped_sex_words(source_dir, tmp_path):
    cases = _corpus(source_dir, tmp_path / "c.jsonl", 30)
    for case in cases:
        if case["id"].startswith("MPX"):
            man = " man " in case["text"]
            assert case["gender"] == ("M" if man else "F")
