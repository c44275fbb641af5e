"""A complete synthetic meeting bundle, for demos, tests and benchmarks.

Everything in it is made up and says so: the meeting's title, the people (their organisation
is "syntetisk"), the survey results (random valid answers) and the service metrics (from
:mod:`klyngepakke.metrics.synthetic`, which marks its files synthetic). Computing the metrics
needs the ``metrics`` extra.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Final

from klyngepakke.bundle import MeetingBundle
from klyngepakke.metrics.results import ClusterView, GroupMetric
from klyngepakke.model import (
    Attendance,
    ClusterPackage,
    Delegation,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Participant,
    Person,
)
from klyngepakke.planning import COPENHAGEN, plan_runbook
from klyngepakke.survey_results import aggregate

__all__ = [
    "SYNTHETIC_LABEL",
    "default_start",
    "synthetic_bundle",
    "synthetic_meeting",
    "write_demo_folder",
]

SYNTHETIC_LABEL = "syntetiske data"
"""How synthetic material is labelled where people read it."""

_FIXED_START: Final = dt.datetime(2027, 3, 11, 16, 0, tzinfo=COPENHAGEN)
_CLUSTER: Final = "Klynge Syd (syntetisk)"
_MUNICIPALITY: Final = "Sydby Kommune (syntetisk)"

_PEOPLE = {
    OrganisationKind.CLUSTER: (
        ("Anne Holm", "Klyngeformand, praktiserende læge", "ordstyrer"),
        ("Jens Lund", "Praktiserende læge", ""),
        ("Mette Dahl", "Praktiserende læge", ""),
        ("Søren Bak", "Praktiserende læge", ""),
        ("Lise Vang", "Klyngekoordinator", "referent"),
    ),
    OrganisationKind.MUNICIPALITY: (
        ("Karen Friis", "Afdelingsleder, sundhed og omsorg", ""),
        ("Peter Møller", "Sygeplejerske", ""),
        ("Hanne Krogh", "Sundhedschef", ""),
    ),
    OrganisationKind.KIAP: (("Ole Brandt", "Konsulent", ""),),
}


def default_start(today: dt.date | None = None) -> dt.datetime:
    """A demo meeting's start: a Thursday at 16:00, about ten weeks after ``today``.

    Far enough ahead for every runbook deadline to lie in the future, so the plan is valid
    whenever the demo runs.
    """
    today = today or dt.datetime.now(COPENHAGEN).date()
    day = today + dt.timedelta(weeks=10)
    day += dt.timedelta(days=(3 - day.weekday()) % 7)  # Thursday
    return dt.datetime.combine(day, dt.time(16, 0), tzinfo=COPENHAGEN)


def synthetic_meeting(
    package: ClusterPackage,
    *,
    cluster: str = _CLUSTER,
    municipality: str = _MUNICIPALITY,
    start: dt.datetime | None = None,
) -> Meeting:
    """A planned cluster meeting on ``package``'s topic with made-up participants.

    ``start`` defaults to a fixed day (Thursday 11 March 2027, 16:00), so the same arguments
    give the same meeting; :func:`default_start` gives one that moves with the date.
    """
    if start is None:
        start = _FIXED_START
    names = {
        OrganisationKind.CLUSTER: cluster,
        OrganisationKind.MUNICIPALITY: municipality,
        OrganisationKind.KIAP: "KiAP",
    }
    delegations = []
    for kind, people in _PEOPLE.items():
        organisation = Organisation(names[kind], kind)
        participants = tuple(
            Participant(
                Person(name, title, organisation.name),
                Attendance.PRESENT,
                role=role,
            )
            for name, title, role in people
        )
        delegations.append(Delegation(organisation, participants))
    return Meeting(
        id=f"{package.topic}-syntetisk-{start:%Y%m%d}",
        title=f"{package.title}: klyngemøde ({SYNTHETIC_LABEL})",
        kind=MeetingKind.CLUSTER_MEETING,
        start=start,
        end=start + dt.timedelta(minutes=package.programme.duration or 150),
        place=f"Sundhedshuset i {_town(municipality)}, mødelokale 2 (syntetisk)",
        topic=package.topic,
        delegations=tuple(delegations),
    )


def synthetic_bundle(
    package: ClusterPackage,
    *,
    seed: int = 0,
    baseline: bool = False,
    metrics: bool = True,
    start: dt.datetime | None = None,
    workdir: str | Path | None = None,
) -> MeetingBundle:
    """A full bundle for ``package`` from synthetic data, the same for the same ``seed``.

    ``baseline``: add survey results and service data from a year before, as at a follow-up
    meeting. ``metrics``: compute the service metrics (needs the ``metrics`` extra and the
    package's first metric definition); without, the bundle has none. ``workdir`` keeps the
    synthetic service-data files (a temporary folder otherwise).
    """
    from klyngepakke.testing import synthetic_responses

    survey = survey_baseline = None
    if package.questionnaire is not None:
        questionnaire = package.questionnaire
        survey = aggregate(
            questionnaire, synthetic_responses(questionnaire, 38, seed=seed), invited=52
        )
        if baseline:
            earlier = synthetic_responses(questionnaire, 31, seed=seed + 1000)
            survey_baseline = aggregate(questionnaire, earlier, invited=50)
    view = None
    if metrics and package.metrics:
        if workdir is None:
            with tempfile.TemporaryDirectory(prefix="klyngepakke-demo-") as folder:
                view = _synthetic_metrics(package, Path(folder), seed, baseline)
        else:
            view = _synthetic_metrics(package, Path(workdir), seed, baseline)
    cluster, municipality = _names_of(view)
    meeting = synthetic_meeting(package, cluster=cluster, municipality=municipality, start=start)
    # Planned as on the day the package was ordered, so the plan never lies in the past.
    ordered = meeting.start.date() - dt.timedelta(weeks=12)
    plan = plan_runbook(package, meeting.start, meeting_id=meeting.id, today=ordered)
    return MeetingBundle(
        package,
        meeting=meeting,
        survey=survey,
        survey_baseline=survey_baseline,
        metrics=view,
        plan=plan,
        synthetic=True,
    )


def _synthetic_metrics(
    package: ClusterPackage, folder: Path, seed: int, baseline: bool
) -> ClusterView:
    from klyngepakke.metrics.engine import BaselineInput, compute_metrics
    from klyngepakke.metrics.privacy import cluster_view
    from klyngepakke.metrics.synthetic import generate_country
    from klyngepakke.model import ReferenceLevel
    from klyngepakke.service_data import ServiceDataFile, ServiceDataKind

    definition = package.metrics[0]
    services = [s for s in package.service_codes if s.code in definition.service_codes]
    code = definition.codes[0]  # a service, or an event: the synthetic files hold either
    by_municipality = definition.compare_with is ReferenceLevel.MUNICIPALITY
    # Compared by municipality, the cluster's municipality needs other practices besides the
    # cluster's: 700 practices give København about 70, Aalborg about 25 (200 give a handful).
    providers = 700 if by_municipality else 200

    def files(year: int) -> tuple[ServiceDataFile, ServiceDataFile, ServiceDataFile]:
        country = generate_country(providers=providers, seed=seed, year=year, service_code=code)
        made = []
        for kind, write in (
            (ServiceDataKind.COUNTS, country.write_counts),
            (ServiceDataKind.LIST_SIZES, country.write_list_sizes),
            (ServiceDataKind.MEMBERSHIP, country.write_membership),
        ):
            path = write(folder / f"{kind.value}-{year}-syntetisk.parquet")
            made.append(ServiceDataFile(kind, path, path.name, 0))
        return made[0], made[1], made[2]

    counts, list_sizes, membership = files(2026)
    earlier = None
    if baseline:
        old_counts, old_lists, _ = files(2025)
        earlier = BaselineInput(list_sizes=old_lists, counts=old_counts)
    report = compute_metrics(
        definition,
        services,
        counts=counts,
        list_sizes=list_sizes,
        membership=membership,
        baseline=earlier,
    )
    practices = {g.name: g.practices for g in report.municipalities}

    def fit(group: GroupMetric) -> tuple[bool, int, str]:
        # By municipality, a cluster whose municipality has other practices too: the meeting
        # then compares the cluster with more than itself.
        shared = practices.get(group.municipality, 0) > group.practices
        return (shared or not by_municipality, group.practices, group.name)

    cluster = max(report.clusters, key=fit).name
    return cluster_view(report, cluster, key=f"synthetic-{seed}")


def write_demo_folder(
    folder: str | Path,
    package: ClusterPackage,
    *,
    seed: int = 0,
    baseline: bool = False,
    metrics: bool = True,
    force: bool = False,
) -> tuple[Path, ...]:
    """Write a meeting folder for ``package`` from synthetic data, ready for ``klyngepakke build``.

    The folder gets ``meeting.yaml``, ``responses.jsonl`` (and ``baseline-responses.jsonl``
    with ``baseline``), ``metrics.yaml`` (the cluster's synthetic service-data view; needs the
    ``metrics`` extra, left out with ``metrics=False``), ``build.yaml`` and a
    ``LÆS-MIG-syntetisk.txt`` saying that everything is made up. Returns the files written.
    """
    from klyngepakke.build import BuildSettings
    from klyngepakke.conversion import dump, response_lines
    from klyngepakke.fileio import atomic_write_text
    from klyngepakke.testing import synthetic_responses

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    view = None
    if metrics and package.metrics:
        with tempfile.TemporaryDirectory(prefix="klyngepakke-demo-") as work:
            view = _synthetic_metrics(package, Path(work), seed, baseline)
    cluster, municipality = _names_of(view)
    meeting = synthetic_meeting(
        package, cluster=cluster, municipality=municipality, start=default_start()
    )
    written.append(dump(meeting, folder / "meeting.yaml", force=force))
    settings = BuildSettings(invited=52, synthetic=True)
    written.append(dump(settings, folder / "build.yaml", force=force))
    questionnaire = package.questionnaire
    if questionnaire is not None:
        rounds = [("responses.jsonl", 38, seed)]
        if baseline:
            rounds.append(("baseline-responses.jsonl", 31, seed + 1000))
        for name, count, round_seed in rounds:
            lines = response_lines(synthetic_responses(questionnaire, count, seed=round_seed))
            atomic_write_text(folder / name, lines, force=force)
            written.append(folder / name)
    if view is not None:
        written.append(dump(view, folder / "metrics.yaml", force=force))
    readme = folder / "LÆS-MIG-syntetisk.txt"
    atomic_write_text(
        readme,
        "SYNTETISKE DATA\n\n"
        f"Denne mappe er et demo-klyngemøde om '{package.title}'. Mødet, deltagerne, "
        "svarene og ydelsesdata er opdigtede (syntetiske) og handler ikke om rigtige praksis, "
        "patienter eller personer.\n\n"
        "Byg materialet med: klyngepakke build <denne mappe>\n",
        force=force,
    )
    written.append(readme)
    return tuple(written)


def _names_of(view: ClusterView | None) -> tuple[str, str]:
    """The meeting's cluster and municipality, as the synthetic service data name them."""
    if view is None:
        return _CLUSTER, _MUNICIPALITY
    found = re.fullmatch(r"Klynge (.+) \d+ \((.+)\)", view.cluster)
    municipality = f"{found[1]} Kommune ({found[2]})" if found else _MUNICIPALITY
    return view.cluster, municipality


def _town(municipality: str) -> str:
    """``Sydby`` for ``Sydby Kommune (syntetisk)``: where a made-up meeting is held."""
    return municipality.split(" Kommune")[0].split(" (")[0].strip() or municipality
