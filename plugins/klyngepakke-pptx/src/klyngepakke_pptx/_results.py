"""Data review slides: questionnaire sections and service metrics, with the chair's notes.

A questionnaire section becomes, in question order, one chart slide per group of rating
questions sharing a scale (at most :data:`MAX_RATING_GROUP` per chart, placed where the
group's first question is), one per choice question (paired baseline/follow-up bars when the
bundle has a comparable baseline), a text slide per number or free-text question, and one
slide listing the questions nobody answered. With a baseline, each rating group is followed
by a table of the means then and now. A metric becomes the practices' rates with the cluster
and the reference group (the region, or the municipality for a metric compared by
municipality) as reference lines, the funnel plot, and with a baseline the change per
practice; a metric that counts events rather than fee-schedule services is worded as counts
("Antal pr. 1000"), never as services or fees. Every data slide says how many answered (and
the response rate) or which period the data covers, and where counts were hidden.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Final

from klyngepakke.bundle import MeetingBundle
from klyngepakke.danish import NO_VALUE, format_date, format_number
from klyngepakke.metrics.results import ClusterView, FunnelFlag, GroupLevel, ShownChange
from klyngepakke.model import ClusterPackage, MetricDefinition, QuestionKind
from klyngepakke.survey_results import (
    Presence,
    QuestionChange,
    QuestionResult,
    SectionResult,
    SurveyResults,
)
from klyngepakke_pptx import _charts
from klyngepakke_pptx._format import count, decimal, percent, period, points, rate, signed
from klyngepakke_pptx._slides import SlideMaker, TableColumn, body, bullet, heading, small

if TYPE_CHECKING:
    from pptx.slide import Slide

    from klyngepakke_pptx._charts import Box, ChartResult

__all__ = ["MAX_RATING_GROUP", "Results", "response_line"]

MAX_RATING_GROUP: Final = 6
"""Rating questions per chart: more make the bars too thin to read on a projector."""

_DISCUSS_SURVEY: Final = (
    "Spørg salen: Er det, som I havde forventet? Hvad undrer jer? Lad kommunen fortælle, "
    "hvordan resultatet ser ud fra deres side."
)


def response_line(results: SurveyResults, baseline: SurveyResults | None = None) -> str:
    """``Besvarelser: 38 af 52 inviterede (73 %)``, with the baseline's if given.

    The wording is :func:`klyngepakke.survey_results.render_results`'s.
    """
    line = f"Besvarelser: {_responses(results)}"
    if results.filter:
        line += f"; udvalgt: {count(results.selected)}, hvor {results.filter}"
    if baseline is not None:
        line += f"; baseline: {_responses(baseline)}"
    return line + "."


def _responses(results: SurveyResults) -> str:
    line = count(results.responded)
    if results.invited is not None:
        line += f" af {count(results.invited)} inviterede ({percent(results.response_rate)})"
    if results.collected is not None:
        line += f", indsamlet {format_date(results.collected)}"
    return line


class Results:
    """Makes the data review slides of one bundle."""

    def __init__(self, bundle: MeetingBundle, maker: SlideMaker) -> None:
        self.bundle = bundle
        self.maker = maker
        self.survey = bundle.survey
        comparison = bundle.survey_comparison
        self.baseline = comparison.baseline if comparison is not None else None
        self.changes = {q.code: q for q in comparison.questions} if comparison else {}
        warnings = [*(self.survey.warnings if self.survey is not None else ())]
        if comparison is not None:
            warnings += [*comparison.warnings, *(f"Baseline: {w}" for w in self.baseline_warnings)]
        self.warnings = [f"Bemærk om besvarelserne: {warning}" for warning in warnings]

    @property
    def baseline_warnings(self) -> tuple[str, ...]:
        """The baseline's own warnings (answers it could not count)."""
        return self.baseline.warnings if self.baseline is not None else ()

    # -- the questionnaire ----------------------------------------------------------------

    def survey_section(self, code: str, notes: Sequence[str], gaps: Sequence[str]) -> None:
        """The slides of one questionnaire section (or a placeholder or "ingen besvarelser")."""
        questionnaire = self.bundle.package.questionnaire
        assert questionnaire is not None  # the deck asks only for the package's sections
        title = next(s.title for s in questionnaire.sections if s.code == code)
        if self.survey is None:
            sentences = [*gaps, f"Her vises resultaterne for „{title}“."]
            self.maker.placeholder_slides("Mangler: spørgeskemaresultater", sentences, notes)
            return
        survey = self.survey
        if survey.selected == 0:
            text = "Ingen besvarelser: ingen har besvaret spørgeskemaet endnu."
            if survey.responded:
                text = "Ingen besvarelser opfylder udvalget."
            paragraphs = [body(text, bold=True), small(response_line(survey, self.baseline))]
            self.maker.content_slides(title, paragraphs, [*notes, _no_data_note()])
            return
        section = next((s for s in survey.sections if s.code == code), None)
        if section is None:
            paragraphs = [
                body("Ingen data: resultaterne har ingen spørgsmål fra dette afsnit.", bold=True),
                small(response_line(survey, self.baseline)),
            ]
            self.maker.content_slides(title, paragraphs, [*notes, _no_data_note()])
            return
        notes = [*notes, *self.warnings]
        unanswered = []
        for kind, questions in _units(section):
            if kind == "unanswered":
                unanswered += questions
            elif kind == "rating":
                self.rating_slides(section, questions, notes)
            elif kind == "choice":
                self.choice_slide(section, questions[0], notes)
            elif kind == "number":
                self.number_slide(section, questions[0], notes)
            else:
                self.text_slides(section, questions[0], notes)
        if unanswered:
            self.unanswered_slide(section, unanswered, notes)

    def rating_slides(
        self, section: SectionResult, questions: Sequence[QuestionResult], notes: Sequence[str]
    ) -> None:
        survey = self.survey
        assert survey is not None
        subtitle = questions[0].text if len(questions) == 1 else ""
        answered = sorted({q.answered for q in questions})
        if len(questions) == 1:
            n = f"n = {count(answered[0])}"
        elif len(answered) == 1:
            n = f"n = {count(answered[0])} pr. spørgsmål"
        else:
            n = f"n = {count(answered[0])}–{count(answered[-1])} pr. spørgsmål"
        footer = [f"Procent af dem, der svarede ({n}). " + response_line(survey, self.baseline)]
        lines = [*notes, *_rating_notes(questions), _DISCUSS_SURVEY]
        self.maker.chart_slide(
            section.title,
            subtitle,
            footer,
            lambda slide, box: _charts.rating_chart(slide, box, questions),
            lines,
        )
        changed = [self.changes[q.code] for q in questions if q.code in self.changes]
        if self.baseline is not None and changed:
            self.rating_change_slide(section, questions, changed, notes)

    def rating_change_slide(
        self,
        section: SectionResult,
        questions: Sequence[QuestionResult],
        changes: Sequence[QuestionChange],
        notes: Sequence[str],
    ) -> None:
        survey = self.survey
        assert survey is not None
        rows = []
        for change in changes:
            if change.presence is Presence.ADDED:
                rows.append((change.text, "nyt spørgsmål", _mean(change.followup_mean), ""))
                continue
            difference = signed(change.mean_change) if change.mean_change is not None else NO_VALUE
            rows.append(
                (
                    change.text,
                    _mean(change.baseline_mean),
                    _mean(change.followup_mean),
                    difference,
                )
            )
        scale = questions[0].scale
        span = f"{scale.lowest}–{scale.highest}" if scale is not None else ""
        off = scale.off_scale if scale is not None else ()
        above = f"Gennemsnit på skalaen {span}"
        above += f", uden {' og '.join(f'„{label}“' for label in off)}" if off else ""
        columns = (
            TableColumn("Spørgsmål", 0.58),
            TableColumn("Baseline", 0.14),
            TableColumn("Nu", 0.14),
            TableColumn("Ændring", 0.14),
        )
        lines = [
            *notes,
            "Gennemsnittene før og nu. Små ændringer (under et par tiendedele) kan skyldes, at "
            "andre har svaret denne gang; se også svarprocenten.",
            *(f"{change.text}: {note}" for change in changes for note in change.notes),
        ]
        self.maker.table_slides(
            f"Før og nu: {section.title}",
            columns,
            rows,
            lines,
            above=[
                body(above + ".", space_before=0.0),
                small(response_line(survey, self.baseline)),
            ],
        )

    def choice_slide(
        self, section: SectionResult, question: QuestionResult, notes: Sequence[str]
    ) -> None:
        survey = self.survey
        assert survey is not None
        change = self.changes.get(question.code)
        comparable = (
            change is not None
            and change.presence is Presence.BOTH
            and any(option.change is not None for option in change.options)
        )
        subtitle = question.text
        if question.kind is QuestionKind.MULTIPLE_CHOICE:
            subtitle += " (flere svar mulige)"
        footer = [
            f"{count(question.answered)} af de {count(question.shown)}, der fik spørgsmålet, "
            "svarede. " + response_line(survey, self.baseline)
        ]
        lines = [*notes, *_choice_notes(question)]
        if comparable and change is not None:
            lines += _change_notes(change)

        def draw(slide: Slide, box: Box) -> ChartResult:
            if comparable and change is not None:
                return _charts.question_change_chart(slide, box, change)
            return _charts.choice_chart(slide, box, question)

        lines.append(_DISCUSS_SURVEY)
        self.maker.chart_slide(section.title, subtitle, footer, draw, lines)

    def number_slide(
        self, section: SectionResult, question: QuestionResult, notes: Sequence[str]
    ) -> None:
        survey = self.survey
        assert survey is not None
        assert question.numbers is not None
        numbers = question.numbers
        assert numbers.mean is not None
        assert numbers.median is not None
        summary = (
            f"Gennemsnit {decimal(numbers.mean)}; median {format_number(numbers.median)}; "
            f"laveste {format_number(numbers.minimum)}; højeste {format_number(numbers.maximum)}"
        )
        change = self.changes.get(question.code)
        if change is not None and change.baseline_mean is not None:
            summary += f" (baseline {decimal(change.baseline_mean)}"
            if change.mean_change is not None:
                summary += f"; {signed(change.mean_change)}"
            summary += ")"
        paragraphs = [
            body(question.text, bold=True),
            body(summary),
            small(
                f"n = {count(question.answered)} svar af {count(question.shown)}, der fik "
                "spørgsmålet. " + response_line(survey, self.baseline)
            ),
        ]
        self.maker.content_slides(section.title, paragraphs, [*notes, _DISCUSS_SURVEY])

    def text_slides(
        self, section: SectionResult, question: QuestionResult, notes: Sequence[str]
    ) -> None:
        survey = self.survey
        assert survey is not None
        answers = Counter(text.strip() for text in question.texts if text.strip())
        paragraphs = [heading(question.text)]
        for text, times in answers.most_common():
            suffix = f" ({times} svar)" if times > 1 else ""
            paragraphs.append(bullet(text + suffix, space_before=6.0))
        paragraphs.append(
            small(
                f"{count(question.answered)} svar af {count(question.shown)}, der fik "
                "spørgsmålet; ens svar er samlet. " + response_line(survey, self.baseline)
            )
        )
        lines = [
            *notes,
            "Fritekstsvarene, som de blev skrevet; ens svar står én gang med antallet. Vælg "
            "et par af dem at tale ud fra – læs ikke alle op.",
        ]
        self.maker.content_slides(section.title, paragraphs, lines)

    def unanswered_slide(
        self, section: SectionResult, questions: Sequence[QuestionResult], notes: Sequence[str]
    ) -> None:
        survey = self.survey
        assert survey is not None
        paragraphs = [body("Ingen svar på disse spørgsmål:", bold=True)]
        for question in questions:
            why = (
                "ingen fik spørgsmålet"
                if not question.shown
                else f"ingen af de {count(question.shown)}, der fik det, svarede"
            )
            paragraphs.append(bullet(f"{question.text} ({why})", space_before=6.0))
        paragraphs.append(small(response_line(survey, self.baseline)))
        lines = [*notes, _no_data_note()]
        self.maker.content_slides(section.title, paragraphs, lines)

    # -- service metrics ------------------------------------------------------------------

    def metric(self, metric_id: str, notes: Sequence[str], gaps: Sequence[str]) -> None:
        """The slides of one metric (or a placeholder or "ingen data")."""
        definition = next(m for m in self.bundle.package.metrics if m.id == metric_id)
        view = self.bundle.metrics
        if view is None:
            sentences = [*gaps, f"Her vises „{definition.title}“ for klyngens praksis."]
            self.maker.placeholder_slides(
                _missing_title(self.bundle.package, definition), sentences, notes
            )
            return
        if view.metric_id != metric_id:
            what = "Tal" if definition.counts_events else "Ydelsesdata"
            sentences = [
                f"{what} for „{definition.title}“ mangler: bundtets nøgletal er for "
                f"„{view.metric_title}“. Beregn klyngens nøgletal for {definition.title}."
            ]
            self.maker.placeholder_slides(
                _missing_title(self.bundle.package, definition), sentences, notes
            )
            return
        if not any(practice.rate is not None for practice in view.practices):
            why = (
                "der er ingen praksis i klyngens udtræk"
                if not view.practices
                else "alle praksis' tal er skjult, fordi antallene er små"
            )
            paragraphs = [
                body(f"Ingen data: {why}.", bold=True),
                small(_metric_source(view)),
                *[small(line) for line in _suppression_lines(view)],
            ]
            self.maker.content_slides(view.metric_title, paragraphs, [*notes, _no_data_note()])
            return
        counted = "Antal" if definition.counts_events else "Ydelser"
        about = [*_reference_notes(view), *_count_notes(self.bundle.package, definition)]
        self.practice_slide(view, notes, counted, definition, about)
        self.funnel_slide(view, notes, counted, about)
        if view.baseline_period is not None and view.changes:
            self.change_slide(view, notes, counted)

    def practice_slide(
        self,
        view: ClusterView,
        notes: Sequence[str],
        counted: str,
        definition: MetricDefinition,
        about: Sequence[str],
    ) -> None:
        """The practices' rates; ``about`` says what they are compared with and counted by."""
        cluster, reference = view.cluster_metric.pooled.rate, view.reference_metric.pooled.rate
        label = _charts.reference_label(view)
        if definition.counts_events:
            events = [self.bundle.package.counted_event(code) for code in definition.counted_events]
            counters = " og ".join(dict.fromkeys(event.counted_by for event in events))
            question = (
                "Spørg: Hvad kan forklare forskellene mellem praksis? Tallene er talt af "
                f"{_in_sentence(counters)}: passer de med det, praksis selv oplever?"
            )
        else:
            question = (
                "Spørg: Hvad kan forklare forskellene mellem praksis? Kender alle ydelsen, og "
                "bruges den, når den skal?"
            )
        lines = [
            *notes,
            f"Diagrammet viser {view.metric_title.lower()} for hver praksis i klyngen i "
            f"perioden {period(view.period)}. Den orange linje er klyngens samlede rate "
            f"({rate(cluster)}), den grå stiplede {label.lower()}s ({rate(reference)}).",
            *about,
            *_level_note(cluster, reference, _reference_in_sentence(view)),
            *_extremes(view),
            *_suppression_lines(view),
            "Praksis vises med pseudonymer (Praksis A, B, …). Kun klyngekoordinatoren kan se, "
            "hvem der er hvem – gæt ikke på det i plenum.",
            question,
        ]
        footer = [_metric_source(view), *_suppression_lines(view, short=True)]
        self.maker.chart_slide(
            view.metric_title,
            f"Praksis i {view.cluster} sammenlignet med klyngen og {label.lower()}",
            [" ".join(footer)],
            lambda slide, box: _charts.practice_rate_chart(slide, box, view, counted=counted),
            lines,
        )

    def funnel_slide(
        self, view: ClusterView, notes: Sequence[str], counted: str, about: Sequence[str]
    ) -> None:
        """The funnel plot, or why there is none; ``about`` as for the practices' rates."""
        funnel = view.funnel
        group = f"{funnel.reference.label.lower()}s"  # kommunens, regionens
        title = f"Tragtdiagram: {view.metric_title}"
        if not funnel.curve:  # nothing to draw: say why in words
            why = funnel.note or f"Der er ingen grænser at tegne for {funnel.region}."
            paragraphs = [
                body(f"Intet tragtdiagram: {why}", bold=True),
                small(_metric_source(view)),
                *[small(line) for line in _suppression_lines(view)],
            ]
            self.maker.content_slides(title, paragraphs, [*notes, *about, _no_data_note()])
            return
        lines = [
            *notes,
            "Tragtdiagrammet viser hver praksis' rate mod dens listestørrelse. Den grå linje er "
            f"{group} rate ({rate(funnel.target_rate)}); de stiplede kurver er grænserne for, "
            "hvor meget en praksis af den størrelse kan afvige ved rent tilfælde (95 % og "
            "99,8 %). Små praksis har bredere grænser, fordi deres tal svinger mere.",
            *about,
            *_flag_notes(view),
        ]
        footer = [_metric_source(view)]
        if funnel.limits_too_narrow:
            phi = f" (φ = {decimal(funnel.phi, 1)})" if funnel.phi is not None else ""
            lines.append(
                f"Praksis varierer mere, end tilfældighed kan forklare{phi}: grænserne er for "
                "snævre og markerer for mange praksis. Brug markeringerne som anledning til "
                "dialog, ikke som en dom."
            )
            footer.append(f"Praksis varierer mere end tilfældigt{phi}: grænserne er for snævre.")
        footer += _suppression_lines(view, short=True)
        self.maker.chart_slide(
            title,
            f"Hver praksis' rate mod dens listestørrelse, med {group} rate og grænserne for "
            "tilfældig variation",
            [" ".join(footer)],
            lambda slide, box: _charts.funnel_chart(slide, box, view, counted=counted),
            lines,
        )

    def change_slide(self, view: ClusterView, notes: Sequence[str], counted: str) -> None:
        assert view.baseline_period is not None
        lines = [
            *notes,
            f"Baseline er {period(view.baseline_period)}, opfølgningen {period(view.period)}. "
            "Grå søjler er baseline, blå er opfølgningen.",
            *_group_change_notes(view.changes, view.reference_metric.level),
            *_practice_change_notes(view.changes),
            "Spørg: Er der sket det, I aftalte sidst? Hvad har virket, og hvad mangler?",
        ]
        footer = [
            f"Baseline: {period(view.baseline_period)}. Opfølgning: {period(view.period)}.",
            *_suppression_lines(view, short=True),
        ]
        self.maker.chart_slide(
            f"Før og nu: {view.metric_title}",
            "Hver praksis' rate i baseline og ved opfølgningen",
            [" ".join(footer)],
            lambda slide, box: _charts.practice_change_chart(slide, box, view, counted=counted),
            lines,
        )


