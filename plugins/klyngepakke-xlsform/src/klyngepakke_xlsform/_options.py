"""The ``--option KEY=VALUE`` settings the export and the import understand."""

from __future__ import annotations

from collections.abc import Mapping

from klyngepakke.platforms import PlatformError


def choose(options: Mapping[str, str], allowed: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Each allowed key's value, the first allowed one unless given; other keys are errors."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        known = ", ".join(f"{key}={'|'.join(values)}" for key, values in allowed.items())
        raise PlatformError(
            f"unknown xlsform option {unknown[0]!r}; known: {known or 'none'}",
        )
    chosen: dict[str, str] = {}
    for key, values in allowed.items():
        value = options.get(key, values[0]).strip().lower()
        if value not in values:
            raise PlatformError(
                f"xlsform option {key}={options[key]!r}: expected one of {', '.join(values)}"
            )
        chosen[key] = value
    return chosen
