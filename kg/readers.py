"""Read case texts from files: the first stage of the pipeline.

Supported inputs (a directory is read recursively, files in sorted order):

* the seed format: a ``Texto:`` line (text after it, if any, is the title), the case
  text, then ``Keywords:`` and one ``- phrase`` a line;
* ``Field: value`` case texts with MedPix-style headings (``Title:``, ``History:``,
  ``Findings:`` ...): each heading becomes a :class:`~kg.model.Section`;
* plain text (``.txt``, ``.text``, ``.md`` without those markers);
* JSON Lines (``.jsonl``): one object a line with ``id``, ``title``, ``text`` and
  optional ``keywords``, ``age`` and ``gender`` (as PMC-Patients gives them).

:attr:`CaseText.text` is exactly the string that extraction offsets index into; it is
kept verbatim (only a literal ``\\n`` in a single-line JSONL text becomes a newline).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.errors import InputError
from kg.model import CaseText, Section, Sex

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".text", ".md", ".jsonl")

# Headings of "Field: value" case texts: MedPix's case fields, plus the Open-i
# radiology report fields (Indication, Comparison, Impression).
FIELD_HEADINGS: tuple[str, ...] = (
    "Title",
    "History",
    "Exam",
    "Findings",
    "Differential Diagnosis",
    "Case Diagnosis",
    "Diagnosis By",
    "Treatment & Follow Up",
    "Discussion",
    "Indication",
    "Comparison",
    "Impression",
)

_FIELD_LINE = re.compile(
    r"^[ \t]*(" + "|".join(re.escape(h) for h in FIELD_HEADINGS) + r")[ \t]*:", re.IGNORECASE
)
_CANONICAL_HEADING = {h.lower(): h for h in FIELD_HEADINGS}
# A free heading inside a seed or plain text: "CT (post-procedure): ..." -- a short
# capitalised phrase (at most six words, no sentence punctuation) then a colon.
_FREE_HEADING = re.compile(r"^[ \t]*([A-Z][A-Za-z0-9 /&()'\-]{0,60}?)[ \t]*:(?:[ \t]|$)")
_TEXTO = re.compile(r"^\ufeff?[ \t]*Texto[ \t]*:[ \t]*(.*?)[ \t\r]*$", re.IGNORECASE)
_KEYWORDS = re.compile(r"^[ \t]*Keywords[ \t]*:[ \t]*(.*?)[ \t\r]*$", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", ":", ";", ",")
_AGE = re.compile(r"(\d+(?:\.\d+)?)[\s,'\"]*(year|yr|y|month|mo|week|wk|day|d)?", re.IGNORECASE)
_DAYS_PER_UNIT = {"year": 365.25, "month": 30.4375, "week": 7.0, "day": 1.0}


# ---------------------------------------------------------------- public API


def read_paths(paths: Iterable[str | Path]) -> Iterator[CaseText]:
    """Yield every case in ``paths`` (files or directories), in a stable order.

    Case ids are unique within one call: a repeated id gets ``-2``, ``-3`` ... and a
    warning, so two inputs never mint the same IRIs.
    """
    seen: dict[str, str] = {}
    renamed = 0
    for file in _expand(paths):
        for case in read_file(file):
            unique = _unique(case, seen)
            renamed += unique is not case
            yield unique
    if renamed:
        log.warning("%d repeated case id(s) renamed with a -2, -3 ... suffix (-v lists them)",
                    renamed)


def read_file(path: str | Path) -> list[CaseText]:
    """Read one supported file into its cases (one, or one per JSON Lines record)."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}",
            hint="supported: " + ", ".join(SUPPORTED_SUFFIXES),
        )
    content = _read_text(path)
    if path.suffix.lower() == ".jsonl":
        return list(_parse_jsonl(content, path))
    return [parse_text(content, case_id=path.stem, source=str(path))]


def parse_text(content: str, case_id: str, source: str = "<text>") -> CaseText:
    """Parse one text document (seed format, ``Field: value`` or plain text)."""
    content = content.removeprefix("\ufeff")
    if _first_line(content) is not None and _TEXTO.match(_first_line(content) or ""):
        return _parse_seed(content, case_id, source)
    if is_field_text(content):
        return _parse_fields(content, case_id, source)
    return _parse_plain(content, case_id, source)


