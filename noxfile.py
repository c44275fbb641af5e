"""Development tasks. ``nox`` runs every default session, exactly what CI runs.

``nox --list`` shows the menu; ``nox -s NAME`` runs one session, and anything after ``--``
is passed on to the session's main command (``nox -s tests -- -k export``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

# ``nox.project.dependency_groups`` arrived in 2025.2.9.
nox.needs_version = ">=2025.2.9"
# virtualenv ships with nox and brings its own pip, so sessions work even on a Debian
# Python without ``python3-venv``/ensurepip. No ``python=`` anywhere: every session uses
# the interpreter that runs nox, so nothing is skipped for a missing Python version.
nox.options.default_venv_backend = "virtualenv"
# A tool missing from the session's environment is an error, not a silent fallback to
# whatever happens to be on PATH.
nox.options.error_on_external_run = True

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")

# First-party plugins: every ``plugins/*/`` distribution, so new ones are picked up.
PLUGINS = sorted(
    project.parent.relative_to(ROOT).as_posix() for project in ROOT.glob("plugins/*/pyproject.toml")
)


def _group(name: str) -> tuple[str, ...]:
    return nox.project.dependency_groups(PYPROJECT, name)


# The complete example plugin from the plugin guide: tested like a first-party plugin so
# the guide cannot go stale.
EXAMPLE_PLUGIN = "docs/examples/klyngepakke-example"


def _install_editable(session: nox.Session, *groups: str, example: bool = False) -> None:
    """Install the core and all plugins editable, plus the given dependency groups."""
    paths = [".[metrics]", *PLUGINS, *([EXAMPLE_PLUGIN] if example else [])]
    editables = [arg for path in paths for arg in ("-e", path)]
    session.install(*editables, *(req for group in groups for req in _group(group)))


def _install_built(session: nox.Session) -> None:
    """Install the core and all plugins the way a user gets them: built, not editable."""
    session.install(".[metrics]", *PLUGINS)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the core and plugin test suites, with coverage of the core (at least 90 %)."""
    _install_editable(session, "test", example=True)
    plugin_tests = [
        f"{plugin}/tests"
        for plugin in [*PLUGINS, EXAMPLE_PLUGIN]
        if (ROOT / plugin / "tests").is_dir()
    ]
    session.run(
        "pytest",
        "--import-mode=importlib",
        "--cov=klyngepakke",
        "--cov-report=term-missing",
        "--cov-fail-under=90",
        "tests",
        *plugin_tests,
        *session.posargs,
    )


@nox.session
def validators(session: nox.Session) -> None:
    """Check exported questionnaires with the platforms' own validators (needs Java and Node.js).

    Runs the tests marked ``external``: pyxform's ODK Validate (Java) for XLSForm, and
    SurveyJS's survey-core in Node.js (npm packages are installed by the tests themselves).
    """
    missing = [tool for tool in ("java", "node", "npm") if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} missing: the platform validators need Java and Node.js"
        if os.environ.get("CI"):
            session.error(message)  # CI installs them (.ci/run); missing there is a failure
        session.skip(message)
    _install_editable(session, "test")
    session.install("pyxform>=2.1")
    plugin_tests = [f"{plugin}/tests" for plugin in PLUGINS if (ROOT / plugin / "tests").is_dir()]
    session.run(
        "pytest",
        "--import-mode=importlib",
        "-m",
        "external",
        "tests",
        *plugin_tests,
        *session.posargs,
    )


