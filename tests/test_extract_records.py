"""quick_init: the cheaper __init__ of the frozen records extraction makes per case."""

import dataclasses

import pytest

from kg.model import Span, quick_init


@dataclasses.dataclass(frozen=True)
class _Plain:
    a: int
    b: str
    c: tuple = ()
    d: str | None = None


@quick_init
@dataclasses.dataclass(frozen=True)
class _Quick:
    a: int
    b: str
    c: tuple = ()
    d: str | None = None


def _same(q: _Quick, p: _Plain) -> bool:
    return repr(q).replace("_Quick", "_Plain") == repr(p) and vars(q) == vars(p)


def test_positional_keyword_and_default_arguments_give_the_same_fields():
    assert _same(_Quick(1, "x"), _Plain(1, "x"))
    assert _same(_Quick(1, "x", (2,), d="y"), _Plain(1, "x", (2,), d="y"))
    assert _same(_Quick(b="x", a=1), _Plain(b="x", a=1))


def test_equal_records_hash_alike_and_stay_frozen():
    q = _Quick(1, "x")
    assert q == _Quick(1, "x") and hash(q) == hash(_Quick(1, "x")) and q != _Quick(2, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.a = 3  # type: ignore[misc]
    assert dataclasses.replace(q, a=3).a == 3


def test_missing_and_unknown_arguments_are_refused_like_the_generated_init():
    with pytest.raises(TypeError):
        _Quick(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Quick(1, "x", e=2)  # type: ignore[call-arg]


def test_a_record_it_cannot_keep_equal_is_refused():
    with pytest.raises(TypeError):
        @quick_init
        @dataclasses.dataclass(frozen=True)
        class _Factory:
            a: list = dataclasses.field(default_factory=list)


def test_model_span_keeps_its_fields():
    assert dataclasses.astuple(Span(1, 3, "ab", rule="r")) == (1, 3, "ab", None, "r")
