"""The extraction stage: a :class:`~kg.model.CaseText` to a :class:`~kg.model.CaseExtraction`.

Rule- and lexicon-based (rules as data in ``kg/rules/``); see :mod:`kg.extract.pipeline`.
"""

from kg.extract.pipeline import extract_case

__all__ = ["extract_case"]