@nox.session
def render(session: nox.Session) -> None:
    """Convert generated decks and documents to PDF with LibreOffice (needs ``soffice``).

    Runs the tests marked ``render``: each plugin's decks and documents, from the
    akutfunktioner package with synthetic data, with the built-in and a custom template,
    converted headless; they fail if a conversion fails or pages are missing.
    """
    if shutil.which("soffice") is None:
        message = "soffice missing: rendering needs LibreOffice (impress and writer)"
        if os.environ.get("CI"):
            session.error(message)  # CI installs it (.ci/run); missing there is a failure
        session.skip(message)
    _install_editable(session, "test")
    plugin_tests = [f"{plugin}/tests" for plugin in PLUGINS if (ROOT / plugin / "tests").is_dir()]
    session.run(
        "pytest",
        "--import-mode=importlib",
        "-m",
        "render",
        "tests",
        *plugin_tests,
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Check code style and formatting with ruff."""
    session.install(*_group("lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the core and the plugins with ``mypy --strict``."""
    _install_editable(session, "typecheck")
    plugin_sources = [f"{plugin}/src" for plugin in PLUGINS if (ROOT / plugin / "src").is_dir()]
    session.run("mypy", "--strict", "src", *plugin_sources, *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML documentation; any Sphinx warning fails the build."""
    _install_editable(session, "docs")
    # Sphinx rebuilds only changed pages, so warnings from unchanged pages would
    # silently disappear; start from a clean build every time.
    shutil.rmtree(ROOT / "docs" / "_build" / "html", ignore_errors=True)
    session.run(
        "sphinx-build",
        "-n",
        "-T",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "docs",
        "docs/_build/html",
        *session.posargs,
    )


@nox.session
def demo(session: nox.Session) -> None:
    """Run the main job exactly as the README shows it, on an installed package.

    Builds the synthetic demo meeting and checks that every artefact is there; then the
    smaller jobs (export, validate, plan with a calendar); then uninstalls each topic plugin
    in turn and checks that only its topic goes.
    """
    _install_built(session)
    tmp = Path(session.create_tmp()).resolve()
    shutil.rmtree(tmp / "klyngemoede-demo", ignore_errors=True)
    session.run("klyngepakke", "demo", str(tmp / "klyngemoede-demo"))
    built = tmp / "klyngemoede-demo" / "materiale"
    expected = [
        "praesentation.pptx",
        "klyngepakke.docx",
        "drejebog.docx",
        "brev-til-kommunen.docx",
        "spoergeskema.docx",
        "resultater.docx",
        "drejebog.ics",
        "moede.ics",
        "moedemateriale.yaml",
        "manifest.json",
    ]
    absent = [name for name in expected if not (built / name).is_file()]
    if absent:
        session.error(f"the demo did not write {', '.join(absent)}")
    session.run("klyngepakke", "build", str(tmp / "klyngemoede-demo"))  # up to date
    output = tmp / "akutfunktioner.yaml"
    session.run("klyngepakke", "topics")
    session.run(
        "klyngepakke", "export", "akutfunktioner", "--format", "yaml", "-o", str(output), "--force"
    )
    session.run("klyngepakke", "validate", str(output))
    session.run(
        "klyngepakke",
        "plan",
        "akutfunktioner",
        "--meeting",
        "2030-03-11T16:00",
        "--ics",
        str(output.with_suffix(".ics")),
        "--deadline-events",
        "--force",
    )
    session.run("klyngepakke", "show", "forebyggelse", silent=True)
    session.run("klyngepakke", "plan", "forebyggelse", "--meeting", "2030-03-11T16:00", silent=True)
    # A topic is a plugin: uninstalling it removes the topic and nothing else.
    for plugin, topic, other in (
        ("klyngepakke-forebyggelse", "forebyggelse", "akutfunktioner"),
        ("klyngepakke-akutfunktioner", "akutfunktioner", None),
    ):
        session.run("python", "-m", "pip", "uninstall", "--yes", plugin)
        topics = str(session.run("klyngepakke", "topics", "--json", silent=True))
        if f'"{topic}"' in topics:
            session.error(f"the {topic} topic is still listed after uninstalling {plugin}")
        if other is not None and f'"{other}"' not in topics:
            session.error(f"uninstalling {plugin} also removed the {other} topic")
    session.run("klyngepakke", "plugins")
    session.run("klyngepakke", "validate", str(output))
    session.run("klyngepakke", "plan", str(output), "--meeting", "2030-03-11T16:00")


@nox.session
def bench(session: nox.Session) -> None:
    """Measure start-up, survey aggregation, the metrics engine, the deck and the build."""
    _install_built(session)
    session.install("pandas")  # the metrics benchmark's comparison
    session.run("python", "benchmarks/startup.py", *session.posargs)
    session.run("python", "benchmarks/survey_results.py")
    session.run("python", "benchmarks/metrics.py")
    session.run("python", "benchmarks/deck.py")
    session.run("python", "plugins/klyngepakke-docx/benchmarks/documents.py")
    session.run("python", "benchmarks/build.py")
