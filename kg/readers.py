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
kept verbatim (only a literal ``\\n`` in a single-line JSONL text becomes a newline),
except that bytes which are not text are replaced (see below). Lines may end in
``\\n``, ``\\r\\n`` or a lone ``\\r``; offsets always index the stored text.

Messy input (the rules, tested in ``tests/test_robust_readers.py``):

* decoding: UTF-8, with or without a byte-order mark; UTF-16/UTF-32 with a BOM (and
  UTF-16 without one, recognised by its NUL bytes); invalid UTF-8 is decoded with
  U+FFFD replacements and a warning giving the first bad byte's offset and line;
* NUL and other C0 control characters (not tab, LF, CR) become U+FFFD, with a warning;
  so do lone surrogates that a JSON ``\\ud800`` escape can produce;
* a binary file (a known signature such as PNG/PDF/ZIP/DICOM, or mostly control
  bytes), an empty or whitespace-only file, a broken JSON Lines record, or a case
  with no text at all is *skipped* and reported as a :class:`ReadProblem`; the
  other files and records still build. Only when nothing at all is usable does
  :func:`read_paths` raise :class:`~kg.errors.InputError` (exit code 2);
* a repeated case id is renamed ``-2``, ``-3`` ... in reading order (deterministic),
  and reported as a (non-skipping) :class:`ReadProblem` naming both files.
"""

from __future__ import annotations

import json
import logging
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
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
MAX_AGE = 150  # years; a larger "age" is a data error, not an age
# One case's text is at most this many characters; a longer "case" (a whole corpus in
# one file, a log) is skipped and reported, which keeps a build's time and memory bounded.
MAX_CASE_CHARS = 2_000_000
# A UTF-8 JSON Lines file bigger than this is read line by line, never whole.
STREAM_BYTES = 8_000_000
_LINE_END = re.compile(r"\r\n|\r|\n")

# Decoding: byte-order marks (longest first) and signatures of common binary files.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BINARY_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"GIF8", b"\xff\xd8\xff",
    b"BZh", b"\xfd7zXZ", b"II*\x00", b"MM\x00*", b"\xd0\xcf\x11\xe0", b"SQLite format",
)
_SAMPLE = 8192  # bytes looked at to tell text from binary
_BINARY_SHARE = 0.10  # more control bytes (or invalid UTF-8) than this: not text
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
# Characters replaced by U+FFFD: C0 controls but tab/LF/CR, non-characters, lone surrogates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class ReadProblem:
    """Something wrong with an input: a skipped file or record (``skipped``), or a
    warning about a case that was still read (replaced bytes, a renamed id)."""

    file: str
    error: str
    line: int | None = None
    id: str | None = None  # the case concerned, when known
    skipped: bool = True

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.error}"


# ---------------------------------------------------------------- public API


def read_paths(paths: Iterable[str | Path],
               problems: list[ReadProblem] | None = None) -> Iterator[CaseText]:
    """Yield every case in ``paths`` (files or directories), in a stable order.

    A file or record that cannot be used is skipped and appended to ``problems``
    (logged as a warning); so is a note about a case that was read anyway. Case
    ids are unique within one call: a repeated id gets ``-2``, ``-3`` ... . Raises
    :class:`InputError` for a missing path, an explicitly named unsupported file,
    or when no case at all could be read although some input was skipped.
    """
    sink: list[ReadProblem] = [] if problems is None else problems
    seen: dict[str, str] = {}
    renamed = read = 0
    first = len(sink)
    for file in _expand(paths):
        for case in _stream_file(file, sink):
            unique = _unique(case, seen, sink)
            renamed += unique is not case
            read += 1
            yield unique
    if renamed:
        log.warning("%d repeated case id(s) renamed with a -2, -3 ... suffix (-v lists them)",
                    renamed)
    skipped = [p for p in sink[first:] if p.skipped]
    if skipped and not read:
        more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
        raise InputError(f"{skipped[0]}{more}", hint="no usable case in the input")


def read_file(path: str | Path, problems: list[ReadProblem] | None = None) -> list[CaseText]:
    """Read one supported file into its cases (one, or one per JSON Lines record).

    Without ``problems`` a skipped file or record raises :class:`InputError`
    (naming the file and line); with it, problems are appended there and logged,
    and the usable cases are returned.
    """
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}",
            hint="supported: " + ", ".join(SUPPORTED_SUFFIXES),
        )
    found: list[ReadProblem] = []
    cases = list(_read_cases(path, found))
    for problem in found:
        if problems is None and problem.skipped:
            raise InputError(str(problem))
    for problem in found:
        log.warning("%s%s", problem, "; skipped" if problem.skipped else "")
    if problems is not None:
        problems.extend(found)
    return cases


def _stream_file(path: Path, problems: list[ReadProblem]) -> Iterator[CaseText]:
    """Like :func:`read_file` with ``problems``, but one case at a time: a JSON Lines
    file of 100k records never becomes a list of 100k cases."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        yield from read_file(path, problems)  # raises the unsupported-type error
        return
    found: list[ReadProblem] = []
    for case in _read_cases(path, found):
        _hand_over(found, problems)
        yield case
    _hand_over(found, problems)


