"""YAML for hand-written files: strict scalars, no duplicate keys, and a line for every path.

PyYAML follows YAML 1.1, where ``0124`` is an octal number and ``no`` is false: fatal for
service codes, provider numbers and Danish text. Loading here resolves only ``true``/``false``,
``null``/``~``, plain decimal integers without leading zeros and decimal floats; everything else
is text. Dumping quotes any text that either rule set would read as something else, so files we
write read the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

import yaml

from klyngepakke.errors import PathPart, Problem

Lines = dict[tuple[PathPart, ...], int]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = frozenset(
    {_STR, *(f"tag:yaml.org,2002:{name}" for name in ("bool", "null", "int", "float"))}
)
_FLOAT_PATTERN = (
    r"[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_FLOAT = re.compile(_FLOAT_PATTERN)
_STRICT_RESOLVERS: list[tuple[str, str, str]] = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        rf"^(?:{_FLOAT_PATTERN})$",
        "-+0123456789.",
    ),
]


class _StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


class _Dumper(_BaseDumper):  # type: ignore[misc,valid-type]
    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {
        key: list(value) for key, value in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }


for _tag, _pattern, _first in _STRICT_RESOLVERS:
    _StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
    _Dumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
# The empty string: plain empty scalars are null on load, so text "" must be quoted.
_StrictLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), None)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value == value.strip(" ") else None
    return dumper.represent_scalar(_STR, value, style=style)


_Dumper.add_representer(str, _represent_str)


class YamlError(Exception):
    """The text is not YAML, or uses YAML we do not accept; carries the problems found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def _scalar(node: yaml.ScalarNode) -> Any:
    value: str = node.value
    tag = node.tag
    if tag == "tag:yaml.org,2002:bool":
        if value.lower() not in ("true", "false"):
            raise ValueError(value)
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:null":
        if value not in ("", "~", "null", "Null", "NULL"):
            raise ValueError(value)
        return None
    if tag == "tag:yaml.org,2002:int":
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        if not (_FLOAT.fullmatch(value) or re.fullmatch(r"[-+]?[0-9]+", value)):
            raise ValueError(value)
        lowered = value.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        return float("nan") if lowered == ".nan" else float(value)
    return value


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def load_yaml(text: str) -> tuple[Any, Lines]:
    """Parse YAML text into plain data and a map from each path to its 1-based line."""
    try:
        root = yaml.compose(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlError([Problem((), f"not valid YAML: {exc.problem}", line)]) from None
    except yaml.YAMLError as exc:
        raise YamlError([Problem((), f"not valid YAML: {exc}")]) from None
    lines: Lines = {}
    problems: list[Problem] = []
    builders: dict[type[yaml.Node], Callable[[Any, tuple[PathPart, ...]], Any]] = {}

    ancestors: set[int] = set()

    def build(node: yaml.Node, path: tuple[PathPart, ...]) -> Any:
        lines.setdefault(path, _line(node))
        if id(node) in ancestors:  # an alias to a node that contains it: infinite data
            problems.append(Problem(path, "recursive alias: the data would never end", _line(node)))
            return None
        ancestors.add(id(node))
        try:
            return builders[type(node)](node, path)
        finally:
            ancestors.discard(id(node))

    def build_mapping(node: yaml.MappingNode, path: tuple[PathPart, ...]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if node.tag != _MAP:
            problems.append(Problem(path, f"unsupported YAML tag {node.tag!r}", _line(node)))
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(path, "keys must be plain text", key_node.start_mark.line + 1)
                )
                continue
            if key in result:
                problems.append(
                    Problem((*path, key), "duplicate key", key_node.start_mark.line + 1)
                )
                continue
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = build(value_node, (*path, key))
        return result

    def build_sequence(node: yaml.SequenceNode, path: tuple[PathPart, ...]) -> list[Any]:
        if node.tag != _SEQ:
            problems.append(Problem(path, f"unsupported YAML tag {node.tag!r}", _line(node)))
        return [build(item, (*path, index)) for index, item in enumerate(node.value)]

    def build_scalar(node: yaml.ScalarNode, path: tuple[PathPart, ...]) -> Any:
        if node.tag in _SCALAR_TAGS:
            try:
                return _scalar(node)
            except ValueError:
                message = f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}"
        else:
            message = f"unsupported YAML tag {node.tag!r}"
        problems.append(Problem(path, message, _line(node)))
        return None

    builders.update(
        {
            yaml.MappingNode: build_mapping,
            yaml.SequenceNode: build_sequence,
            yaml.ScalarNode: build_scalar,
        }
    )
    data = None if root is None else build(root, ())
    if problems:
        raise YamlError(problems)
    return data, lines


def dump_yaml(data: Any) -> str:
    """Write plain data as block-style YAML, keys in order, Danish letters as they are."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    return text