def _missing_title(package: ClusterPackage, definition: MetricDefinition) -> str:
    """A metric's placeholder title: "Mangler: ydelsesdata" for services.

    A metric that counts events misses the counts of whoever counts them: "Mangler: kommunens
    tal".
    """
    if not definition.counts_events:
        return "Mangler: ydelsesdata"
    counters = dict.fromkeys(
        package.counted_event(code).counted_by for code in definition.counted_events
    )
    return "Mangler: " + " og ".join(_genitive(_in_sentence(c)) for c in counters) + " tal"


# -- grouping -------------------------------------------------------------------------------


def _units(section: SectionResult) -> Iterator[tuple[str, list[QuestionResult]]]:
    """The section's questions as slide units, in order (rating groups at their first)."""
    groups: dict[tuple[str, ...], list[QuestionResult]] = {}
    order: list[tuple[str, object]] = []
    unanswered = []
    for question in section.questions:
        if not question.answered:
            unanswered.append(question)
        elif _charts.is_rating(question) and _charts.has_chart(question):
            scale = _charts.rating_scale(question)
            if scale not in groups:
                groups[scale] = []
                order.append(("rating", scale))
            groups[scale].append(question)
        elif _charts.has_chart(question):
            order.append(("choice", question))
        elif question.kind is QuestionKind.NUMBER and question.numbers is not None:
            order.append(("number", question))
        else:
            order.append(("text", question))
    for kind, key in order:
        if kind == "rating":
            members = groups[key]  # type: ignore[index]
            for start in range(0, len(members), MAX_RATING_GROUP):
                yield "rating", members[start : start + MAX_RATING_GROUP]
        else:
            yield kind, [key]  # type: ignore[list-item]
    if unanswered:
        yield "unanswered", unanswered


