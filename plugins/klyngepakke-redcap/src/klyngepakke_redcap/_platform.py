"""The REDCap platform: data dictionary out, raw record export in."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from klyngepakke.model import Questionnaire
from klyngepakke.platforms import PlatformError, QuestionnairePlatform, ResponseImport
from klyngepakke_redcap._dictionary import dictionary_warnings, write_dictionary
from klyngepakke_redcap._layout import RedcapLayout
from klyngepakke_redcap._records import read_records

__all__ = ["RedcapPlatform"]

_EXPORT_OPTIONS = {"form": "the instrument's unique name (default: the questionnaire id)"}
_IMPORT_OPTIONS = {
    **_EXPORT_OPTIONS,
    "include_incomplete": "yes: also import responses whose form status is not Complete",
}


class RedcapPlatform(QuestionnairePlatform):
    """REDCap: data dictionary out, raw record export in."""

    name: ClassVar[str] = "redcap"
    description: ClassVar[str] = (
        "REDCap: the questionnaire as a data dictionary (CSV) to upload; responses from a "
        "record export (CSV, raw data)"
    )
    questionnaire_suffixes: ClassVar[tuple[str, ...]] = (".csv",)
    response_suffixes: ClassVar[tuple[str, ...]] = (".csv",)

    def export_questionnaire(
        self, questionnaire: Questionnaire, destination: Path, options: Mapping[str, str]
    ) -> list[str]:
        """Write ``questionnaire`` as a data dictionary; options: ``form``."""
        _check_options(options, _EXPORT_OPTIONS)
        layout = RedcapLayout.of(questionnaire, options.get("form"))
        write_dictionary(questionnaire, layout, destination)
        return dictionary_warnings(questionnaire, layout)

    def import_responses(
        self, source: Path, questionnaire: Questionnaire, options: Mapping[str, str]
    ) -> ResponseImport:
        """Read a raw record export; options: ``form``, ``include_incomplete=yes``."""
        _check_options(options, _IMPORT_OPTIONS)
        layout = RedcapLayout.of(questionnaire, options.get("form"))
        return read_records(
            source,
            questionnaire,
            layout,
            platform=self.name,
            include_incomplete=_yes_or_no(options, "include_incomplete"),
        )


def _check_options(options: Mapping[str, str], known: Mapping[str, str]) -> None:
    unknown = sorted(set(options) - set(known))
    if unknown:
        choices = "; ".join(f"{key}: {meaning}" for key, meaning in known.items())
        raise PlatformError(f"unknown REDCap option {', '.join(unknown)} (options: {choices})")
    if "form" in options and not options["form"].strip():
        raise PlatformError("the option form needs a name, e.g. form=spoergeskema")


def _yes_or_no(options: Mapping[str, str], key: str) -> bool:
    value = options.get(key, "no").strip().lower()
    if value not in ("yes", "no"):
        raise PlatformError(f"the option {key} is yes or no, not {options[key]!r}")
    return value == "yes"
