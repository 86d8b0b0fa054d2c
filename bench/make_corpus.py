"""Write a synthetic benchmark corpus: real cases replicated with light, seeded variation.

The source cases are JSON Lines files (``id``, ``title``, ``text``, optional ``age`` and
``gender``), read at run time -- by default every ``*.jsonl`` in ``../shared/cases``; their
text is never stored in the repository.  Case ``i`` of the output is source case
``i mod M`` (sources in sorted order), given a new id and varied with a random generator
seeded by ``(seed, i)``:

* ``left`` and ``right`` swapped (all of them, or none);
* vertebral levels shifted together within their region (C1-C7, T3-T12, L1-L5; T1 and T2
  are left alone because they also name MR sequences);
* ages moved by a few years, sizes in mm/cm scaled, reporting verbs (shows, demonstrates,
  reveals) exchanged; sex words swapped (man/woman, male/female, he/she ...);
* the sentences of one paragraph shuffled (a ``Heading:`` prefix stays in front);
* one ``no`` added before, or removed from before, a finding word.

Same sources, ``n`` and seed give the same bytes; a corpus of ``n`` cases is a prefix of a
larger one with the same seed.  No two output texts are identical: a text that repeats an
earlier one is varied again, and as a last resort gets a reference line with its id.

Run: ``python -m bench.make_corpus -n 1000 [--seed 7] [--cases DIR_OR_FILE ...] -o FILE``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

GENERATOR_VERSION = 1  # bump when the variation changes: cached corpora are rebuilt
REPO = Path(__file__).resolve().parent.parent
DEFAULT_CASES = REPO.parent / "shared" / "cases"
DATA_DIR = REPO / "bench" / "data"

_SEX_PAIRS = (("man", "woman"), ("male", "female"), ("boy", "girl"), ("he", "she"),
              ("his", "her"), ("gentleman", "lady"), ("men", "women"))
_SEX_SWAP = {a: b for pair in _SEX_PAIRS for a, b in (pair, pair[::-1])}
_SEX_WORD = re.compile(r"\b(" + "|".join(sorted(_SEX_SWAP, key=len, reverse=True)) + r")\b",
                       re.IGNORECASE)
_SIDE = re.compile(r"\b(left|right)\b", re.IGNORECASE)
_LEVEL = re.compile(r"\b([CTL])(\d{1,2})\b")
_LEVEL_RANGE = {"C": (1, 7), "T": (3, 12), "L": (1, 5)}
_AGE = re.compile(r"\b(\d{1,2})(?=[- ]?(?:year|yo\b|y/o|yr|y\.o\.))", re.IGNORECASE)
_FINDING_WORDS = ("fracture", "effusion", "edema", "hemorrhage", "mass", "lesion", "stenosis",
                  "herniation", "pneumothorax", "infiltrate", "collapse", "enhancement",
                  "dislocation", "deformity", "abnormality", "opacity", "nodule", "fluid")
_FINDING = "(" + "|".join(_FINDING_WORDS) + ")"
_NO_FINDING = re.compile(r"\b([Nn]o) " + _FINDING + r"s?\b")
_A_FINDING = re.compile(r"\b([Aa]n?) " + _FINDING + r"\b")
_SIZE = re.compile(r"\b(\d{1,3}(?:\.\d)?)(?=\s?(?:mm|cm)\b)")
_VERBS = ("shows", "demonstrates", "reveals")
_VERB = re.compile(r"\b(" + "|".join(_VERBS) + r")\b")
_PARAGRAPH_BREAK = re.compile(r"(\n+|\\n)")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_HEADING = re.compile(r"^([A-Z][A-Za-z &/]{0,40}:\s*)")


@dataclass(frozen=True)
class SourceCase:
    """One real case to replicate."""

    id: str
    title: str
    text: str
    age: str | None = None
    gender: str | None = None


# ---------------------------------------------------------------- reading


def source_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every JSON Lines file named, or found directly in a named directory, sorted."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")
    return sorted(set(files))


def read_sources(paths: Iterable[str | Path]) -> list[SourceCase]:
    """The source cases of every file, in file then line order; lines without text skipped."""
    cases = []
    for file in source_files(paths):
        with file.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                obj = json.loads(line)
                if not obj.get("text"):
                    continue
                age = obj.get("age")
                cases.append(SourceCase(str(obj.get("id", "")), str(obj.get("title") or ""),
                                        obj["text"], None if age is None else str(age),
                                        obj.get("gender")))
    if not cases:
        raise ValueError("no source cases with text in " + ", ".join(map(str, paths)))
    return cases


# ---------------------------------------------------------------- variations


def _match_case(word: str, like: str) -> str:
    """``word`` written with the capitalisation of ``like``."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def swap_sides(text: str, rng: random.Random) -> str:
    """Every left becomes right and back (half the time)."""
    if rng.random() < 0.5:
        return text
    return _SIDE.sub(lambda m: _match_case("right" if m.group(1).lower() == "left" else "left",
                                           m.group(1)), text)