def is_field_text(text: str) -> bool:
    """True when ``text`` is ``Field: value`` text: it opens with a known heading,
    or has at least two known headings at line starts."""
    first = _first_line(text)
    if first is not None and _FIELD_LINE.match(first):
        return True
    return sum(1 for _, line in _lines(text) if _FIELD_LINE.match(line)) >= 2


# ---------------------------------------------------------------- files


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files to read: each given file, and every supported file under each directory."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
            if not files:
                log.warning("%s: no supported files (%s)", path, ", ".join(SUPPORTED_SUFFIXES))
            yield from files
        elif path.exists():
            yield path
        else:
            raise InputError(f"{path}: no such file or directory")


def _read_text(path: Path) -> str:
    """The file's text, UTF-8 (a byte-order mark is tolerated and dropped)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from exc


def _unique(case: CaseText, seen: dict[str, str]) -> CaseText:
    """Give ``case`` an id not yet in ``seen`` (recording where each id came from)."""
    if case.id not in seen:
        seen[case.id] = case.source
        return case
    n = 2
    while f"{case.id}-{n}" in seen:
        n += 1
    new_id = f"{case.id}-{n}"
    log.info("%s: case id %r already read from %s; using %r", case.source, case.id,
                seen[case.id], new_id)
    seen[new_id] = case.source
    return replace(case, id=new_id)


# ---------------------------------------------------------------- text helpers


def _lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of ``text``, line without its ``\\n``/``\\r\\n``."""
    out = []
    offset = 0
    for raw in text.split("\n"):
        out.append((offset, raw.removesuffix("\r")))
        offset += len(raw) + 1
    return out


def _first_line(text: str) -> str | None:
    """The first non-blank line of ``text``, if any."""
    for _, line in _lines(text):
        if line.strip():
            return line
    return None


def _is_title_like(line: str) -> bool:
    """A short line without sentence-final punctuation: a title ("Kyphoplasty Cement Leak")."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= 80
        and len(stripped.split()) <= 10
        and not stripped.endswith(_SENTENCE_END)
        and any(ch.isalpha() for ch in stripped)
    )


def _free_sections(text: str, stop_lines: frozenset[int] = frozenset()) -> tuple[Section, ...]:
    """Sections opened by a free heading line ("CT (post-procedure): ...").

    A section runs until the next heading, a line whose offset is in ``stop_lines``
    (the title line of a seed text), or the end of the text.
    """
    starts: list[tuple[int, str | None]] = []
    for offset, line in _lines(text):
        match = _FREE_HEADING.match(line)
        if match and len(match.group(1).split()) <= 6:
            starts.append((offset, match.group(1).strip()))
        elif offset in stop_lines:
            starts.append((offset, None))
    return _close_sections(starts, len(text))


def _close_sections(starts: list[tuple[int, str | None]], end: int) -> tuple[Section, ...]:
    """Turn (start, name) markers into sections ending where the next one starts."""
    sections = []
    for i, (start, name) in enumerate(starts):
        stop = starts[i + 1][0] if i + 1 < len(starts) else end
        if name is not None:
            sections.append(Section(name=name, start=start, end=stop))
    return tuple(sections)


# ---------------------------------------------------------------- formats


def _parse_seed(content: str, case_id: str, source: str) -> CaseText:
    """The seed format: ``Texto:`` [title], text, ``Keywords:`` and ``- phrase`` lines."""
    lines = _lines(content)
    first = next(i for i, (_, line) in enumerate(lines) if line.strip())
    texto = _TEXTO.match(lines[first][1])
    assert texto is not None  # parse_text checked it
    text_start = lines[first + 1][0] if first + 1 < len(lines) else len(content)
    kw_index = next(
        (i for i in range(first + 1, len(lines)) if _KEYWORDS.match(lines[i][1])), None
    )
    text_end = lines[kw_index][0] if kw_index is not None else len(content)
    text = content[text_start:text_end]
    keywords = _keywords(lines[kw_index:], source) if kw_index is not None else ()

    title = texto.group(1).strip() or None
    stop: frozenset[int] = frozenset()
    if title is None:
        for offset, line in _lines(text):
            if _is_title_like(line) and not _FREE_HEADING.match(line):
                title = line.strip()
                stop = frozenset({offset})
                break
    return CaseText(
        id=case_id, text=text, source=source, title=title, keywords=keywords,
        sections=_free_sections(text, stop),
    )


def _keywords(lines: list[tuple[int, str]], source: str) -> tuple[str, ...]:
    """Keyword phrases: inline after ``Keywords:`` (comma separated) and ``- phrase`` lines."""
    head = _KEYWORDS.match(lines[0][1])
    phrases = [p.strip() for p in re.split(r"[,;]", head.group(1))] if head else []
    for _, line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")) or stripped in ("-", "*"):
            phrases.append(stripped[1:].strip())
        elif stripped:
            log.debug("%s: ignoring non-keyword line after Keywords: %r", source, stripped)
    return tuple(p for p in phrases if p)


def _parse_fields(text: str, case_id: str, source: str, title: str | None = None,
                  **extra: object) -> CaseText:
    """``Field: value`` text: each known heading opens a section; ``Title`` is the title."""
    starts: list[tuple[int, str | None]] = []
    for offset, line in _lines(text):
        match = _FIELD_LINE.match(line)
        if match:
            name = _CANONICAL_HEADING[match.group(1).lower()]
            starts.append((offset, name))
            if name == "Title" and title is None:
                title = line[match.end():].strip() or None
    return CaseText(id=case_id, text=text, source=source, title=title,
                    sections=_close_sections(starts, len(text)), **extra)  # type: ignore[arg-type]


def _parse_plain(text: str, case_id: str, source: str) -> CaseText:
    """Plain text: the whole file; a Markdown ``# heading`` or a short first line is the title."""
    first = _first_line(text)
    title = None
    if first is not None:
        if first.lstrip().startswith("# "):
            title = first.lstrip()[2:].strip() or None
        elif _is_title_like(first) and not _FREE_HEADING.match(first):
            title = first.strip()
    return CaseText(id=case_id, text=text, source=source, title=title,
                    sections=_free_sections(text))