def _hand_over(found: list[ReadProblem], problems: list[ReadProblem]) -> None:
    """Log the problems found so far and move them to ``problems``."""
    for problem in found:
        log.warning("%s%s", problem, "; skipped" if problem.skipped else "")
    problems.extend(found)
    found.clear()


def _read_cases(path: Path, problems: list[ReadProblem]) -> Iterator[CaseText]:
    """The usable cases of one file, lazily; everything wrong is appended to ``problems``."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # reading a FIFO waits for ever, a device never ends
            problems.append(ReadProblem(str(path), "not a regular file (a pipe, device or "
                                                   "socket): not read", id=path.stem))
            return
        size = info.st_size
        if path.suffix.lower() == ".jsonl" and size > STREAM_BYTES and _plain_utf8(path):
            yield from _stream_jsonl(path, problems)
            return
        if path.suffix.lower() != ".jsonl" and size > 4 * MAX_CASE_CHARS:
            problems.append(ReadProblem(str(path), _too_long(f"{size / 1e6:.1f} MB"),
                                        id=path.stem))
            return
        data = path.read_bytes()
    except OSError as exc:
        problems.append(ReadProblem(str(path), f"cannot read: {exc.strerror or exc}"))
        return
    content = decode_bytes(data, str(path), problems)
    if content is None:
        return
    if not content.strip():
        what = "empty file" if not content else "whitespace-only file"
        problems.append(ReadProblem(str(path), f"{what}: no case text", id=path.stem))
        return
    if path.suffix.lower() == ".jsonl":
        yield from _parse_jsonl(content, path, problems)
        return
    case = parse_text(content, case_id=path.stem, source=str(path))
    if len(case.text) > MAX_CASE_CHARS:
        problems.append(ReadProblem(str(path), _too_long(f"{len(case.text):,} characters"),
                                    id=case.id))
        return
    if not case.text.strip():
        if not (case.title or case.keywords):
            problems.append(ReadProblem(str(path), "no case text", id=case.id))
            return
        problems.append(ReadProblem(str(path), "empty case text (title/keywords only)",
                                    id=case.id, skipped=False))
    yield case


def parse_text(content: str, case_id: str, source: str = "<text>") -> CaseText:
    """Parse one text document (seed format, ``Field: value`` or plain text)."""
    content = content.removeprefix("\ufeff")
    first = _first_line(content)
    if first is not None and _TEXTO.match(first):
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
    found = 0
    for _, line in _iter_lines(text):
        found += bool(_FIELD_LINE.match(line))
        if found >= 2:
            return True
    return False


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


def require_regular_file(path: Path, what: str = "file") -> None:
    """An :class:`InputError` unless ``path`` is a regular file (or a link to one): a
    FIFO would block the reader for ever and a device never ends."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise InputError(f"{path}: the {what} is not a regular file (a pipe, device, "
                         "socket or folder)")


def _too_long(size: str) -> str:
    return (f"case text too long ({size}; the limit is {MAX_CASE_CHARS:,} characters a case): "
            "split it into one file per case")


def decode_bytes(data: bytes, source: str, problems: list[ReadProblem]) -> str | None:
    """A file's bytes as text, or None (and a skipping problem) when they are not text.

    Replaced bytes and characters are reported as non-skipping problems.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _decode(data, len(bom), codec, source, problems)
    if _binary_signature(data):
        problems.append(ReadProblem(source, "binary file (not text)"))
        return None
    codec = _utf16_without_bom(data[:_SAMPLE])
    if codec is not None:
        problems.append(ReadProblem(source, f"no byte-order mark: read as {codec.upper()}",
                                    skipped=False))
        return _decode(data, 0, codec, source, problems)
    sample = data[:_SAMPLE]
    if sum(b in _CONTROL_BYTES for b in sample) > max(8, _BINARY_SHARE * len(sample)):
        problems.append(ReadProblem(source, "binary file (mostly control bytes, not text)"))
        return None
    return _decode(data, 0, "utf-8", source, problems)


def _plain_utf8(path: Path) -> bool:
    """True when a file starts like UTF-8 text (no UTF-16/32 byte-order mark, not binary)."""
    with path.open("rb") as fh:
        head = fh.read(_SAMPLE)
    if any(head.startswith(bom) for bom, codec in _BOMS if codec != "utf-8"):
        return False
    return not _binary_signature(head) and _utf16_without_bom(head) is None


def _binary_signature(data: bytes) -> bool:
    """True for a known binary format (images, archives, PDF, DICOM, executables)."""
    return data.startswith(_BINARY_MAGIC) or data[128:132] == b"DICM"


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when ``sample`` looks like BOM-less UTF-16 (NULs on one parity)."""
    if len(sample) < 4 or sample.count(0) < len(sample) // 3:
        return None
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    if odd >= 0.9 * (odd + even) and even == 0:
        return "utf-16-le"
    if even >= 0.9 * (odd + even) and odd == 0:
        return "utf-16-be"
    return None