def shift_levels(text: str, rng: random.Random) -> str:
    """Shift each spinal region's levels by one step, when every level stays in range."""
    for region, (low, high) in _LEVEL_RANGE.items():
        numbers = [int(m.group(2)) for m in _LEVEL.finditer(text) if m.group(1) == region
                   and low <= int(m.group(2)) <= high]
        if not numbers:
            continue
        delta = rng.choice((-1, 1))
        if min(numbers) + delta < low or max(numbers) + delta > high:
            delta = -delta
        if min(numbers) + delta < low or max(numbers) + delta > high:
            continue
        text = _LEVEL.sub(lambda m, r=region, d=delta, lo=low, hi=high:
                          _shifted(m, r, d, lo, hi), text)
    return text


def _shifted(m: re.Match[str], region: str, delta: int, low: int, high: int) -> str:
    """One level moved by ``delta`` if it is of ``region`` and in range."""
    n = int(m.group(2))
    if m.group(1) != region or not low <= n <= high:
        return m.group(0)
    return f"{region}{n + delta}"


def vary_ages(text: str, rng: random.Random) -> str:
    """Move every stated age in years by the same few years."""
    delta = rng.choice((-3, -2, -1, 1, 2, 3))
    return _AGE.sub(lambda m: str(max(1, int(m.group(1)) + delta)), text)


def vary_sizes(text: str, rng: random.Random) -> str:
    """Scale every size in mm or cm by the same factor between 0.8 and 1.2."""
    factor = rng.choice((0.8, 0.85, 0.9, 0.95, 1.05, 1.1, 1.15, 1.2))

    def scale(m: re.Match[str]) -> str:
        value = float(m.group(1)) * factor
        return f"{value:.1f}" if "." in m.group(1) else str(max(1, round(value)))

    return _SIZE.sub(scale, text)


def reword(text: str, rng: random.Random) -> str:
    """Replace each reporting verb (shows, demonstrates, reveals) by a random one of them."""
    return _VERB.sub(lambda m: rng.choice(_VERBS), text)


def swap_sex(text: str, rng: random.Random) -> str:
    """Swap the sex words (half the time)."""
    if rng.random() < 0.5:
        return text
    return _SEX_WORD.sub(lambda m: _match_case(_SEX_SWAP[m.group(1).lower()], m.group(1)), text)


def shuffle_one_paragraph(text: str, rng: random.Random) -> str:
    """Shuffle the sentences of one paragraph with two or more (its heading kept first)."""
    parts = _PARAGRAPH_BREAK.split(text)  # paragraphs at even indexes, breaks at odd
    candidates = [i for i in range(0, len(parts), 2)
                  if len(_SENTENCE_BREAK.split(_strip_heading(parts[i])[1])) >= 2]
    if not candidates:
        return text
    i = rng.choice(candidates)
    heading, body = _strip_heading(parts[i])
    sentences = _SENTENCE_BREAK.split(body)
    rng.shuffle(sentences)
    parts[i] = heading + " ".join(sentences)
    return "".join(parts)


def _strip_heading(paragraph: str) -> tuple[str, str]:
    m = _HEADING.match(paragraph)
    return (m.group(1), paragraph[m.end():]) if m else ("", paragraph)


