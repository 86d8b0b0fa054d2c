"""A small reader for OBO flat files (users' own ontologies, e.g. Uberon, HPO).

It reads only what the lexicon needs — ids, names, synonyms, xrefs, ``is_a`` and
``part_of`` — and yields them as the same (subject, predicate, object,
object_is_iri) tuples the RDF loader yields, with OBO ids as OBO PURLs:
``EX:0000001`` -> ``http://purl.obolibrary.org/obo/EX_0000001``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from kg.errors import OntologyError
from kg.namespaces import KG, OBO, OBOINOWL, OWL, RDF, RDFS

_SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*(EXACT|RELATED|NARROW|BROAD)?')
_SYNONYM_PREDICATE = {
    "EXACT": OBOINOWL + "hasExactSynonym",
    "RELATED": OBOINOWL + "hasRelatedSynonym",
    "NARROW": OBOINOWL + "hasNarrowSynonym",
    None: OBOINOWL + "hasExactSynonym",
}
# PREFIX:LOCAL; the local part may not hold characters an IRI cannot (<>"{}|^`\ and spaces)
_ID = re.compile(r"^([A-Za-z][\w.-]*):([^\s<>\"{}|^`\\]+)$")

Triple = tuple[str, str, str, bool]


def obo_iri(curie: str) -> str:
    """``EX:0000001`` -> ``http://purl.obolibrary.org/obo/EX_0000001``; IRIs pass through."""
    if curie.startswith(("http://", "https://")):
        return curie
    m = _ID.match(curie)
    if not m:
        raise ValueError(f"not an OBO id: {curie!r}")
    return f"{OBO}{m.group(1)}_{m.group(2)}"


def _strip_comment(value: str) -> str:
    """Drop a trailing ``! label`` comment and ``{qualifiers}``."""
    value = value.split(" ! ", 1)[0]
    return re.sub(r"\s*\{[^}]*\}\s*$", "", value).strip()


def _term_triples(iri: str, tag: str, value: str) -> Iterator[Triple]:
    if tag == "name":
        yield iri, RDFS + "label", value, False
    elif tag == "synonym":
        m = _SYNONYM.match(value)
        predicate = _SYNONYM_PREDICATE.get(m.group(2)) if m else None
        if m and predicate:  # BROAD synonyms name something wider: not a label
            yield iri, predicate, m.group(1).replace('\\"', '"'), False
    elif tag == "xref":
        yield iri, OBOINOWL + "hasDbXref", _strip_comment(value).split(" ")[0], False
    elif tag == "is_a":
        yield iri, RDFS + "subClassOf", obo_iri(_strip_comment(value)), True
    elif tag == "relationship":
        parts = _strip_comment(value).split()
        if len(parts) >= 2 and parts[0] == "part_of":
            yield iri, KG + "partOf", obo_iri(parts[1]), True


def parse_obo(path: Path) -> Iterator[Triple]:
    """Yield the lexicon-relevant triples of every non-obsolete ``[Term]``."""
    stanza: str | None = None
    iri: str | None = None
    pending: list[Triple] = []
    obsolete = False

    def flush() -> Iterator[Triple]:
        if iri and not obsolete:
            yield iri, RDF + "type", OWL + "Class", True
            yield from pending

    lines = _read_lines(path)
    terms = 0
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("!"):
            continue
        if line.startswith("[") and line.endswith("]"):
            yield from flush()
            stanza, iri, pending, obsolete = line[1:-1], None, [], False
            terms += stanza == "Term"
            continue
        if stanza != "Term":
            continue  # the header and [Typedef]/[Instance] stanzas
        tag, sep, value = line.partition(":")
        if not sep:
            raise OntologyError(f"{path}:{lineno}: expected 'tag: value', got {line[:60]!r}")
        tag, value = tag.strip(), value.strip()
        try:
            if tag == "id":
                iri = obo_iri(value)
            elif tag == "is_obsolete":
                obsolete = value == "true"
            elif iri is None:
                raise OntologyError(f"{path}:{lineno}: '{tag}' before the term's 'id'")
            else:
                pending.extend(_term_triples(iri, tag, value))
        except ValueError as exc:
            raise OntologyError(f"{path}:{lineno}: {exc}") from None
    yield from flush()
    if not terms:
        raise OntologyError(f"{path}: no [Term] stanza: not an OBO file",
                            hint="Turtle and RDF/XML ontologies need a .ttl or .owl suffix")


def _read_lines(path: Path) -> list[str]:
    """The file's lines (UTF-8, a BOM dropped); unreadable or non-UTF-8 is an error
    naming the line of the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OntologyError(f"{path}: cannot read OBO file: {exc.strerror or exc}") from None
    try:
        return re.split(r"\r\n|\r|\n", data.decode("utf-8-sig"))  # not U+2028 &c.
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise OntologyError(f"{path}:{line}: not UTF-8 text (byte {exc.start}): "
                            "not an OBO file") from None
