"""What the scanner returns: frozen, picklable, and serialised exactly as ARCHITECTURE §4.

`to_dict()` is the output row contract (JSONL/CSV/Parquet, HTTP); the extra detail kept for
explanations (each contribution to the score, signal offsets) stays on the objects and out of
the row, so the pinned shape never drifts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, cast

_GETTERS: dict[type, Any] = {}


class _FastPickle:
    """Pickle as (class, field values): several times faster than the default for slotted
    frozen dataclasses, which matters when scan_many ships findings between processes."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        cls = type(self)
        get = _GETTERS.get(cls)
        if get is None:  # one C-level getter of all fields per class
            names = [f.name for f in fields(self)]  # type: ignore[arg-type]
            many = attrgetter(*names)
            get = many if len(names) > 1 else (lambda obj: (many(obj),))
            _GETTERS[cls] = get
        return (cls, get(self))


class _Deferred:
    """A text not written yet: the function that writes it and its arguments."""

    __slots__ = ("args", "write")

    def __init__(self, write: Callable[..., str], args: tuple[Any, ...]) -> None:
        self.write, self.args = write, args


def deferred(write: Callable[..., str], *args: Any) -> str:
    """A Finding's explanation to be written by `write(*args)` when first read (issue 15):
    most callers of `scan` read only the verdict, and an offer is assessed twice (without,
    then with its language), the first finding thrown away. The arguments must not change
    afterwards. Typed as the text it stands for: only Finding's `explanation` accepts it."""
    return cast(str, _Deferred(write, args))


class _WrittenOnRead:
    """In place of a slot's descriptor: a `_Deferred` value is written on first read and kept
    in the slot, so equality, hashing, repr, pickling, `replace` and `to_dict` all see the
    text (they read the attribute), and a finding read twice writes it once."""

    __slots__ = ("_slot",)

    def __init__(self, slot: Any) -> None:
        self._slot = slot

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = self._slot.__get__(obj, owner)
        if type(value) is _Deferred:
            value = value.write(*value.args)
            self._slot.__set__(obj, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        self._slot.__set__(obj, value)


VERDICTS: tuple[str, ...] = ("sale", "mention", "clean")


@dataclass(frozen=True, slots=True)
class Match(_FastPickle):
    """One lexicon term found in the post; `text[start:end] == surface` always."""

    term_id: int
    term: str
    surface: str
    start: int
    end: int
    kind: str
    denotes: tuple[str, ...]
    lang: str
    ambiguity: str = "low"
    confidence: str = "medium"
    # Why the ambiguity differs from the lexicon's, if it does ("an everyday word in en");
    # kept for the explanation, not part of the output row.
    note: str = ""
    # A generic word for drugs ("drugs", "Rauschgift": drugs.generic and a common word of its
    # language), as opposed to a product without a code of its own ("modafinil").
    generic: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "term_id": self.term_id,
            "term": self.term,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "denotes": list(self.denotes),
            "lang": self.lang,
        }

    # The codes split by kind depend only on `denotes`, a tuple that a release holds once per
    # term: split once per distinct tuple (scoring reads them many times per post).
    @property
    def substances(self) -> tuple[str, ...]:
        return _split_codes(self.denotes)[0]

    @property
    def signal_codes(self) -> tuple[str, ...]:
        return _split_codes(self.denotes)[1]

    @property
    def context_codes(self) -> tuple[str, ...]:
        return _split_codes(self.denotes)[2]


_CODES: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
_CODES_MAX = 65_536  # distinct `denotes` tuples remembered (a release has a few thousand)


def _split_codes(
    denotes: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(substance codes, signal codes, context codes) of `denotes`, in their order."""
    try:
        got = _CODES.get(denotes)
    except TypeError:  # not hashable (a list given by hand): split, not remembered
        got, denotes = None, tuple(denotes)
    if got is None:
        got = (
            tuple(c for c in denotes if not c.startswith(("signal.", "context."))),
            tuple(c for c in denotes if c.startswith("signal.")),
            tuple(c for c in denotes if c.startswith("context.")),
        )
        if len(_CODES) < _CODES_MAX:
            _CODES[denotes] = got
    return got


@dataclass(frozen=True, slots=True)
class Signal(_FastPickle):
    """A sale-intent cue: a price, a quantity, a handle, or a signal word of the lexicon."""

    code: str
    surface: str
    start: int
    end: int
    source: str = "pattern"  # pattern | lexicon

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Contribution(_FastPickle):
    """One additive part of the score's log-odds, with what caused it."""

    label: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "weight": round(self.weight, 3)}


@dataclass(frozen=True, slots=True)
class Finding(_FastPickle):
    """The scanner's result for one post."""

    verdict: str
    score: float
    lang: str | None
    substances: tuple[str, ...]
    signals: tuple[str, ...]
    matches: tuple[Match, ...]
    explanation: str
    id: str | None = None
    signal_details: tuple[Signal, ...] = field(default=())
    contributions: tuple[Contribution, ...] = field(default=())
    truncated: bool = False  # the post or its matches were cut at a configured cap

    def to_dict(self) -> dict[str, Any]:
        """The ARCHITECTURE §4 output row, exactly (plus `truncated: true` when a cap cut
        the post or its matches, so that the row says it is incomplete)."""
        row = {
            "id": self.id,
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "lang": self.lang,
            "substances": list(self.substances),
            "signals": list(self.signals),
            "matches": [m.to_dict() for m in self.matches],
            "explanation": self.explanation,
        }
        if self.truncated:
            row["truncated"] = True
        return row

    def with_id(self, post_id: str | None) -> Finding:
        from dataclasses import replace

        return replace(self, id=post_id)


# The explanation may be given as `deferred(...)` (see there); the slot keeps its storage.
Finding.explanation = _WrittenOnRead(Finding.__dict__["explanation"])  # type: ignore[assignment]
