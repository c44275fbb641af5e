"""Load and dump model objects as JSON or YAML, with every problem reported by path and line.

A file holds one top-level object in an envelope::

    schema_version: 1
    document: cluster_package
    topic: akutfunktioner
    ...

All structuring goes through one private cattrs converter whose hooks are registered here,
before first use.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, Literal, TypeVar, overload

import attrs
import cattrs
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    is_mapping,
    is_sequence,
    mapping_structure_factory,
)
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn

from klyngepakke import model
from klyngepakke.build import BuildSettings
from klyngepakke.bundle import MeetingBundle
from klyngepakke.errors import DocumentError, ModelError, PathPart, Problem
from klyngepakke.fileio import atomic_output, atomic_write_text
from klyngepakke.metrics.results import ClusterView, MetricsReport
from klyngepakke.planning import RunbookPlan
from klyngepakke.survey_results import SurveyComparison, SurveyResults

__all__ = [
    "DOCUMENT_KINDS",
    "FORMATS",
    "SCHEMA_VERSION",
    "Format",
    "append_response",
    "dump",
    "dumps",
    "format_for_path",
    "from_data",
    "load",
    "load_responses",
    "loads",
    "response_lines",
    "to_data",
]

SCHEMA_VERSION: Final = 1
"""The schema version this release writes and reads."""

Format = Literal["json", "yaml"]
FORMATS: Final[dict[str, Format]] = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}

DOCUMENT_KINDS: Final[dict[str, type[Any]]] = {
    "cluster_package": model.ClusterPackage,
    "agenda": model.Agenda,
    "runbook": model.Runbook,
    "questionnaire": model.Questionnaire,
    "response_set": model.ResponseSet,
    "meeting": model.Meeting,
    "cluster": model.Cluster,
    "service_code": model.ServiceCode,
    "metric_definition": model.MetricDefinition,
    "runbook_plan": RunbookPlan,
    "survey_results": SurveyResults,
    "survey_comparison": SurveyComparison,
    "metrics_report": MetricsReport,
    "cluster_metrics": ClusterView,
    "meeting_bundle": MeetingBundle,
    "build_settings": BuildSettings,
}
"""Every top-level object a file can hold, by the ``document`` written in the file."""

_KIND_OF: Final = {cls: kind for kind, cls in DOCUMENT_KINDS.items()}
_ENVELOPE: Final = ("schema_version", "document")

T = TypeVar("T")


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(
        omit_if_default=True, forbid_extra_keys=True, detailed_validation=True
    )

    def strict(kind: type[Any], noun: str) -> Callable[[Any, Any], Any]:
        def check(value: Any, _: Any) -> Any:
            if isinstance(value, bool) and kind is not bool:
                raise TypeError(f"expected {noun}, got {value!r}")
            if not isinstance(value, kind):
                raise TypeError(f"expected {noun}, got {value!r} ({type(value).__name__})")
            return value

        return check

    converter.register_structure_hook(str, strict(str, "text"))
    converter.register_structure_hook(int, strict(int, "a whole number"))
    converter.register_structure_hook(bool, strict(bool, "true or false"))

    def structure_float(value: Any, _: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expected a number, got {value!r}")
        return float(value)

    converter.register_structure_hook(float, structure_float)

    def structure_decimal(value: Any, _: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TypeError(f"expected an amount like '173.06', got {value!r}")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount like '173.06'") from None
        if not amount.is_finite():
            raise ValueError(f"{value!r} is not a finite amount")
        return amount

    converter.register_structure_hook(Decimal, structure_decimal)
    converter.register_unstructure_hook(Decimal, str)

    def parser(
        kind: type[T], parse: Callable[[str], T], example: str, *, explains: bool = False
    ) -> Callable[[Any, Any], T]:
        """A hook for a value written as text; ``explains``: parse's own message says enough."""

        def structure(value: Any, _: Any) -> T:
            if not isinstance(value, str):
                raise TypeError(f"expected text like {example!r}, got {value!r}")
            try:
                return parse(value)
            except ValueError as exc:
                if isinstance(exc, ModelError) or explains:
                    raise
                raise ValueError(
                    f"{value!r} is not a valid {kind.__name__} like {example!r}"
                ) from None

        return structure

    converter.register_structure_hook(dt.date, parser(dt.date, dt.date.fromisoformat, "2025-03-31"))
    converter.register_unstructure_hook(dt.date, dt.date.isoformat)
    converter.register_structure_hook(
        dt.datetime, parser(dt.datetime, dt.datetime.fromisoformat, "2025-03-31T16:00")
    )
    converter.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    converter.register_structure_hook(dt.time, parser(dt.time, _parse_time, "16:00"))
    converter.register_unstructure_hook(dt.time, _format_time)
    converter.register_structure_hook(
        model.TimeSlot, parser(model.TimeSlot, _parse_slot, "11:05-11:15")
    )
    converter.register_unstructure_hook(
        model.TimeSlot, lambda slot: f"{_format_time(slot.start)}-{_format_time(slot.end)}"
    )
    converter.register_structure_hook(
        model.RelativeDeadline,
        parser(
            model.RelativeDeadline, model.RelativeDeadline.parse, "8 weeks before", explains=True
        ),
    )
    converter.register_unstructure_hook(model.RelativeDeadline, str)

    def structure_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
        try:
            return kind(value)
        except ValueError:
            choices = ", ".join(repr(member.value) for member in kind)
            raise ValueError(f"{value!r} is not one of {choices}") from None

    converter.register_structure_hook(enum.Enum, structure_enum)

    # cattrs' own hooks iterate or index whatever they get: text would become a tuple of
    # characters. Check the container first, then hand over to cattrs' hook.
    def requiring(
        accepted: type[Any] | tuple[type[Any], ...],
        noun: Callable[[Any], str],
        make: Callable[[Any, Any], Callable[[Any, Any], Any]],
    ) -> Callable[[Any, Any], Callable[[Any, Any], Any]]:
        def factory(kind: Any, conv: Any) -> Callable[[Any, Any], Any]:
            inner, expected = make(kind, conv), noun(kind)

            def structure(value: Any, target: Any) -> Any:
                if not isinstance(value, accepted):
                    got = type(value).__name__
                    raise TypeError(f"expected {expected}, got {value!r} ({got})")
                return inner(value, target)

            return structure

        return factory

    converter.register_structure_hook_factory(
        is_sequence,
        requiring((list, tuple), lambda _: "a list", homogenous_tuple_structure_factory),
    )
    converter.register_structure_hook_factory(
        is_mapping, requiring(dict, lambda _: "a mapping", mapping_structure_factory)
    )
    converter.register_structure_hook_factory(
        attrs.has,
        requiring(
            dict, lambda kind: f"a mapping of {kind.__name__} fields", make_dict_structure_fn
        ),
    )

    def structure_answer(value: Any, _: Any) -> model.Answer:
        if isinstance(value, bool):
            raise TypeError(f"expected an option code, codes, a number or text, got {value!r}")
        if isinstance(value, str | int | float):
            return value
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        raise TypeError(f"expected an option code, codes, a number or text, got {value!r}")

    converter.register_structure_hook_func(lambda t: t == model.Answer, structure_answer)
    converter.register_unstructure_hook_func(
        lambda t: t == model.Answer, lambda v: list(v) if isinstance(v, tuple) else v
    )
    return converter


