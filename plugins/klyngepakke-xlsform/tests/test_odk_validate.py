"""Every exported form converts with pyxform and passes ODK Validate (Java), without warnings.

Run by ``nox -s validators`` (``pytest -m external``); needs ``pyxform`` and ``java``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import klyngepakke_xlsform
from klyngepakke.conversion import load
from klyngepakke.model import ClusterPackage, Questionnaire
from klyngepakke.testing import every_kind_questionnaire

pytestmark = pytest.mark.external

PLUGINS = Path(__file__).resolve().parents[2]
AKUT_YAML = PLUGINS / "klyngepakke-akutfunktioner/src/klyngepakke_akutfunktioner/package.yaml"


def akut() -> Questionnaire:
    questionnaire = load(AKUT_YAML, ClusterPackage).questionnaire
    assert questionnaire is not None
    return questionnaire


@pytest.mark.parametrize(
    "questionnaire",
    [pytest.param(akut, id="akutfunktioner"), pytest.param(every_kind_questionnaire, id="alle")],
)
@pytest.mark.parametrize("options", [{}, {"likert": "no", "numbers": "decimal"}], ids=["", "opt"])
def test_pyxform_and_odk_validate_accept_the_form(
    tmp_path: Path, questionnaire: Callable[[], Questionnaire], options: dict[str, str]
) -> None:
    from pyxform import xls2xform  # type: ignore[import-untyped]  # test dependency

    if shutil.which("java") is None:
        pytest.fail("ODK Validate needs Java: install a JRE")
    form = tmp_path / "form.xlsx"
    warnings = klyngepakke_xlsform.XLSFormPlatform().export_questionnaire(
        questionnaire(), form, options
    )
    assert warnings == []
    pyxform_warnings: list[str] = []
    result = xls2xform.convert(str(form), warnings=pyxform_warnings, validate=True)
    assert pyxform_warnings == []
    assert result.warnings == []
    assert "<h:title>" in result.xform