# -- notes ----------------------------------------------------------------------------------


def _no_data_note() -> str:
    return "Der er ingen data at vise her. Fortæl kort hvorfor, og brug tiden på dialogen i stedet."


def _mean(value: float | None) -> str:
    return NO_VALUE if value is None else decimal(value)


def _positive_share(question: QuestionResult) -> float | None:
    """The percentage of those who answered that chose the scale's upper half."""
    scale = question.scale
    if scale is None or not question.answered:
        return None
    middle = (scale.lowest + scale.highest) / 2
    shares = [
        option.percent_of_answered or 0.0
        for option in question.options
        if option.value is not None and option.value > middle
    ]
    return sum(shares)


def _rating_notes(questions: Sequence[QuestionResult]) -> list[str]:
    lines = []
    for number, question in enumerate(questions, start=1):
        top = max(question.options, key=lambda option: option.count)
        line = (
            f"{number}. {question.text} (n = {count(question.answered)}): flest svarede "
            f"„{top.label}“ ({percent(top.percent_of_answered)})."
        )
        if question.scale is not None and question.scale.mean is not None:
            line += (
                f" Gennemsnit {decimal(question.scale.mean)} på skalaen "
                f"{question.scale.lowest}–{question.scale.highest}."
            )
        lines.append(line)
    shares = [(q, s) for q in questions if (s := _positive_share(q)) is not None]
    if len(shares) > 1:
        high = max(shares, key=lambda pair: pair[1])
        low = min(shares, key=lambda pair: pair[1])
        lines.append(
            "Peg på: Den største andel svar i den positive ende af skalaen har "
            f"„{high[0].text}“ ({percent(high[1])}); den mindste „{low[0].text}“ "
            f"({percent(low[1])})."
        )
    elif shares:
        lines.append(f"Peg på: {percent(shares[0][1])} svarede i den positive ende af skalaen.")
    return lines