def _parse_time(text: str) -> dt.time:
    return dt.time.fromisoformat(text.replace(".", ":"))


def _format_time(value: dt.time) -> str:
    spec = "minutes" if value.second == 0 and value.microsecond == 0 else "auto"
    return value.isoformat(timespec=spec)


_SLOT = re.compile(r"^\s*(\d{1,2}[.:]\d{2}(?::\d{2})?)\s*[-–]\s*(\d{1,2}[.:]\d{2}(?::\d{2})?)\s*$")


def _parse_slot(text: str) -> model.TimeSlot:
    match = _SLOT.match(text)
    if match is None:
        raise ValueError(text)
    return model.TimeSlot(_parse_time(match[1].zfill(5)), _parse_time(match[2].zfill(5)))


_converter: Final = _make_converter()


# -- errors ---------------------------------------------------------------------------------


def _problems(exc: BaseException, path: tuple[PathPart, ...], data: Any) -> list[Problem]:
    """Flatten cattrs' nested exception groups into problems with field paths."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        found: list[Problem] = []
        for sub in exc.exceptions:
            part = _note_part(sub)
            child = path if part is None else (*path, part)
            found.extend(_problems(sub, child, data))
        return found
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [a.name for a in attrs.fields(exc.cl)]
        return [
            Problem((*path, key), f"unknown key{_suggestion(key, known)}")
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, ModelError):
        return [problem.prefixed(*path) for problem in exc.problems]
    if isinstance(exc, KeyError):
        return [Problem(path, "required, but missing")]
    if isinstance(exc, TypeError | ValueError):
        message = str(exc)
        if not message.startswith(("expected", "'")) and "is not" not in message:
            message = f"invalid value {_value_at(data, path)!r}: {message}"
        return [Problem(path, message)]
    return [Problem(path, f"{type(exc).__name__}: {exc}")]


def _note_part(exc: BaseException) -> PathPart | None:
    for note in getattr(exc, "__notes__", ()):
        name = getattr(note, "name", None)
        if isinstance(name, str):
            return name
        index = getattr(note, "index", None)
        if isinstance(index, int | str):
            return index
    return None


def _suggestion(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(known)}"


def _value_at(data: Any, path: tuple[PathPart, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _with_lines(
    problems: list[Problem], lines: Mapping[tuple[PathPart, ...], int]
) -> list[Problem]:
    located = []
    for problem in problems:
        path = problem.path
        line = problem.line
        while line is None:
            line = lines.get(path)
            if not path:
                break
            path = path[:-1]
        located.append(attrs.evolve(problem, line=line) if line is not None else problem)
    return located


# -- plain data -----------------------------------------------------------------------------


def to_data(obj: Any) -> dict[str, Any]:
    """Plain data (dicts, lists, text, numbers) for a top-level object, with its envelope."""
    kind = _KIND_OF.get(type(obj))
    if kind is None:
        raise TypeError(
            f"{type(obj).__name__} is not a top-level object ({', '.join(DOCUMENT_KINDS)})"
        )
    body: dict[str, Any] = _converter.unstructure(obj)
    return {"schema_version": SCHEMA_VERSION, "document": kind, **body}


@overload
def from_data(
    data: Any,
    cls: type[T],
    *,
    source: str = ...,
    lines: Mapping[tuple[PathPart, ...], int] | None = ...,
) -> T: ...
@overload
def from_data(
    data: Any,
    cls: None = ...,
    *,
    source: str = ...,
    lines: Mapping[tuple[PathPart, ...], int] | None = ...,
) -> Any: ...
def from_data(
    data: Any,
    cls: type[Any] | None = None,
    *,
    source: str = "<data>",
    lines: Mapping[tuple[PathPart, ...], int] | None = None,
) -> Any:
    """Build a top-level object from plain data.

    Raises :class:`~klyngepakke.errors.DocumentError` listing every problem.

    ``cls`` is the class expected; without it the file's ``document`` decides.
    """
    lines = lines or {}

    def fail(problems: list[Problem]) -> DocumentError:
        return DocumentError(source, _with_lines(problems, lines))

    if not isinstance(data, dict):
        raise fail(
            [
                Problem(
                    (),
                    "expected a mapping with 'schema_version' and 'document', "
                    f"got {type(data).__name__}",
                )
            ]
        )
    version = data.get("schema_version")
    if version is None:
        raise fail(
            [
                Problem(
                    ("schema_version",),
                    f"required, but missing (this release reads {SCHEMA_VERSION})",
                )
            ]
        )
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise fail(
            [
                Problem(
                    ("schema_version",),
                    f"{version!r} is not supported: this release of klyngepakke reads schema "
                    f"version {SCHEMA_VERSION} only",
                )
            ]
        )
    kind = data.get("document")
    if kind not in DOCUMENT_KINDS:
        choices = ", ".join(repr(k) for k in DOCUMENT_KINDS)
        message = "required, but missing" if kind is None else f"{kind!r} is not one of {choices}"
        raise fail([Problem(("document",), message)])
    target = DOCUMENT_KINDS[kind]
    if cls is not None and target is not cls:
        raise fail(
            [Problem(("document",), f"expected {_KIND_OF.get(cls, cls.__name__)!r}, got {kind!r}")]
        )
    body = {key: value for key, value in data.items() if key not in _ENVELOPE}
    try:
        return _converter.structure(body, target)
    except (
        ClassValidationError,
        IterableValidationError,
        ModelError,
        TypeError,
        ValueError,
    ) as exc:
        raise fail(_problems(exc, (), body)) from None


# -- text and files -------------------------------------------------------------------------


def format_for_path(path: str | Path) -> Format:
    """The format a file name's suffix stands for; ``ValueError`` for other suffixes."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: unknown file type {suffix!r}; use {', '.join(FORMATS)}")
    return FORMATS[suffix]


