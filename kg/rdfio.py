"""Write RDF: deterministic Turtle and N-Triples of our own, JSON-LD through rdflib.

The format comes from the output file's suffix (:data:`FORMATS`). Turtle output is
byte-stable: the fixed prefixes of :data:`kg.namespaces.PREFIXES`, ``@base`` set to
the case namespace, subjects, predicates and objects sorted (numbers inside IRIs
compare as numbers, so ``finding/2`` precedes ``finding/10``). Every write is atomic:
a temporary file in the target directory, then :func:`os.replace`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import InputError, KGError
from kg.namespaces import CASE, PREFIXES, RDF, XSD

log = logging.getLogger(__name__)

# suffix -> format name
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}

_RDF_TYPE = RDF + "type"
_XSD_INTEGER = XSD + "integer"
_XSD_BOOLEAN = XSD + "boolean"
_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_REL_IRI = re.compile(r"^[A-Za-z0-9_~%\-][A-Za-z0-9_~.%\-/]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DIGITS = re.compile(r"([0-9]+)")  # ASCII digits only: int("²") fails


def format_for(path: str | Path) -> str:
    """The RDF format name for an output path, from its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"{path}: unknown RDF format {suffix or '(no suffix)'!r}",
            hint="use one of " + ", ".join(FORMATS),
        )
    return FORMATS[suffix]


def write_graph(triples: Iterable[Any], path: str | Path, fmt: str | None = None) -> int:
    """Write ``triples`` (rdflib term tuples, or an rdflib Graph) to ``path``.

    Returns the number of distinct triples written.
    """
    path = Path(path)
    fmt = fmt or format_for(path)
    unique = list(set(triples))  # each writer orders its own output
    writers: dict[str, Callable[[list[Any]], str]] = {
        "turtle": to_turtle,
        "trig": to_turtle,  # a Turtle document is a TriG document (default graph)
        "ntriples": to_ntriples,
        "nquads": to_ntriples,  # an N-Triples document is an N-Quads document
        "json-ld": to_jsonld,
        "xml": to_rdfxml,
    }
    if fmt not in writers:
        raise InputError(f"{path}: cannot write format {fmt!r}")
    atomic_write(path, writers[fmt](unique))
    log.info("wrote %d triples to %s", len(unique), path)
    return len(unique)


def _new_file_mode() -> int:
    """The permissions ``open()`` would give a new file here (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_NEW_FILE_MODE = _new_file_mode()  # read once: os.umask is process-wide, not thread-safe


def make_folder(folder: Path, for_path: Path | None = None) -> None:
    """Create ``folder`` (and its parents); a folder that cannot be made (a file in the
    way, no permission, a read-only file system) is one :class:`InputError` naming
    ``for_path`` (the output wanted there), not an OSError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (folder, *folder.parents) if p.is_file()), None)
        why = f"{blocker} is a file" if blocker else (exc.strerror or str(exc))
        raise InputError(f"{for_path or folder}: cannot create the folder {folder}: {why}"
                         ) from None