def _choice_notes(question: QuestionResult) -> list[str]:
    ranked = sorted(question.options, key=lambda option: -option.count)
    lines = [f"Spørgsmålet i fuld længde: {question.text}"]
    if ranked:
        lines.append(
            f"Peg på: Flest valgte „{ranked[0].label}“ ({percent(ranked[0].percent)})"
            + (
                f"; færrest „{ranked[-1].label}“ ({percent(ranked[-1].percent)})."
                if len(ranked) > 1
                else "."
            )
        )
    if question.kind is QuestionKind.MULTIPLE_CHOICE:
        lines.append("Man kunne vælge flere svar, så procenterne kan give mere end 100 i alt.")
    return lines


def _change_notes(change: QuestionChange) -> list[str]:
    moved = [option for option in change.options if option.change is not None]
    lines = []
    if moved:
        largest = max(moved, key=lambda option: abs(option.change or 0.0))
        assert largest.change is not None
        lines.append(
            f"Største ændring siden baseline: „{largest.label}“ {points(largest.change)} "
            f"({percent(largest.baseline_percent)} → {percent(largest.followup_percent)})."
        )
    lines += list(change.notes)
    return lines


def _metric_source(view: ClusterView) -> str:
    cluster, reference = view.cluster_metric.pooled, view.reference_metric
    return (
        f"Data: {period(view.period)}. Klyngen {rate(cluster.rate)}, "
        f"{reference.name} {rate(reference.pooled.rate)} pr. {count(view.per)}."
    )