def dumps(obj: Any, format: Format = "yaml") -> str:
    """Text for a top-level object in ``format`` (``"yaml"`` or ``"json"``)."""
    data = to_data(obj)
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    from klyngepakke._yaml import dump_yaml

    return dump_yaml(data)


@overload
def loads(text: str, format: Format, cls: type[T], *, source: str = ...) -> T: ...
@overload
def loads(text: str, format: Format, cls: None = ..., *, source: str = ...) -> Any: ...
def loads(
    text: str, format: Format, cls: type[Any] | None = None, *, source: str = "<text>"
) -> Any:
    """Read a top-level object from JSON or YAML text.

    Raises :class:`~klyngepakke.errors.DocumentError` listing every problem.
    """
    from klyngepakke._yaml import YamlError, load_yaml

    if format == "json":
        try:
            data = json.loads(text, object_pairs_hook=_unique_keys)
        except _DuplicateKeyError as exc:
            # The YAML reader finds the same duplicate and knows its line.
            try:
                load_yaml(text)
            except YamlError as located:
                raise DocumentError(source, located.problems) from None
            raise DocumentError(source, [Problem((), f"duplicate key {exc.key!r}")]) from None
        except json.JSONDecodeError as exc:
            problem = Problem((), f"not valid JSON: {exc.msg}", exc.lineno)
            raise DocumentError(source, [problem]) from None
        try:
            return from_data(data, cls, source=source)
        except DocumentError as exc:
            # JSON is (nearly) YAML: re-read it only to learn the line of each path.
            try:
                lines = load_yaml(text)[1]
            except YamlError:
                raise exc from None
            raise DocumentError(source, _with_lines(list(exc.problems), lines)) from None
    try:
        data, lines = load_yaml(text)
    except YamlError as exc:
        raise DocumentError(source, exc.problems) from None
    return from_data(data, cls, source=source, lines=lines)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


