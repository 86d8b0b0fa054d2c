"""The extraction stage: a :class:`~kg.model.CaseText` to a :class:`~kg.model.CaseExtraction`.

Rule- and lexicon-based (rules as data in ``kg/rules/``); see :mod:`kg.extract.pipeline`.
Its modules may be compiled in place (``make compile``, :mod:`kg._compile`); a compiled
module older than its source is refused here, before any of them is imported.
"""

from kg._compile import check_fresh

check_fresh()

from kg.extract.pipeline import extract_case  # noqa: E402  (after the check, on purpose)

__all__ = ["extract_case"]