def _reference_in_sentence(view: ClusterView) -> str:
    """The reference group in a sentence: "Region Nordjylland", "kommunen (Aalborg)"."""
    group = view.reference_metric
    if group.level is GroupLevel.MUNICIPALITY:
        return f"kommunen ({group.name})"
    return group.name


def _reference_notes(view: ClusterView) -> list[str]:
    """For a metric compared by municipality: the view's own notes on the comparison."""
    if view.reference_metric.level is not GroupLevel.MUNICIPALITY:
        return []
    said = [note for note in view.notes if "kommune" in note.casefold()]
    return said or [
        f"Praksis sammenlignes med niveauet i {_reference_in_sentence(view)}, ikke i regionen."
    ]


def _count_notes(package: ClusterPackage, definition: MetricDefinition) -> list[str]:
    """For events a municipality counts: its count leaves out patients from other ones."""
    events = [package.counted_event(code) for code in definition.counted_events]
    if not any("kommun" in event.counted_by.casefold() for event in events):
        return []
    return [
        "Kommunen tæller kun sine egne borgere: praksis' patienter fra nabokommuner er ikke "
        "med. For praksis nær kommunegrænsen er tallet derfor et mindstetal – sig det, når I "
        "taler om tallene."
    ]


def _in_sentence(name: str) -> str:
    """A name inside a sentence: "Kommunen" becomes "kommunen"; "KiAP" stays as it is."""
    first = name.split(" ", 1)[0]
    return name[:1].lower() + name[1:] if first[1:] == first[1:].lower() else name