def _parse_jsonl(content: str, path: Path) -> Iterator[CaseText]:
    """One case per non-blank JSON Lines record."""
    for lineno, (_, line) in enumerate(_lines(content), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: invalid JSON: {exc.msg} (column {exc.colno})") \
                from exc
        yield _record_case(record, path, lineno)


def _record_case(record: object, path: Path, lineno: int) -> CaseText:
    """A JSON Lines record -> CaseText; ``text`` may itself be ``Field: value`` text."""
    where = f"{path}:{lineno}"
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: record has no string 'text'")
    if "\n" not in text and "\\n" in text:  # PMC-Patients writes paragraph breaks as "\n"
        text = text.replace("\\n", "\n")
    raw_id = record.get("id")
    case_id = str(raw_id).strip() if raw_id not in (None, "") else f"{path.stem}-{lineno}"
    title = record.get("title")
    title = title.strip() or None if isinstance(title, str) else None
    keywords = record.get("keywords") or ()
    if isinstance(keywords, str):
        keywords = [k for k in re.split(r"[,;\n]", keywords)]
    if not isinstance(keywords, list | tuple) or not all(isinstance(k, str) for k in keywords):
        raise InputError(f"{where}: 'keywords' must be a list of strings")
    extra = {
        "keywords": tuple(k.strip() for k in keywords if k.strip()),
        "line": lineno,
        "age": parse_age(record.get("age")),
        "sex": parse_sex(record.get("gender", record.get("sex"))),
    }
    if is_field_text(text):
        return _parse_fields(text, case_id, str(path), title=title, **extra)
    return CaseText(id=case_id, text=text, source=str(path), title=title,
                    sections=_free_sections(text), **extra)  # type: ignore[arg-type]


# ---------------------------------------------------------------- demographics


def parse_age(value: object) -> int | None:
    """Age in whole years from ``76``, ``"76"``, ``"76 years"`` or PMC-Patients'
    ``"[[24.0, 'year']]"`` / ``"[[6.0, 'month']]"``; None when absent or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value >= 0 else None
    match = _AGE.search(str(value))
    if not match:
        return None
    number = float(match.group(1))
    unit = _unit(match.group(2))
    return int(number * _DAYS_PER_UNIT[unit] // 365.25) if unit != "year" else int(number)


def _unit(raw: str | None) -> str:
    """Canonical age unit for a spelled unit (default: years)."""
    raw = (raw or "year").lower()
    if raw.startswith("mo"):
        return "month"
    if raw.startswith("w"):
        return "week"
    if raw.startswith("d"):
        return "day"
    return "year"


def parse_sex(value: object) -> Sex | None:
    """Sex from ``F``/``M``/``female``/``male`` (any case); None otherwise."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    if key in ("f", "female", "woman"):
        return Sex.FEMALE
    if key in ("m", "male", "man"):
        return Sex.MALE
    return None