def _decode(data: bytes, skip: int, codec: str, source: str,
            problems: list[ReadProblem]) -> str | None:
    """Decode ``data[skip:]``; invalid bytes become U+FFFD with a warning (byte offset, line)."""
    body = data[skip:]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        text = body.decode(codec, errors="replace")
        bad = text.count("\ufffd") - body.decode(codec, errors="ignore").count("\ufffd")
        offset = skip + exc.start
        if bad > _BINARY_SHARE * max(len(text), 1) and bad > 16:
            problems.append(ReadProblem(
                source, f"not {codec.upper()} text ({bad} invalid sequences, the first at "
                        f"byte {offset})"))
            return None
        line = data[:offset].count(b"\n") + 1
        problems.append(ReadProblem(
            source, f"invalid {codec.upper()} at byte {offset}: {bad} sequence(s) replaced by "
                    "U+FFFD", line=line, skipped=False))
    return clean_text(text, source, problems)


def clean_text(text: str, source: str, problems: list[ReadProblem],
               line: int | None = None) -> str:
    """``text`` with NUL/control characters, non-characters and lone surrogates replaced
    by U+FFFD (same length, so offsets are unchanged); one warning when any were."""
    first = _BAD_CHARS.search(text)
    if first is None:
        return text
    count = len(_BAD_CHARS.findall(text))
    where = line if line is not None else text.count("\n", 0, first.start()) + 1
    problems.append(ReadProblem(
        source, f"{count} control/invalid character(s) replaced by U+FFFD, the first "
                f"({first.group()!r}) at character {first.start()}", line=where, skipped=False))
    return _BAD_CHARS.sub("\ufffd", text)


def _unique(case: CaseText, seen: dict[str, str], problems: list[ReadProblem]) -> CaseText:
    """Give ``case`` an id not yet in ``seen`` (recording where each id came from)."""
    if case.id not in seen:
        seen[case.id] = case.source
        return case
    n = 2
    while f"{case.id}-{n}" in seen:
        n += 1
    new_id = f"{case.id}-{n}"
    message = f"case id {case.id!r} already read from {seen[case.id]}; renamed {new_id!r}"
    log.info("%s: %s", case.source, message)
    problems.append(ReadProblem(case.source, message, line=case.line, id=new_id, skipped=False))
    seen[new_id] = case.source
    return replace(case, id=new_id)


# ---------------------------------------------------------------- text helpers