def _genitive(name: str) -> str:
    """Danish genitive: "kommunen" → "kommunens", "Klaus" → "Klaus'"."""
    return f"{name}'" if name.endswith(("s", "x", "z")) else f"{name}s"


def _suppression_lines(view: ClusterView, *, short: bool = False) -> list[str]:
    hidden = sum(practice.suppressed for practice in view.practices)
    lines = []
    if hidden:
        largest = view.suppression_threshold - 1
        if short:
            lines.append(f"Tal for {hidden} praksis er skjult (små antal, 1–{largest}).")
        else:
            lines.append(
                f"Tallene for {hidden} praksis er skjult: antal fra 1 til {largest} vises ikke, "
                "og nogle gange skjules også et større antal, så de små ikke kan regnes ud."
            )
    if view.cluster_metric.pooled.suppressed:
        lines.append("Klyngens samlede antal er skjult, fordi det er lille.")
    reference = view.reference_metric
    if reference.level is GroupLevel.MUNICIPALITY and reference.pooled.rate is None:
        lines.append(
            "Kommunens niveau er skjult (små antal)."
            if short
            else "Kommunens samlede antal og niveau er skjult, fordi et skjult antal ellers "
            "kunne regnes ud."
        )
    if view.banded:
        lines.append(
            "Lille klynge: listestørrelser vises i intervaller, og antal vises ikke."
            if short
            else "Klyngen er lille, så listestørrelser vises kun i intervaller, og praksis' "
            "antal vises ikke – ellers ville man kunne genkende praksis."
        )
    return lines