def temp_beside(path: Path, suffix: str = ".tmp") -> tuple[int, str]:
    """A temporary file next to ``path`` (same file system, so ``os.replace`` is atomic)
    with the permissions of a normal new file, not mkstemp's private 0600.

    A folder that does not take files is one :class:`InputError` naming ``path``."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path}: cannot write there: {exc.strerror or exc}") from None
    os.chmod(tmp, _NEW_FILE_MODE)
    return fd, tmp


def atomic_write(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    path = Path(path)
    make_folder(path.parent, path)
    fd, tmp = temp_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- ordering


def _natural(value: str) -> tuple[Any, ...]:
    """Sort key that compares digit runs as numbers: ``finding/2`` < ``finding/10``."""
    parts = _DIGITS.split(value)  # digit runs at the odd indexes, so types line up
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def _term_key(term: Any) -> tuple[Any, ...]:
    """IRIs first, then blank nodes, then literals; literals by datatype, language, value."""
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        dt = str(term.datatype or "")
        if dt == _XSD_INTEGER and _INTEGER.match(str(term)):
            return (2, dt, term.language or "", (int(str(term)),), str(term))
        return (2, dt, term.language or "", _natural(str(term)), str(term))
    if isinstance(term, BNode):
        return (1, str(term))
    return (0, _natural(_iri_text(str(term))), str(term))


def _predicate_key(pred: Any) -> tuple[Any, ...]:
    """``rdf:type`` first, then predicates by their written (prefixed) form."""
    return (0,) if str(pred) == _RDF_TYPE else (1, _iri_text(str(pred)))


# ---------------------------------------------------------------- Turtle


def to_turtle(triples: list[Any]) -> str:
    """Deterministic Turtle for distinct ``triples``, in any order."""
    lines = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in PREFIXES.items()]
    lines += [f"@base <{CASE}> .", ""]
    by_subject: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in triples:
        by_subject[s][p].append(o)
    for subject in sorted(by_subject, key=_term_key):
        preds = by_subject[subject]
        blocks = []
        for pred in sorted(preds, key=_predicate_key):
            objects = sorted(preds[pred], key=_term_key)
            verb = "a" if str(pred) == _RDF_TYPE else _turtle_term(pred)
            blocks.append(f"{verb} " + " ,\n        ".join(_turtle_term(o) for o in objects))
        lines.append(_turtle_term(subject) + " " + " ;\n    ".join(blocks) + " .")
        lines.append("")
    return "\n".join(lines)


@lru_cache(maxsize=1 << 16)
def _iri_text(iri: str) -> str:
    """An IRI as Turtle writes it: ``kg:Local``, a relative ``<id/finding/1>``, or ``<iri>``."""
    if iri.startswith(CASE):
        rest = iri[len(CASE):]
        segments = rest.split("/")
        if _REL_IRI.match(rest) and all(seg not in (".", "..", "") for seg in segments) \
                and ":" not in segments[0]:
            return f"<{rest}>"
    for prefix, ns in PREFIXES.items():
        if prefix != "case" and iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{_escape_iri(iri)}>"


def _turtle_term(term: Any) -> str:
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        return _turtle_literal(term)
    if isinstance(term, BNode):
        return f"_:{_bnode_label(term)}"
    return _iri_text(str(term))


def _turtle_literal(lit: Any) -> str:
    """Integers and booleans bare; strings quoted (triple quotes when multi-line)."""
    lex = str(lit)
    dt = str(lit.datatype) if lit.datatype else None
    if dt == _XSD_INTEGER and _INTEGER.match(lex):
        return lex
    if dt == _XSD_BOOLEAN and lex in ("true", "false"):
        return lex
    if "\n" in lex:
        body = '"""' + _escape_string(lex, keep_newlines=True) + '"""'
    else:
        body = '"' + _escape_string(lex, keep_newlines=False) + '"'
    if lit.language:
        return f"{body}@{lit.language}"
    if dt and dt != XSD + "string":
        return f"{body}^^{_iri_text(dt)}"
    return body


# ---------------------------------------------------------------- N-Triples


def to_ntriples(triples: list[Any]) -> str:
    """Canonical-ish N-Triples: one line per triple, lines sorted by code point."""
    lines = sorted(f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} ." for s, p, o in triples)
    return "\n".join(lines) + ("\n" if lines else "")


def _nt_term(term: Any) -> str:
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        body = '"' + _escape_string(str(term), keep_newlines=False) + '"'
        if term.language:
            return f"{body}@{term.language}"
        if term.datatype and str(term.datatype) != XSD + "string":
            return f"{body}^^<{_escape_iri(str(term.datatype))}>"
        return body
    if isinstance(term, BNode):
        return f"_:{_bnode_label(term)}"
    return f"<{_escape_iri(str(term))}>"


# ---------------------------------------------------------------- shared escapes


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\r": "\\r", "\n": "\\n", "\t": "\\t",
                   "\b": "\\b", "\f": "\\f"}


def _escape_string(value: str, keep_newlines: bool) -> str:
    """Escape a literal's lexical form for a Turtle/N-Triples string."""
    out = []
    for ch in value:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[ch])
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _escape_iri(iri: str) -> str:
    """Escape characters an IRIREF may not contain."""
    return "".join(
        f"\\u{ord(ch):04X}" if ch in '<>"{}|^`\\' or ord(ch) <= 0x20 else ch for ch in iri
    )


def _bnode_label(node: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", str(node)) or "b"


# ---------------------------------------------------------------- via rdflib


def to_rdflib_graph(triples: Iterable[Any]) -> Any:
    """An rdflib Graph holding ``triples``, with the project prefixes bound."""
    from rdflib import Graph

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def to_jsonld(triples: list[Any]) -> str:
    """JSON-LD compacted with the project prefixes; keys sorted for stable output."""
    graph = to_rdflib_graph(triples)
    text = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    try:
        data = _sorted_json(json.loads(text))
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    except ValueError as exc:  # pragma: no cover - rdflib always writes JSON
        raise KGError(f"JSON-LD serialisation failed: {exc}") from exc


def _sorted_json(value: Any) -> Any:
    """Sort every JSON array (JSON-LD arrays are unordered sets unless ``@list``)."""
    if isinstance(value, dict):
        return {k: (_sorted_json(v) if k != "@list" else v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def to_rdfxml(triples: list[Any]) -> str:
    """RDF/XML, the same bytes for the same triples. rdflib's writer follows its store's
    order; the default store keeps sets (hash order, new each run), ``SimpleMemory``
    keeps dicts (insertion order), so the triples go into one of those, sorted."""
    from rdflib import Graph

    graph = Graph(store="SimpleMemory")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    for triple in sorted(triples, key=lambda t: (_nt_term(t[0]), _nt_term(t[1]),
                                                 _nt_term(t[2]))):
        graph.add(triple)
    return graph.serialize(format="xml")