def _iter_lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line of ``text``, without its ``\\n``, ``\\r\\n`` or ``\\r``."""
    offset = 0
    if "\r" not in text:  # the common case: str.split is ~10x faster than the regex
        for line in text.split("\n"):
            yield offset, line
            offset += len(line) + 1
        return
    for match in _LINE_END.finditer(text):
        yield offset, text[offset:match.start()]
        offset = match.end()
    yield offset, text[offset:]


def _lines(text: str) -> list[tuple[int, str]]:
    """:func:`_iter_lines` as a list."""
    return list(_iter_lines(text))


def _first_line(text: str) -> str | None:
    """The first non-blank line of ``text``, if any."""
    for _, line in _iter_lines(text):
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
    for offset, line in _iter_lines(text):
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
    if title is not None and not text.strip() and _is_prose(title):
        # "Texto: <the whole report on one line>": with nothing below it, sentences after
        # "Texto:" are the text, not the title of an empty case (a bare title stays one)
        text, title = title, None
    stop: frozenset[int] = frozenset()
    if title is None:
        for offset, line in _iter_lines(text):
            if _is_title_like(line) and not _FREE_HEADING.match(line):
                title = line.strip()
                stop = frozenset({offset})
                break
    return CaseText(
        id=case_id, text=text, source=source, title=title, keywords=keywords,
        sections=_free_sections(text, stop),
    )


def _is_prose(line: str) -> bool:
    """A sentence rather than a title: it ends like one, or runs to a dozen words."""
    return line.rstrip().endswith((".", "!", "?")) or len(line.split()) >= 12


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
    for offset, line in _iter_lines(text):
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


def _parse_jsonl(content: str, path: Path, problems: list[ReadProblem]) -> Iterator[CaseText]:
    """One case per non-blank JSON Lines record; a broken record is skipped and reported
    (file, line, the id it would have had) while the others are read."""
    for lineno, (_, line) in enumerate(_iter_lines(content), start=1):
        case = _jsonl_case(line, lineno, path, problems)
        if case is not None:
            yield case


def _jsonl_case(line: str, lineno: int, path: Path, problems: list[ReadProblem]
                ) -> CaseText | None:
    """The case of one JSON Lines record, or None (blank, or broken and reported)."""
    if not line.strip():
        return None
    try:
        return _record_case(_load_json(line, lineno), path, lineno, problems)
    except InputError as exc:
        problems.append(ReadProblem(str(path), str(exc), line=lineno, id=f"{path.stem}-{lineno}"))
        return None


def _stream_jsonl(path: Path, problems: list[ReadProblem]) -> Iterator[CaseText]:
    """A big UTF-8 JSON Lines file read line by line: memory stays one record deep."""
    offset = 0
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = raw.decode("utf-8", errors="replace")
                problems.append(ReadProblem(
                    str(path), f"invalid UTF-8 at byte {start + exc.start}: replaced by U+FFFD",
                    line=lineno, skipped=False))
            line = clean_text(line.rstrip("\r\n"), str(path), problems, line=lineno)
            case = _jsonl_case(line, lineno, path, problems)
            if case is not None:
                yield case


def _load_json(line: str, lineno: int) -> object:
    """One JSON value; errors as :class:`InputError` with the column."""
    try:
        return json.loads(line, strict=False)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # an integer too long to convert (Python's digit limit)
        raise InputError(f"invalid JSON: {str(exc).split(';')[0]}") from None


def _record_case(record: object, path: Path, lineno: int,
                 problems: list[ReadProblem]) -> CaseText:
    """A JSON Lines record -> CaseText; ``text`` may itself be ``Field: value`` text.

    Raises :class:`InputError` (message without the file, which the caller adds)
    when the record has no usable text; other bad fields are dropped with a warning.
    """
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}")
    source = str(path)

    def clean(value: str) -> str:
        return clean_text(value, source, problems, line=lineno)

    text = record.get("text")
    if not isinstance(text, str):
        raise InputError("record has no string 'text'")
    if not text.strip():
        raise InputError("record has an empty 'text'")
    if len(text) > MAX_CASE_CHARS:
        raise InputError(_too_long(f"{len(text):,} characters"))
    if "\n" not in text and "\\n" in text:  # PMC-Patients writes paragraph breaks as "\n"
        text = text.replace("\\n", "\n")
    text = clean(text)
    raw_id = record.get("id")
    case_id = clean(str(raw_id)).strip() if isinstance(raw_id, str | int) else ""
    case_id = case_id or f"{path.stem}-{lineno}"
    title = record.get("title")
    title = clean(title).strip() or None if isinstance(title, str) else None
    extra = {
        "keywords": tuple(clean(k) for k in _record_keywords(record, source, lineno, problems)),
        "line": lineno,
        "age": parse_age(record.get("age")),
        "sex": parse_sex(record.get("gender", record.get("sex"))),
    }
    if is_field_text(text):
        return _parse_fields(text, case_id, source, title=title, **extra)
    return CaseText(id=case_id, text=text, source=source, title=title,
                    sections=_free_sections(text), **extra)  # type: ignore[arg-type]


def _record_keywords(record: dict, source: str, lineno: int,
                     problems: list[ReadProblem]) -> list[str]:
    """A record's ``keywords`` (a list of strings, or one comma-separated string)."""
    keywords = record.get("keywords") or ()
    if isinstance(keywords, str):
        keywords = re.split(r"[,;\n]", keywords)
    if not isinstance(keywords, list | tuple) or not all(isinstance(k, str) for k in keywords):
        problems.append(ReadProblem(source, "'keywords' is not a list of strings: ignored",
                                    line=lineno, skipped=False))
        return []
    return [k.strip() for k in keywords if k.strip()]


# ---------------------------------------------------------------- demographics


def parse_age(value: object) -> int | None:
    """Age in whole years from ``76``, ``"76"``, ``"76 years"`` or PMC-Patients'
    ``"[[24.0, 'year']]"`` / ``"[[6.0, 'month']]"``; None when absent or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if 0 <= value <= MAX_AGE else None  # also drops NaN and infinity
    match = _AGE.search(str(value)[:200])
    if not match:
        return None
    number = float(match.group(1))
    unit = _unit(match.group(2))
    years = number * _DAYS_PER_UNIT[unit] / 365.25 if unit != "year" else number
    return int(years) if 0 <= years <= MAX_AGE else None


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