def _level_note(cluster: float | None, reference: float | None, name: str) -> list[str]:
    if cluster is None or reference is None or reference == 0:
        return []
    difference = (cluster - reference) / reference * 100
    if abs(difference) < 5:
        return [f"Peg på: Klyngen ligger på niveau med {name}."]
    direction = "over" if difference > 0 else "under"
    return [f"Peg på: Klyngen ligger {decimal(abs(difference), 0)} % {direction} {name}."]


def _extremes(view: ClusterView) -> list[str]:
    shown = [p for p in view.practices if p.rate is not None]
    if len(shown) < 2:
        return []
    high = max(shown, key=lambda practice: practice.rate or 0.0)
    low = min(shown, key=lambda practice: practice.rate or 0.0)
    return [
        f"Højeste viste rate: {high.pseudonym} ({rate(high.rate)}); laveste: {low.pseudonym} "
        f"({rate(low.rate)})."
    ]


_FLAG_TEXT: Final = {
    FunnelFlag.ABOVE_998: "Over 99,8 %-grænsen",
    FunnelFlag.ABOVE_95: "Over 95 %-grænsen",
    FunnelFlag.BELOW_95: "Under 95 %-grænsen",
    FunnelFlag.BELOW_998: "Under 99,8 %-grænsen",
}