@overload
def load(path: str | Path, cls: type[T]) -> T: ...
@overload
def load(path: str | Path, cls: None = ...) -> Any: ...
def load(path: str | Path, cls: type[Any] | None = None) -> Any:
    """Read a top-level object from a ``.json``, ``.yaml`` or ``.yml`` file."""
    path = Path(path)
    try:
        format = format_for_path(path)
    except ValueError as exc:
        raise DocumentError(str(path), [Problem((), str(exc).split(": ", 1)[1])]) from None
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DocumentError(str(path), [Problem((), "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise DocumentError(
            str(path), [Problem((), f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None
    except OSError as exc:
        raise DocumentError(str(path), [Problem((), exc.strerror or str(exc))]) from None
    return loads(text, format, cls, source=str(path))


def dump(obj: Any, path: str | Path, *, force: bool = False) -> Path:
    """Write a top-level object to a file, atomically; the suffix picks the format.

    An existing file is replaced only with ``force=True``.
    """
    path = Path(path)
    text = dumps(obj, format_for_path(path))
    atomic_write_text(path, text, force=force)
    return path


# -- responses, one per line ----------------------------------------------------------------


def _response_line(response: model.Response) -> str:
    data = _converter.unstructure(response)
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n"


def response_lines(responses: model.ResponseSet) -> str:
    """All responses as JSON lines, the format :func:`load_responses` reads."""
    return "".join(_response_line(response) for response in responses.responses)


def append_response(path: str | Path, response: model.Response) -> None:
    """Add one response as a JSON line to ``path``, atomically.

    The file is rewritten to a temporary file and renamed, so an interruption leaves either
    the old or the new file, never half a line.
    """
    path = Path(path)
    existing = path.read_bytes() if path.exists() else b""
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    with atomic_output(path, force=True) as temporary:
        temporary.write_bytes(existing + _response_line(response).encode("utf-8"))


def load_responses(path: str | Path, questionnaire: str | None = None) -> model.ResponseSet:
    """Read responses: a ``response_set`` document, or JSON lines.

    JSON lines (``.jsonl``) hold one response per line, as :func:`append_response` writes
    them. For JSON lines, ``questionnaire`` is the questionnaire id the set is for. Every bad line
    is reported with its number; none is skipped silently.
    """
    path = Path(path)
    if path.suffix.lower() != ".jsonl":
        return load(path, model.ResponseSet)
    if questionnaire is None:
        raise TypeError("JSON lines hold no questionnaire id; pass questionnaire=")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(str(path), [Problem((), f"cannot read: {exc}")]) from None
    responses: list[model.Response] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            responses.append(_converter.structure(data, model.Response))
        except json.JSONDecodeError as exc:
            problems.append(Problem((), f"not valid JSON: {exc.msg}", number))
        except (
            ClassValidationError,
            IterableValidationError,
            ModelError,
            TypeError,
            ValueError,
        ) as exc:
            problems.extend(attrs.evolve(p, line=number) for p in _problems(exc, (), data))
    if problems:
        raise DocumentError(str(path), problems)
    try:
        return model.ResponseSet(questionnaire, tuple(responses))
    except ModelError as exc:
        raise DocumentError(str(path), list(exc.problems)) from None