def flip_negation(text: str, rng: random.Random) -> str:
    """Remove one "no" before a finding word, or turn one "a <finding>" into "no <finding>"."""
    negated = list(_NO_FINDING.finditer(text))
    affirmed = list(_A_FINDING.finditer(text))
    if not negated and not affirmed:
        return text
    m = rng.choice(negated + affirmed)
    word = m.group(2)
    if m in negated:
        article = "an" if word[0] in "aeiou" else "a"
        new = _match_case(article, m.group(1))
    else:
        new = _match_case("no", m.group(1))
    return text[: m.start(1)] + new + text[m.end(1):]


VARIATIONS: tuple[Callable[[str, random.Random], str], ...] = (
    swap_sides, shift_levels, vary_ages, vary_sizes, reword, swap_sex, shuffle_one_paragraph,
    flip_negation,
)


def vary(text: str, rng: random.Random) -> str:
    """``text`` after every variation, each drawing from ``rng`` in a fixed order."""
    for variation in VARIATIONS:
        text = variation(text, rng)
    return text


# ---------------------------------------------------------------- the corpus


def case_id(i: int, source: SourceCase) -> str:
    """A new id per synthetic case, keeping the source's prefix for readability."""
    prefix = re.sub(r"[^A-Za-z]+.*$", "", source.id) or "case"
    return f"{prefix}-bench-{i:06d}"


_ATTEMPTS = 8


def synthetic_cases(sources: list[SourceCase], n: int, seed: int) -> Iterator[dict[str, str]]:
    """The ``n`` synthetic case records, as JSON-ready dicts."""
    seen: set[bytes] = set()
    for i in range(n):
        source = sources[i % len(sources)]
        new_id = case_id(i, source)
        text = source.text
        for attempt in range(_ATTEMPTS):
            rng = random.Random(f"{seed}:{i}:{attempt}")
            text = vary(text, rng)
            if _digest(text) not in seen:
                break
        else:
            text = f"{text}\nReference: {new_id}."
        seen.add(_digest(text))
        record = {"id": new_id, "title": source.title, "text": text}
        if source.age is not None:
            record["age"] = source.age
        if source.gender is not None:
            record["gender"] = _SEX_SWAP_GENDER.get(source.gender, source.gender) if (
                _swapped_sex(source.text, text)) else source.gender
        yield record


_SEX_SWAP_GENDER = {"F": "M", "M": "F", "female": "male", "male": "female"}


def _swapped_sex(before: str, after: str) -> bool:
    """True when the variation swapped the sex words of a text."""
    words_before = [w.lower() for w in _SEX_WORD.findall(before)]
    words_after = [w.lower() for w in _SEX_WORD.findall(after)]
    return bool(words_before) and words_after == [_SEX_SWAP[w] for w in words_before]


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def write_corpus(sources: list[SourceCase], n: int, seed: int, out: Path) -> Path:
    """Write ``n`` synthetic cases as JSON Lines to ``out`` (atomically); return ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for record in synthetic_cases(sources, n, seed):
            fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(out)
    log.info("wrote %d cases to %s", n, out)
    return out


def corpus_path(n: int, seed: int, data_dir: Path = DATA_DIR) -> Path:
    """Where the cached corpus of ``n`` cases and ``seed`` lives."""
    return data_dir / f"corpus-v{GENERATOR_VERSION}-s{seed}-{n}.jsonl"


def ensure_corpus(n: int, seed: int, cases: Iterable[str | Path] = (DEFAULT_CASES,),
                  data_dir: Path = DATA_DIR) -> Path:
    """The corpus file for ``n`` and ``seed``, generated unless already cached."""
    path = corpus_path(n, seed, data_dir)
    if not path.is_file():
        write_corpus(read_sources(cases), n, seed, path)
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: write one corpus."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, required=True, help="number of cases")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cases", nargs="+", default=[str(DEFAULT_CASES)],
                        help="source JSON Lines files or directories")
    parser.add_argument("-o", "--out", type=Path, help="output file (default: bench/data/...)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = args.out or corpus_path(args.n, args.seed)
    write_corpus(read_sources(args.cases), args.n, args.seed, out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