def _flag_notes(view: ClusterView) -> list[str]:
    lines = []
    for flag, text in _FLAG_TEXT.items():
        names = [p.pseudonym for p in view.practices if p.flag is flag]
        if names:
            lines.append(f"{text}: {', '.join(names)}.")
    if not lines:
        lines.append("Peg på: Alle praksis ligger inden for grænserne.")
    return lines


def _group_change_notes(changes: Sequence[ShownChange], reference: GroupLevel) -> list[str]:
    """The cluster's and the reference group's (``reference``: region or municipality) change."""
    lines = []
    for change in changes:
        if change.level not in (GroupLevel.CLUSTER, reference):
            continue
        who = "Klyngens" if change.level is GroupLevel.CLUSTER else f"{change.name}s"
        line = (
            f"{who} rate: {rate(change.baseline.rate)} i baseline og "
            f"{rate(change.followup.rate)} nu"
        )
        if change.ratio is not None:
            line += f" (forholdet {decimal(change.ratio, 2)}"
            if change.lower is not None and change.upper is not None:
                line += f"; 95 %-interval {decimal(change.lower, 2)}–{decimal(change.upper, 2)}"
            line += ")"
        lines.append(line + ".")
    if lines:
        lines.append(
            "Et forhold over 1 er en stigning. Indeholder intervallet 1, kan ændringen være "
            "tilfældig."
        )
    return lines


def _practice_change_notes(changes: Sequence[ShownChange]) -> list[str]:
    practices = [c for c in changes if c.level is None and c.ratio is not None]
    hidden = sum(1 for c in changes if c.level is None and c.suppressed)
    lines = []
    if len(practices) > 1:
        up = max(practices, key=lambda change: change.ratio or 0.0)
        down = min(practices, key=lambda change: change.ratio or 0.0)
        lines.append(
            f"Størst stigning: {up.name} (forholdet {decimal(up.ratio or 0.0, 2)}); størst "
            f"fald: {down.name} (forholdet {decimal(down.ratio or 0.0, 2)})."
        )
    if hidden:
        lines.append(f"Ændringen for {hidden} praksis er skjult, fordi den ville afsløre små tal.")
    return lines
