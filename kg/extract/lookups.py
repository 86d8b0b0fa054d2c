"""Ontology answers the extraction asks over and over, remembered in compiled code.

Speed only: :meth:`Ontology.is_any`, :meth:`Ontology.implied_site` and
:meth:`Ontology.ancestors` remember their answers already, but each call still runs
Python code (a wrapper that builds its key); the extraction asks them tens of thousands
of times per thousand cases (``is_a`` a hundred thousand).  The answers here
are those of the ontology last asked (an ontology does not change once loaded; a
different one clears them), so they are the same answers.
"""

from __future__ import annotations

from typing import Any, Final

_KEPT: Final = 100_000  # answers kept per kind before starting afresh (a bound, not a tuning)

# Final: compiled, each is a C variable, not a look-up in the module's namespace (speed)
_LAST: Final[list[Any]] = []  # the ontology the answers below are for
_IS_ANY: Final[dict[tuple[str, tuple[str, ...]], bool]] = {}
_IMPLIED: Final[dict[str, tuple[str | None]]] = {}  # (answer,): None is an answer too
_ANCESTORS: Final[dict[str, frozenset[str]]] = {}


def _for(onto: Any) -> None:
    """Make the remembered answers those of ``onto`` (cleared when it is another)."""
    if not _LAST or _LAST[0] is not onto:
        _LAST[:] = [onto]
        _IS_ANY.clear()
        _IMPLIED.clear()
        _ANCESTORS.clear()


def is_any(onto: Any, iri: str, classes: tuple[str, ...]) -> bool:
    """``onto.is_any(iri, classes)``, remembered."""
    _for(onto)
    key = (iri, classes)
    found = _IS_ANY.get(key)
    if found is None:
        if len(_IS_ANY) >= _KEPT:
            _IS_ANY.clear()
        found = _IS_ANY[key] = bool(onto.is_any(iri, classes))
    return found


def implied_site(onto: Any, iri: str) -> str | None:
    """``onto.implied_site(iri)``, remembered."""
    _for(onto)
    found = _IMPLIED.get(iri)
    if found is None:
        if len(_IMPLIED) >= _KEPT:
            _IMPLIED.clear()
        found = _IMPLIED[iri] = (onto.implied_site(iri),)
    return found[0]


def ancestors(onto: Any, iri: str) -> frozenset[str]:
    """``onto.ancestors(iri)``, remembered."""
    _for(onto)
    found = _ANCESTORS.get(iri)
    if found is None:
        if len(_ANCESTORS) >= _KEPT:
            _ANCESTORS.clear()
        found = _ANCESTORS[iri] = frozenset(onto.ancestors(iri))
    return found


def is_a(onto: Any, iri: str, ancestor: str) -> bool:
    """``onto.is_a(iri, ancestor)``: ``ancestor`` is ``iri`` or above it."""
    return ancestor in ancestors(onto, iri)
