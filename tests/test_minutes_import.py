"""Importing existing Danish minutes: reference 002 (text, and as pdftotext extracts it from a
PDF), a municipal committee's "1. Godkendelse af dagsorden" minutes, and Word documents whose
item numbers exist only as Word's automatic numbering.

The expectation for reference 002 is written from reading the minutes, not from the importer's
output. What the text itself leaves open is decided as follows:

- The apologies are those the decision on item 1 names (eleven people), which include the six
  of the "Afbud" list; "Karen Raben Kudsk" there is "Karen Rabens Kudsk" of the members' list.
- "Vakance, Danske Patienter" is a vacant seat, not a person: it is reported as unplaced.
- A member's organisation is the heading they are listed under, unless the line names a more
  specific one ("Jane Gregersen, PLO Midt"). A guest's organisation is the one their line names
  ("ledende terapeut Medicinsk Diagnostisk Center"); guests whose line names none ("apoteker i
  Skive", "kredskonsulent") are grouped as "Gæster".
- Organisation kinds: "Præhospitalet" is the region's prehospital service (region);
  "Regionspsykiatrien" runs the psychiatric hospitals (hospital); "Regionsapoteket" (region).
- The text gives no date; the tests pass 27 September 2024 (a Friday between the 20 September
  meeting that item 10 reports on and the 29 November meeting item 11 calls the next one).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from klyngepakke.errors import KlyngepakkeError
from klyngepakke.minutes_import import (
    ImportResult,
    Location,
    MinutesImportError,
    Unplaced,
    import_minutes,
)
from klyngepakke.model import (
    AgendaItemKind,
    Attachment,
    Attendance,
    ItemPurpose,
    Meeting,
    MeetingKind,
    OrganisationKind,
    TimeSlot,
)

DATA = Path(__file__).parent / "data" / "minutes"
REFERENCE = DATA / "002_f7929607a731545b.txt"
PDF_TEXT = DATA / "002-pdftotext.txt"
RANDERS = DATA / "klu-randers-2025-03-13.txt"
AALBORG = DATA / "klyngemoede-aalborg-oest-2025-01-15.md"
MEETING_DAY = dt.date(2024, 9, 27)


# -- the hand-checked expectation for reference 002 ------------------------------------------


@dataclass(frozen=True)
class Expected:
    delegation: str
    name: str
    title: str = ""
    organisation: str = ""  # empty: the delegation's name
    attendance: Attendance = Attendance.PRESENT
    role: str = ""
    guest_items: tuple[str, ...] = ()


APOLOGIES = Attendance.APOLOGIES
HOSPITAL = "Hospitalsenhed Midt"
PSYCHIATRY = "Regionspsykiatrien"
SILKEBORG = "Silkeborg Kommune"
SKIVE = "Skive Kommune"
VIBORG = "Viborg Kommune"
GP = "Almen praksis"
PATIENTS = "Patient- og pårørenderepræsentanter"
MDC = "Medicinsk Diagnostisk Center"

PARTICIPANTS_002 = (
    Expected(HOSPITAL, "Brian Brøndum Møller", "hospitalsdirektør", role="medformand"),
    Expected(HOSPITAL, "Jens Peter Nielsen", "cheflæge", attendance=APOLOGIES),
    Expected(HOSPITAL, "Anne Dorthe Bjerrum", "chefsygeplejerske"),
    Expected(HOSPITAL, "Karen Rabens Kudsk", "cheflæge", attendance=APOLOGIES),
    Expected(HOSPITAL, "Leif P. Christensen", "økonomi- og planchef", attendance=APOLOGIES),
    Expected(HOSPITAL, "Katrine Gimm", "specialkonsulent", attendance=APOLOGIES),
    Expected(PSYCHIATRY, "Jakob Paludan", "lægefaglig direktør", attendance=APOLOGIES),
    Expected(PSYCHIATRY, "Dorthe Hilker Brodersen", "chefsygeplejerske"),
    Expected(PSYCHIATRY, "Anja Skaarup", "chefkonsulent"),
    Expected("Præhospitalet", "Dorthe Klith", "hospitalsdirektør"),
    Expected(SILKEBORG, "Lauge Clemmensen", "koncerndirektør"),
    Expected(SILKEBORG, "Malene Herbsleb", "sundheds- og omsorgschef"),
    Expected(
        SILKEBORG, "Kirsten Slumstrup", "Sektionsleder Social, psykiatri og rusmiddelsektionen"
    ),
    Expected(SILKEBORG, "Helena Vendelin Aebeloe", "udviklingskonsulent (barsel)"),
    Expected(SILKEBORG, "Maria Lange Kirkegaard", "udviklingskonsulent"),
    Expected(SKIVE, "Lars Harder", "social- og arbejdsmarkedsdirektør", attendance=APOLOGIES),
    Expected(SKIVE, "Trine Brøcker", "sundhedschef"),
    Expected(SKIVE, "Jan Bendix Jensen", "chef for omsorg og pleje", attendance=APOLOGIES),
    Expected(SKIVE, "Helle Trangbæk", "familiechef", attendance=APOLOGIES),
    Expected(SKIVE, "Sofie Gaaei Neergaard", "udviklingskonsulent", attendance=APOLOGIES),
    Expected(VIBORG, "Mette Andreassen", "direktør", role="medformand, mødeleder"),
    Expected(VIBORG, "Kristine Stange", "sundhedschef"),
    Expected(VIBORG, "Mette Kvist", "chefkonsulent", attendance=APOLOGIES),
    Expected(GP, "Jonas Hald", "praksiskoordinator"),
    Expected(GP, "Jane Gregersen", organisation="PLO Midt"),
    Expected(
        PATIENTS,
        "Trine Frøstrup",
        organisation="Scleroseforeningen, Danske Patienter",
        attendance=APOLOGIES,
    ),
    Expected(
        "Center for Planlagt Kirurgi", "Steffen Hansen", "forskningsassistent", guest_items=("4",)
    ),
    Expected("Midtjyllands kreds af apoteker", "Lars F. Nørgaard", "forperson", guest_items=("5",)),
    Expected(
        "Regionsapoteket", "Trine Bjerregård Madsen", "funktionsleder", guest_items=("5", "6")
    ),
    Expected(MDC, "Mette Krag Svendsen", "ledende terapeut", guest_items=("9",)),
    Expected(MDC, "Susan Ringkær Christensen", "ledende overlæge", guest_items=("9",)),
    Expected(
        "Norddjurs Kommune",
        "Charlotte Klitnæs",
        "leder sundhed og træning",
        attendance=Attendance.VIRTUAL,
        guest_items=("9",),
    ),
    Expected("Gæster", "Peter Krüger Bak", "apoteker i Skive", guest_items=("5",)),
    Expected("Gæster", "Tina Jobling", "kredskonsulent", guest_items=("5",)),
)

ORGANISATION_KINDS_002 = {
    HOSPITAL: OrganisationKind.HOSPITAL,
    PSYCHIATRY: OrganisationKind.HOSPITAL,
    "Præhospitalet": OrganisationKind.REGION,
    SILKEBORG: OrganisationKind.MUNICIPALITY,
    SKIVE: OrganisationKind.MUNICIPALITY,
    VIBORG: OrganisationKind.MUNICIPALITY,
    GP: OrganisationKind.GENERAL_PRACTICE,
    PATIENTS: OrganisationKind.PATIENT_REPRESENTATIVES,
    "Center for Planlagt Kirurgi": OrganisationKind.OTHER,
    "Midtjyllands kreds af apoteker": OrganisationKind.OTHER,
    "Regionsapoteket": OrganisationKind.REGION,
    MDC: OrganisationKind.OTHER,
    "Norddjurs Kommune": OrganisationKind.MUNICIPALITY,
    "Gæster": OrganisationKind.OTHER,
}

# number: (title, slot, presenter)
ITEMS_002: dict[str, tuple[str, str | None, str]] = {
    "1": ("Mødedeltagere", None, ""),
    "2": ("Velkomst og godkendelse af dagsorden", "11.00-11.05", ""),
    "3": ("Regeringens udspil til en sundhedsreform", "11.05-11.15", ""),
    "4": ("Resultater fra forskningsprojektet Animation på Tværs", "11.15-11.45", ""),
    "5": (
        "Dialog med apotekerne om samarbejdsperspektiver i det tværsektorielle "
        "sundhedssamarbejde i Midtklyngen",
        "11.45-12.15",
        "",
    ),
    "6": (
        "Status på det tværsektorielle projekt i Midtklyngen mhp. udbredelse af dosispakket "
        "medicin",
        "12.15-12.30",
        "",
    ),
    "7": ("Pause - frokost", "12.30-12.45", ""),
    "8": (
        "Samlet status på økonomi vedr. fælles klyngemidler og udmøntning af midler",
        "12.45-13.00",
        "",
    ),
    "9": (
        "Afrapportering og anbefalinger – optimering af tværsektorielle forløb patienter med "
        "rygsmerter - Det nationale ledelsesprogram i sundhedsvæsenet, hold 2",
        "13.00-13.30",
        "",
    ),
    "10": ("Orientering fra øvrige mødefora", "13.30-13.40", ""),
    "11": ("Godkendelse af mødeplan for klyngestyregruppen i 2025", "13.40-13.45", ""),
    "12": (
        "Implementering af den gode indlæggelse og udskrivelse på det psykiatriske område",
        "13.45-13.50",
        "Anja Skaarup",
    ),
    "13": ("Forslag til kommende punkter på klyngestyregruppemøde", "13.50-13.55", "alle"),
    "14": ("Evt.", "13.55-14.00", ""),
    "15": ("Skriftlige orienteringer", None, ""),
}

RECOMMENDATIONS_002: dict[str, tuple[str, ...]] = {
    "2": ("At klyngestyregruppen godkender dagsorden og punkter til under evt.",),
    "3": (
        "At klyngestyregruppen drøfter perspektiverne for klyngesamarbejdet i den kommende tid "
        "set i lyset af regeringens udspil til en sundhedsreform.",
    ),
    "4": (
        "At klyngestyregruppen tager orienteringen om resultater fra forskningsprojektet "
        "Animation på tværs til efterretning",
        "At klyngestyregruppen drøfter hvordan resultaterne kan omsættes til praksis",
        "At klyngestyregruppen tager stilling til, om der skal iværksættes konkrete tiltag, som "
        "kan understøtte spredning",
    ),
    "5": (
        "At klyngestyregruppen tager oplæg v. apotekerforeningen til efterretning",
        "At der er en gensidig drøftelse af samarbejdsperspektiver i det tværsektorielle "
        "sundhedssamarbejde i Midtklyngen",
        "At klyngestyregruppen tager stilling til eventuelle opfølgende tiltag/videre dialog",
    ),
    "6": (
        "At klyngestyregruppen tager orienteringen til efterretning",
        "At klyngestyregruppen drøfter og beslutter hvorvidt projektet skal igangsættes",
    ),
    "8": (
        "At klyngestyregruppen tager status på økonomi til efterretning",
        "At klyngestyregruppen godkender forlængelse af projekt vedr. etablering af "
        "samarbejdsmodel på børn og ungeområdet med 3 mdr. svarende til en udvidelse af budget "
        "på 200.000 kr.",
        "At klyngestyregruppen drøfter om der er særlige opmærksomhedspunkter ift. proces for "
        "udmøntning af fælles klyngemidler jf. Sagsfremstillingen.",
    ),
    "9": (
        "at klyngestyregruppen tager afrapporteringen til efterretning",
        "at klyngestyregruppen drøfter forbedringsteamets anbefalinger og giver "
        "opmærksomhedspunkter ift. det videre arbejde i Midtklyngen",
        "at Klyngestyregruppen beslutter om der skal iværksættes konkrete tiltag mhp. "
        "udbredelse af evt. anbefalinger",
    ),
    "10": (
        "At klyngestyregruppen tager orienteringen til efterretning",
        "At deltagerne kort orienterer hinanden om arbejdet i øvrige aktuelle tværsektorielle "
        "fora og arbejdsgrupper, såfremt der er er opmærksomhedspunkter ift. arbejdet i "
        "Midtklyngen",
        "At klyngestyregruppen beslutter, om orienteringerne giver anledning til opfølgning.",
    ),
    "11": (
        "At klyngestyregruppen godkender mødeplanen for 2025",
        "At klyngestyregruppen tager stilling til hvorvidt næste klyngestyregruppemøde den 29. "
        "november kl. 8.30-11.30 skal flyttes til den 6. december kl. 9.00-11.00.",
    ),
    "12": (
        "At klyngestyregruppen godkender, at de tre temagrupper får ansvar for at drøfte hvad "
        "implementeringen af den udvidede samarbejdsaftale om den gode indlæggelse og "
        "udskrivelse kalder på",
        "At Klyngestyregruppen beder temagrupperne vurdere, om der er behov en tværgående "
        "organisering til implementeringen, og i givet fald foreslår at; arbejdet forankres i "
        "den eksisterende ad-hoc arbejdsgruppe vedr. udarbejdelse af en pixi vedr. indlæggelser "
        "og udskrivelser, som suppleres med medlemmer fra børn og unge samt psykiatrien fra "
        "begge sektorer",
    ),
    "13": (
        "At Klyngestyregruppen drøfter punkter til kommende klyngestyregruppemøder og ønskede "
        "resultater heraf",
    ),
}

DECISIONS_002: dict[str, str] = {
    "1": (
        "Der var afbud fra Jens Peter Nielsen, Karen Raben Kudsk, Leif P. Christensen, Katrine "
        "Gimm, Jakob Paludan, Lars Harder, Jan Bendix Jensen, Helle Trangbæk, Sofie Gaaei "
        "Neergaard, Mette Kvist og Trine Frøstrup"
    ),
    "2": "Der var en kort præsentationsrunde og dagsorden for mødet blev godkendt.",
    "3": (
        "Mette Andreassen introducerede punktet. Ifølge udspillet lægges der op til, at den nye "
        "sundhedsreform implementeres fra 2027. Klyngestyregruppen besluttede, at regeringens "
        "udspil i udgangspunktet ikke giver anledning til at ændre i mødekadence og aktiviteter "
        "i Midtklyngen."
    ),
    "4": (
        "Steffen Hansen præsenterede resultaterne af forskningsprojektet Animation På Tværs "
        "samt anbefalinger på baggrund af projektet. Oplægget er vedlagt referatet.\n\n"
        "Forskningsprojektet blev iværksat for 5 år siden som det første Midtklyngeprojekt "
        "under klyngestyregruppen.\n\n"
        "På baggrund af oplægget blev det drøftet, hvordan resultaterne kan omsættes til "
        "praksis. Der var bl.a. en opmærksomhed på sårbarheder ift. om personer med fx anden "
        "etnisk baggrund potentielt kan have højere gavn af animationsfilm ift. "
        "informationsoptag (jf. at forskningsprojektet viste, at studier af animationsfilm "
        "primært er foretaget i mellem-/højindkomst lande).\n\n"
        "Kristine Stange orienterede om Viborg kommunes animationsstrategi, hvorunder at man "
        "ønsker at igangsætte fire nye projekter. Hun inviterede interesserede i Midtklyngen "
        "til at deltage i drøftelserne om projekterne."
    ),
    "5": (
        "Klyngestyregruppen tog oplægget til efterretning. Oplægget er vedlagt referatet\n\n"
        "I forlængelse af oplægget anbefalede apotekerne, at flere borgere kommer på "
        "dosispakket medicin, hvis de er egnet til det, og apotekerne deltager gerne i "
        "samarbejdsfora om udbredelse af dosispakket medicin. PLO beskrev nogle af de "
        "barrierer, der opleves i almen praksis for udbredelse af dosispakket medicin. Nogle "
        "af disse barrierer kunne afhjælpes, hvis medicin må ordineres generisk. Apotekerne "
        "var positive overfor dette forslag, der dog ikke er mulig inden for den nuværende "
        "lovgivning.\n\n"
        "Apotekernes brug og adgang til FMK blev drøftet. Apotekerne beskrev, at de som "
        "udgangspunkt arbejder med recepter og ikke i FMK. De har kun adgang til FMK med "
        "borgerens samtykke, eller hvis noget er patientusikkert.\n\n"
        "Restordreproblematik fylder meget, også på apotekerne. Mulige årsager til restordre "
        "blev drøftet, herunder at fastholdelse af priser i en længere periode muligvis ville "
        "medvirke til større medicinleverancer til Danmark og dermed færre restordre.\n\n"
        "Udfordringerne kan ikke løses lokalt, men skal løftes nationalt."
    ),
    "6": (
        "Malene indledte punktet med en opmærksomhed på, at der er stor forståelse for de "
        "barrierer, som primært almen praksis har ifm. dosispakket medicin. Silkeborg kommune "
        "bakker forsat op om et tværsektorielt projekt, men det er nødvendigt at alle aktører "
        "er med.\n\n"
        "PLO beskrev, at dosispakket medicin er til stor frustration i mange klinikker, "
        "herunder ifm. restordre. HE Midt supplerede med, at der fra hospitalsperspektiv "
        "opleves systemmæssige barrierer, som ikke kan løses lokalt i Midtklyngen.\n\n"
        "Det blev besluttet at:\n\n"
        "- Det tværsektorielle projekt igangsættes ikke, men man fastholder lokalt fokus på, at "
        "de borgere der er egnet, tilbydes at komme på dosispakket medicin.\n"
        "- Barriererne for at udbrede dosispakket medicin skal løftes videre, da de ikke kan "
        "løses i Midtklyngen. En af løsningerne kunne være generiske ordinationer. Jane "
        "kontakter PLO-Central mhp. at KL, PLO, regionerne og apotekerforeningen inddrages."
    ),
    "7": "",
    "8": (
        "Mette Andreassen indledte punktet.\n\n"
        "Ansøgningen om 0,2 mio.kr. til etablering af samarbejdsmodel på børn og ungeområdet "
        "blev godkendt.\n\n"
        "Der var enighed om at fastholde den procesplan, der fremgår af sagsfremstillingen, "
        "herunder at temagrupperne kommer med anbefalinger til hvilke projekter, som "
        "klyngestyregruppen på næstkommende møde skal tildele klyngemidler."
    ),
    "9": (
        "Charlotte Klitnæs, Mette Krag og Susanne Ringkær afrapporterede om "
        "forbedringstiltaget på ryg-området. Oplægget er vedlagt referatet.\n\n"
        "Formålet med initiativet var at optimere det tværsektorielle samarbejde omkring "
        "patienter med rygsmerter. Derfor oprettede forbedringstemaet bl.a. ’rygrøret’.\n\n"
        "Væsentlig pointer fra initiativet er:\n\n"
        "- Det er vigtigt med vidensdeling mellem sundhedsfaglig på tværs af organisationer og "
        "sektorer\n"
        "- Det var en fordel at almen praksis indgik\n"
        "- For at initiativet kunne lykkedes var det vigtigt med tydelig ledelsesopbakning\n\n"
        "Klyngestyregruppen drøftede forbedringstemaets afrapportering. PLO gjorde opmærksom "
        "på, at almen praksis i forvejen har mange rådgivningstelefoner tilsvarende ’rygrøret’, "
        "som de kan kontakte. Det kan derfor for nogle være vanskeligt at navigere i.\n\n"
        "Klyngestyregruppe anerkendte initiativet og bakker op om yderligere udbredelse."
    ),
    "10": (
        "Mette Andreassen orienterede om, at Sundhedsstyregruppen bakker op om en fælles model "
        "for implementering af det kommunale behandlingstilbud til børn og unge i mistrivsel."
        "\n\nDer blev ikke orienteret yderligere fra mødet i Sundhedstyregruppen."
    ),
    "11": (
        "Mødeplanen 2025 blev godkendt.\n\n"
        "Det blev ligeledes godkendt at næste møde i klyngestyregruppen flyttes til den 6. "
        "december kl. 9.00-11.00."
    ),
    "12": (
        "Anja Skaarup præsenterede punktet.\n\n"
        "Klyngestyregruppen bakkede op om den beskrevne proces, og indstillingerne blev "
        "godkendt."
    ),
    "13": (
        "Følgende emner blev foreslået til kommende møder:\n\n"
        "- IV-aftalen (formandskabet har efterfølgende bedt sekretariatet afklarer vinklen på "
        "emnet og på den baggrund vurdere, hvorvidt punktet i stedet bør behandles i "
        "temagruppen for voksne, somatik)\n"
        "- Kommende sundhedsreform\n"
        "- 72 timers behandlingsansvar (formandskabet har efterfølgende bedt sekretariatet "
        "afklarer vinklen på emnet)"
    ),
    "14": "Ingen punkter til eventuelt.",
    "15": "Der var ingen bemærkninger til orienteringen.",
}

ISM_URL = (
    "https://www.ism.dk/nyheder/2024/september/"
    "regeringen-vil-flytte-sundhedsvaesenet-taettere-paa-med-ny-reform"
)
ATTACHMENTS_002: dict[str, tuple[Attachment, ...]] = {
    "3": (Attachment(ISM_URL, ISM_URL),),
    "5": (
        Attachment(
            "Afrapportering fra arbejdsgruppen for apotekernes sundhedsydelser.pdf (ism.dk)"
        ),
    ),
    "10": (
        Attachment("Dagsordner og referater fra Sundhedsstyregruppen - Sundhedsaftalen (rm.dk)"),
    ),
    "12": (
        Attachment("Udvidet Samarbejdsaftale indlæggelse og udskrivelse"),
        Attachment("Huskekort Den Gode Indlæggelse og Udskrivelse"),
    ),
}


@pytest.fixture(scope="module")
def reference() -> ImportResult:
    return import_minutes(REFERENCE, start=MEETING_DAY)


@pytest.fixture(scope="module")
def pdf_text() -> ImportResult:
    return import_minutes(PDF_TEXT)


def _participants(meeting: Meeting) -> list[Expected]:
    found = []
    for delegation in meeting.delegations:
        for p in delegation.participants:
            organisation = p.person.organisation
            found.append(
                Expected(
                    delegation.organisation.name,
                    p.person.name,
                    p.person.title,
                    "" if organisation == delegation.organisation.name else organisation,
                    p.attendance,
                    p.role,
                    p.guest_items,
                )
            )
    return found


def _slot(text: str | None) -> TimeSlot | None:
    if text is None:
        return None
    start, end = (dt.datetime.strptime(part, "%H.%M").time() for part in text.split("-"))
    return TimeSlot(start, end)


def _check_002(result: ImportResult) -> None:
    """What reference 002 holds, whichever form it comes in."""
    meeting = result.meeting
    assert _participants(meeting) == list(PARTICIPANTS_002)
    kinds = {d.organisation.name: d.organisation.kind for d in meeting.delegations}
    assert kinds == ORGANISATION_KINDS_002
    assert meeting.agenda is not None
    items = meeting.agenda.items
    assert [item.number for item in items] == [str(n) for n in range(1, 16)]
    for item in items:
        title, slot, presenter = ITEMS_002[item.number]
        assert (item.title, item.slot, item.presenter) == (title, _slot(slot), presenter)
        assert item.recommendations == RECOMMENDATIONS_002.get(item.number, ())
        assert item.decision == DECISIONS_002[item.number], item.number
        assert item.attachments == ATTACHMENTS_002.get(item.number, ())
    assert [item.kind for item in items].count(AgendaItemKind.BREAK) == 1
    assert items[6].kind is AgendaItemKind.BREAK
    assert meeting.kind is MeetingKind.STEERING_GROUP
    assert (meeting.start, meeting.end) == (
        dt.datetime(2024, 9, 27, 11, 0),
        dt.datetime(2024, 9, 27, 14, 0),
    )
    assert meeting.agenda.start == dt.time(11, 0)


# -- reference 002 as text ------------------------------------------------------------------


def test_reference_002_yields_the_hand_checked_meeting(reference: ImportResult) -> None:
    _check_002(reference)


def test_reference_002_without_a_title_is_named_after_its_file(reference: ImportResult) -> None:
    meeting = reference.meeting
    assert meeting.title == "002 f7929607a731545b"
    assert meeting.id == "002-f7929607a731545b-2024-09-27"
    assert meeting.place == ""


def test_reference_002_reports_the_vacant_seat_and_nothing_else(reference: ImportResult) -> None:
    assert reference.unplaced == (
        Unplaced(
            Location("line", 47),
            "Vakance, Danske Patienter",
            "a vacant seat, not a person; left out of the participants",
        ),
    )
    assert reference.warnings == ()
    assert str(reference.unplaced[0]).startswith("line 47: Vakance, Danske Patienter (")


def test_reference_002_case_presentations(reference: ImportResult) -> None:
    assert reference.meeting.agenda is not None
    items = {item.number: item for item in reference.meeting.agenda.items}
    assert items["2"].case_presentation == (
        "Særlig velkommen til nye deltager i klyngestyregruppen, chefsygeplejerske i "
        "Regionspsykiatri Midt og Dorthe Klith, hospitalsdirektør Præhospitalet, samt kort "
        "præsentationsrunde.\n\n"
        "Det kan orienteres om at Ralph Jørgensen er trådt ud af Patientinddragelsesudvalget og "
        "dermed også klyngestyregruppen. Der er endnu ikke blevet udpeget en afløser for Ralph. "
        "Stillingen som cheflæge i Medicinsk Diagnostisk Center er i øjeblikket vakant."
    )
    # Bullets as "- " lines; a wrapped bullet is one line.
    assert items["3"].case_presentation.splitlines()[2:4] == [
        "- Reduktion fra 4 til 5 regioner og en reduktion i antallet af regionsrådsmedlemmer i "
        "Region Midtjylland",
        "- 17 sundhedsråd som faste udvalg under regionrådene med deltagelse af kommunale "
        "udvalgsformænd og regionsrådsmedlemmer. Regionen har flertal i sundhedsrådet. "
        "Sundhedsrådene skal varetage den umiddelbare forvaltning af regionens opgaver "
        "indenfor en sundhedsrådets geografiske område.",
    ]
    # The title repeated under item 6's heading is not part of its text; the footnotes' URLs
    # are joined across the line break that falls on a hyphen.
    case_6 = items["6"].case_presentation
    assert case_6.startswith("Den 3. maj 2024 godkendte Klyngestyregruppen")
    assert case_6.endswith(
        "[1] https://muusmann.com/artikel/dosispakkemedicin-kan-frigoere-op-til-900-aarsvaerk-"
        "i-kommunerne/\n\n[2] https://medcom.dk/projekter/dosisdispensering/"
    )
    # A line starting with a dash that only wraps a sentence is not a bullet; a numbered list
    # keeps its numbers; a heading-like line followed by text is its own paragraph.
    case_12 = items["12"].case_presentation
    assert "psykiatriske patient - uanset om patienten er barn" in case_12
    assert "\n\n1. Inddragelse af borgeren og de pårørende\n\n2. Et fælles ansvar" in case_12
    assert case_12.startswith("Baggrund\n\nSamarbejdsaftale om den gode indlæggelse")
    assert "\n\nHvad er nyt på det psykiatriske område\n\nDet er aftalt" in case_12
    # Item 8 repeats its heading in the middle of its text (a page break in the original).
    assert "Punkt 8" not in items["8"].case_presentation
    assert "5,9 mio. kr.\n\nAf disse projekter er Fælles forberedelse" in (
        items["8"].case_presentation
    )
    # A bullet whose first line is a heading and whose body follows as a paragraph.
    assert "- Afrunding af projektet\n\nEn vigtig del af projektets succes" in (
        items["8"].case_presentation
    )
    # Item 15 has no labels: the written orientation is its case presentation.
    assert items["15"].case_presentation.startswith(
        "Styrkelse af tværsektoriel patientsikkerhed via arbejdet i patientsikkerhedsklyngerne"
        "\n\nDer orienteres om at KSG formandskabet har besluttet:\n\n- at nedenstående"
    )
    assert items["15"].description == ""
    assert items["13"].case_presentation.startswith(
        "Der er noteret følgende emner til kommende dagsordener."
    )


def test_reference_002_is_imported_well_under_100_ms() -> None:
    import_minutes(REFERENCE, start=MEETING_DAY)
    times = []
    for _ in range(7):
        began = time.perf_counter()
        import_minutes(REFERENCE, start=MEETING_DAY)
        times.append(time.perf_counter() - began)
    # About 15 ms on an idle core; coverage's tracing (as in `nox -s tests`) doubles that.
    assert min(times) < (0.05 if sys.gettrace() is None else 0.1), times


# -- reference 002 as pdftotext extracts it from a PDF ----------------------------------------


def test_pdf_text_has_page_breaks_headers_and_hyphenation() -> None:
    text = PDF_TEXT.read_text(encoding="utf-8")
    assert text.count("\f") >= 15
    assert text.count("Referat – Klyngestyregruppen for Midtklyngen – 27. september 2024") >= 15
    assert "Side 3 af " in text
    # Lines broken inside a word, at a soft hyphen.
    assert "sundhedsi-\nnformation" in text


def test_pdf_text_yields_the_same_meeting(pdf_text: ImportResult) -> None:
    _check_002(pdf_text)


def test_pdf_text_takes_title_and_date_from_the_running_header(pdf_text: ImportResult) -> None:
    meeting = pdf_text.meeting
    assert meeting.title == "Klyngestyregruppen for Midtklyngen"
    assert meeting.id == "klyngestyregruppen-for-midtklyngen-2024-09-27"


def test_pdf_text_leaves_out_page_furniture_and_reports_it_once(pdf_text: ImportResult) -> None:
    reasons = [(u.location, u.text) for u in pdf_text.unplaced]
    assert reasons == [
        (Location("line", 61), "Side 1 af 20"),
        (Location("line", 83), "Vakance, Danske Patienter"),
    ]
    assert pdf_text.unplaced[0].reason == (
        "page header, footer or page number (on 20 pages); left out"
    )
    assert pdf_text.meeting.agenda is not None
    for item in pdf_text.meeting.agenda.items:
        for text in (item.case_presentation, item.decision, *item.recommendations):
            assert "Side " not in text
            assert "Referat –" not in text
    items = {item.number: item for item in pdf_text.meeting.agenda.items}
    # Hyphenated words are whole again; text split by a page break is one paragraph.
    assert "levere sundhedsinformation til borgere" in items["4"].case_presentation
    assert "Generelt forbedrede animationsfilmene borgernes evne til at huske" in (
        items["4"].case_presentation
    )


# -- a municipal committee's minutes ("1. Godkendelse af dagsorden") -------------------------


def test_municipal_layout() -> None:
    result = import_minutes(RANDERS)
    meeting = result.meeting
    assert meeting.title == "Randers Kommune – Kommunalt Lægeligt Udvalg"
    assert meeting.kind is MeetingKind.MUNICIPAL_GP_COMMITTEE
    assert (meeting.start, meeting.end) == (
        dt.datetime(2025, 3, 13, 16, 0),
        dt.datetime(2025, 3, 13, 18, 0),
    )
    assert meeting.place == "Randers Rådhus, Laksetorvet 1, mødelokale 2.14"
    assert meeting.id == "randers-kommune-kommunalt-lægeligt-udvalg-2025-03-13"
    assert _participants(meeting) == [
        Expected("Randers Kommune", "Anne-Mette Holm", "sundheds- og ældrechef", role="formand"),
        Expected("Randers Kommune", "Søren Vestergaard", "visitationschef", attendance=APOLOGIES),
        Expected("Randers Kommune", "Marianne Friis", "sekretariatet", role="referent"),
        Expected("PLO Randers", "Jens Kristian Lund", "praktiserende læge", role="næstformand"),
        Expected("PLO Randers", "Lise Bech Nørgaard", "praktiserende læge"),
        Expected("Øvrige deltagere", "Birgitte Aagaard", "praksiskonsulent", attendance=APOLOGIES),
    ]
    kinds = [d.organisation.kind for d in meeting.delegations]
    assert kinds == [
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.GENERAL_PRACTICE,
        OrganisationKind.OTHER,
    ]
    assert meeting.agenda is not None
    items = meeting.agenda.items
    assert [(i.number, i.title) for i in items] == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Opfølgning på referat fra sidste møde"),
        ("3", "Samarbejdsaftale om akutfunktionen"),
        ("4", "Ydelse 0124 – lægefaglig vurdering på akutfunktion"),
        ("5", "Eventuelt"),
    ]
    assert all(item.slot is None for item in items)
    assert items[0].decision == "Dagsordenen blev godkendt."
    assert items[0].case_presentation == "Sagsnr.: 29.30.00-P35-1-25"
    # A numbered list in the text is not a run of agenda items, even where its next number
    # is the next item's.
    assert items[1].case_presentation == (
        "På mødet den 28. november 2024 aftalte udvalget tre opfølgningspunkter:\n\n"
        "1. Kommunen undersøger ventetiden på hjemmesygepleje efter udskrivelse.\n\n"
        "2. PLO Randers udpeger en kontaktlæge til akutfunktionen.\n\n"
        "3. Sekretariatet indkalder til temamøde om medicinhåndtering.\n\n"
        "Ventetiden er nu opgjort, og PLO Randers har udpeget Lise Bech Nørgaard som "
        "kontaktlæge."
    )
    assert items[1].recommendations == (
        "Sekretariatet indstiller, at udvalget tager status til efterretning.",
    )
    assert items[1].decision == (
        "Status blev taget til efterretning. Temamødet om medicinhåndtering holdes den 22. maj "
        "2025."
    )
    assert items[2].case_presentation == (
        "Akutfunktionen i Randers Kommune har siden 2023 modtaget henvisninger fra praktiserende "
        "læger, lægevagten og hospitalet. Et udkast til en samarbejdsaftale beskriver, hvordan "
        "lægen og akutsygeplejersken aftaler ansvaret for patienten, og hvordan akutfunktionen "
        "giver besked tilbage til lægen, når et forløb slutter.\n\n"
        "Økonomi\n\nAftalen har ingen udgifter ud over den eksisterende drift."
    )
    assert items[2].recommendations == (
        "Forvaltningen indstiller, at udkastet til samarbejdsaftale godkendes",
        "Forvaltningen indstiller, at aftalen evalueres efter et år",
    )
    assert items[2].decision == (
        "Godkendt med den ændring, at aftalen evalueres efter seks måneder.\n\n"
        "Fraværende: Søren Vestergaard"
    )
    assert items[2].attachments == (
        Attachment("Udkast til samarbejdsaftale om akutfunktionen (dok.nr. 123456/25)"),
        Attachment("Oversigt over henvendelser til akutfunktionen 2024"),
    )
    assert items[3].recommendations == (
        "Det indstilles, at udvalget drøfter, hvordan brugen af ydelsen kan udbredes.",
    )
    assert items[3].attachments == (
        Attachment("Vejledning om ydelse 0124", "https://www.laeger.dk/vejledning-ydelse-0124"),
    )
    assert items[4].decision == "Intet."
    assert result.unplaced == ()
    assert result.warnings == ()


# -- notes exported from Markdown: headings, bullets, times before the titles -----------------


def test_markdown_notes_with_an_overview_that_times_the_items() -> None:
    result = import_minutes(AALBORG)
    meeting = result.meeting
    assert meeting.title == "Klyngemøde i Kvalitetsklynge Aalborg Øst"
    assert meeting.kind is MeetingKind.CLUSTER_MEETING
    assert (meeting.start, meeting.end) == (
        dt.datetime(2025, 1, 15, 16, 0),
        dt.datetime(2025, 1, 15, 18, 30),
    )
    assert meeting.place == "Lægehuset Hasseris, mødelokalet på 1. sal"
    cluster = "Kvalitetsklynge Aalborg Øst"
    assert _participants(meeting) == [
        Expected(cluster, "Mette Juul", "praktiserende læge", role="klyngekoordinator, mødeleder"),
        Expected(cluster, "Ole Brandt", "praktiserende læge", attendance=APOLOGIES),
        Expected(cluster, "Ida Holm", "praktiserende læge", attendance=APOLOGIES),
        Expected(cluster, "Hanne Krogh", "praktiserende læge"),
        Expected("Aalborg Kommune", "Sara Lindholm", "leder af akutteamet"),
        # Named first as the referent, then listed under the municipality.
        Expected("Aalborg Kommune", "Peter Dahl", "udviklingskonsulent", role="referent"),
        Expected("KiAP", "Karin Nystrøm", "konsulent", guest_items=("2", "3")),
    ]
    guest = meeting.delegations[-1].participants[0].person
    assert guest.email == "kn@kiap.dk"
    assert [d.organisation.kind for d in meeting.delegations] == [
        OrganisationKind.CLUSTER,
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.KIAP,
    ]
    assert meeting.agenda is not None
    items = meeting.agenda.items
    assert [(i.number, i.title, str(i.slot), i.purpose) for i in items] == [
        ("1", "Velkomst og formål", "16.00-16.15", None),
        ("2", "Resultater fra spørgeskemaet", "16.15-17.00", ItemPurpose.ORIENTATION),
        ("3", "Ydelsesdata for 0124", "17.00-17.30", None),
        ("4", "Fælles dialog", "17.30-18.15", ItemPurpose.DISCUSSION),
        ("5", "Aftaler og opfølgning", "18.15-18.30", None),
    ]
    assert items[0].case_presentation == (
        "Mette Juul bød velkommen og gennemgik formålet med mødet."
    )
    assert items[1].case_presentation == (
        "19 af klyngens 24 læger har svaret. Karin Nystrøm gennemgik resultaterne."
    )
    assert items[1].decision == (
        "- Lægerne kender akutteamet, men færre ved, hvornår teamet kan tage imod nye "
        "patienter.\n"
        "- Kommunen undrede sig over, at kun få læger bruger den direkte telefonlinje."
    )
    assert items[2].decision == (
        "Klyngen har brugt ydelse 0124 31 gange i 2024, mindre end regionen i gennemsnit. "
        "Forskellen drøftes igen, når der er nye data."
    )
    assert items[3].recommendations == (
        "At klyngen og kommunen aftaler, hvordan lægen får besked, når et forløb i akutteamet "
        "slutter.",
    )
    assert items[3].decision == (
        "- Akutteamet sender en korrespondancemeddelelse til lægen, når et forløb slutter.\n"
        "- Lægerne ringer til akutteamets koordinator, hvis de er i tvivl om et forløb.\n\n"
        "Opfølgning: Sara Lindholm sender kontaktlisten til klyngen senest 1. februar 2025."
    )
    assert items[4].decision == "Klyngen bestiller en opfølgningspakke fra KiAP til januar 2026."
    assert items[4].attachments == (
        Attachment("Præsentation af spørgeskemaresultaterne"),
        Attachment("Aalborg Kommunes pjece om akutteamet", "https://www.aalborg.dk/akutteam"),
    )
    assert result.unplaced == ()
    assert result.warnings == ()


# -- Word documents: automatic numbering, tables, hyperlinks, tracked changes ----------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK = f"{R_NS}/hyperlink"
SYMBOL_BULLET = "\uf0b7"


def _run(text: str, *, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _p(*runs: str, style: str = "", num: tuple[int, int] | None = None) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num is not None:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr>{''.join(runs)}</w:p>"


def _text(text: str, **kwargs: object) -> str:
    return _p(_run(text), **kwargs)  # type: ignore[arg-type]


def _bold(text: str) -> str:
    return _p(_run(text, bold=True))


def _table(rows: list[list[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{_text(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def _level(ilvl: int, fmt: str, text: str, start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{escape(text)}"/></w:lvl>'
    )


def _numbering(abstracts: dict[int, str], nums: dict[int, tuple[int, int | None]]) -> str:
    """Abstract lists by id, and lists by id as (abstract id, level 0 start override)."""
    body = "".join(
        f'<w:abstractNum w:abstractNumId="{ident}">{levels}</w:abstractNum>'
        for ident, levels in abstracts.items()
    )
    for ident, (abstract, restart) in nums.items():
        override = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart}"/></w:lvlOverride>'
            if restart is not None
            else ""
        )
        body += f'<w:num w:numId="{ident}"><w:abstractNumId w:val="{abstract}"/>{override}</w:num>'
    return f'<w:numbering xmlns:w="{W_NS}">{body}</w:numbering>'


def _styles(numbered_headings: bool) -> str:
    def heading(level: int) -> str:
        numbering = (
            f'<w:pPr><w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            if numbered_headings
            else ""
        )
        return (
            f'<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name '
            f'w:val="heading {level}"/><w:basedOn w:val="Normal"/>{numbering}'
            f"<w:rPr><w:b/></w:rPr></w:style>"
        )

    return (
        f'<w:styles xmlns:w="{W_NS}">'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
        f"{heading(1)}{heading(2)}</w:styles>"
    )


def write_docx(
    path: Path, body: list[str], numbering: str, styles: str, links: dict[str, str]
) -> None:
    """A minimal Word document, written as the XML parts Word reads."""
    rels = "".join(
        f'<Relationship Id="{ident}" Type="{HYPERLINK}" Target="{escape(url)}" '
        'TargetMode="External"/>'
        for ident, url in links.items()
    )
    document = (
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{"".join(body)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{main}.styles+xml"/>'
            f'<Override PartName="/word/numbering.xml" ContentType="{main}.numbering+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" '
            f'Type="{R_NS}/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/_rels/document.xml.rels": (
            f'<Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rIdStyles" Type="{R_NS}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rIdNumbering" Type="{R_NS}/numbering" Target="numbering.xml"/>'
            f"{rels}</Relationships>"
        ),
        "word/document.xml": document,
        "word/styles.xml": styles,
        "word/numbering.xml": numbering,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)


PAMPHLET = "https://www.kk.dk/akutfunktion"
PACKAGE = "https://kiap.dk/klyngepakker/akutfunktioner"


def write_cluster_meeting_docx(path: Path) -> None:
    """Minutes of a cluster meeting in Word: headings numbered by their style ("1.", and
    "3.1" one level down), bullets, two lists numbered "1)" of which the second restarts,
    a participants table, hyperlinks (a relationship and a field), tracked changes."""
    headings = _level(0, "decimal", "%1.") + _level(1, "decimal", "%1.%2")
    bullets = _level(0, "bullet", SYMBOL_BULLET) + _level(1, "bullet", "o")
    numbered = _level(0, "decimal", "%1)")
    numbering = _numbering(
        {0: headings, 1: bullets, 2: numbered},
        {1: (0, None), 2: (1, None), 3: (2, None), 4: (2, 1)},
    )
    field_link = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> HYPERLINK "{PACKAGE}" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _run("KiAP's klyngepakke om akutfunktioner")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = [
        _text("Referat af klyngemøde om kommunale akutfunktioner", style="Title"),  # 1
        _text("Klynge Nørrebro og Københavns Kommune"),
        _text("Dato: Onsdag den 9. april 2025"),
        _text("Tid: kl. 16.00-18.30"),
        _text("Sted: Lægehuset Nørrebro, Fælledvej 12, 2200 København N"),  # 5
        _text("Journalnummer: KIAP-2025-0042"),  # 6: not understood
        _p(),
        _bold("Deltagere"),  # 8
        _table(
            [
                ["Navn", "Titel", "Organisation"],  # 9-11
                [
                    "Mette Juul",
                    "praktiserende læge, klyngekoordinator (mødeleder)",
                    "Klynge Nørrebro",
                ],  # 12-14
                ["Ole Brandt", "praktiserende læge", "Klynge Nørrebro"],  # 15-17
                ["Hanne Krogh", "praktiserende læge", "Klynge Nørrebro"],  # 18-20
                ["Sara Lindholm", "leder af akutfunktionen", "Københavns Kommune"],  # 21-23
                ["Peter Dahl", "sygeplejerske (referent)", "Københavns Kommune"],  # 24-26
            ]
        ),
        _text("Afbud: Ole Brandt"),  # 27
        _text("Gæst: Karin Nystrøm, konsulent, KiAP (pkt. 2 og 3)"),
        _text("Velkomst og præsentation (kl. 16.00-16.10)", style="Heading1"),
        _text("Til orientering"),  # 30
        _p(_run("Referat: ", bold=True), _run("Mette Juul bød velkommen.")),
        _text(
            "Resultater fra spørgeskemaundersøgelsen (kl. 16.10-16.40) v. Karin Nystrøm",
            style="Heading1",
        ),
        _bold("Sagsfremstilling"),
        _text("23 af klyngens 31 læger besvarede spørgeskemaet. Hovedresultaterne var:"),
        _text("De fleste kender akutfunktionens telefonnummer.", num=(2, 0)),  # 35
        _text("Færre ved, hvornår akutfunktionen kan tage nye patienter.", num=(2, 0)),
        _text("Især om aftenen og i weekenden.", num=(2, 1)),
        _bold("Beslutning"),
        _text("Resultaterne indgår i den fælles opfølgning."),
        _text("Ydelsesdata for ydelse 0124 (kl. 16.40-17.00)", style="Heading1"),  # 40
        _bold("Sagsfremstilling:"),
        _text("Data viser tre forhold:"),
        _text("Klyngen har brugt ydelsen 48 gange i 2024.", num=(3, 0)),
        _text("Tre praksis står for to tredjedele af brugen.", num=(3, 0)),
        _text("Brugen er steget siden 2023.", num=(3, 0)),  # 45
        _text("Klyngens brug sammenlignet med regionen", style="Heading2"),
        _text("Klyngen ligger over gennemsnittet for Region Hovedstaden."),
        _p(_run("Beslutning: ", bold=True), _run("Data gennemgås igen ved opfølgningen.")),
        _text("Pause (kl. 17.00-17.15)", style="Heading1"),
        _text("Fælles dialog om samarbejdet (kl. 17.15-18.15)", style="Heading1"),  # 50
        _bold("Indstilling"),
        _text("At klyngen og kommunen aftaler, hvordan lægen får besked.", num=(2, 0)),
        _text("At aftalerne følges op om et år.", num=(2, 0)),
        _bold("Beslutning"),
        _text("Det blev aftalt, at:"),  # 55
        _text("Akutfunktionen sender besked, når et forløb slutter.", num=(4, 0)),
        _text("Lægerne ringer til akutfunktionens koordinator ved tvivl.", num=(4, 0)),
        _bold("Bilag"),
        _p(
            f'<w:hyperlink r:id="rIdPamphlet">{_run("Kommunens pjece om akutfunktionen")}'
            "</w:hyperlink>"
        ),
        _p(field_link),  # 60
        _text("Evaluering og næste møde (kl. 18.15-18.30)", style="Heading1"),
        _p(
            _run("Beslutning: ", bold=True),
            '<w:del w:id="1" w:author="x"><w:r><w:delText>Aftales senere.</w:delText></w:r>'
            "</w:del>",
            f'<w:ins w:id="2" w:author="x">{_run("Næste møde holdes den 8. april 2026.")}</w:ins>',
        ),
    ]
    write_docx(path, body, numbering, _styles(True), {"rIdPamphlet": PAMPHLET})


@pytest.fixture(scope="module")
def cluster_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "klyngemoede.docx"
    write_cluster_meeting_docx(path)
    return path


def test_docx_items_come_from_word_numbering(cluster_docx: Path) -> None:
    result = import_minutes(cluster_docx)
    meeting = result.meeting
    assert meeting.title == (
        "Klyngemøde om kommunale akutfunktioner – Klynge Nørrebro og Københavns Kommune"
    )
    assert meeting.kind is MeetingKind.CLUSTER_MEETING
    assert meeting.id == "klyngemøde-om-kommunale-akutfunktioner-klynge-nørrebro-og-2025-04-09"
    assert (meeting.start, meeting.end) == (
        dt.datetime(2025, 4, 9, 16, 0),
        dt.datetime(2025, 4, 9, 18, 30),
    )
    assert meeting.place == "Lægehuset Nørrebro, Fælledvej 12, 2200 København N"
    assert meeting.agenda is not None
    items = meeting.agenda.items
    assert [(i.number, i.title, str(i.slot)) for i in items] == [
        ("1", "Velkomst og præsentation", "16.00-16.10"),
        ("2", "Resultater fra spørgeskemaundersøgelsen", "16.10-16.40"),
        ("3", "Ydelsesdata for ydelse 0124", "16.40-17.00"),
        ("4", "Pause", "17.00-17.15"),
        ("5", "Fælles dialog om samarbejdet", "17.15-18.15"),
        ("6", "Evaluering og næste møde", "18.15-18.30"),
    ]
    first, second, third, pause, dialogue, last = items
    assert first.purpose is ItemPurpose.ORIENTATION
    assert first.decision == "Mette Juul bød velkommen."
    assert second.presenter == "Karin Nystrøm"
    assert second.case_presentation == (
        "23 af klyngens 31 læger besvarede spørgeskemaet. Hovedresultaterne var:\n\n"
        "- De fleste kender akutfunktionens telefonnummer.\n"
        "- Færre ved, hvornår akutfunktionen kan tage nye patienter.\n"
        "- Især om aftenen og i weekenden."
    )
    assert second.decision == "Resultaterne indgår i den fælles opfølgning."
    # "1)"-"3)" and the level-2 heading "3.1" exist only as Word numbering.
    assert third.case_presentation == (
        "Data viser tre forhold:\n\n"
        "1) Klyngen har brugt ydelsen 48 gange i 2024.\n\n"
        "2) Tre praksis står for to tredjedele af brugen.\n\n"
        "3) Brugen er steget siden 2023.\n\n"
        "3.1 Klyngens brug sammenlignet med regionen\n\n"
        "Klyngen ligger over gennemsnittet for Region Hovedstaden."
    )
    assert third.decision == "Data gennemgås igen ved opfølgningen."
    assert pause.kind is AgendaItemKind.BREAK
    assert dialogue.recommendations == (
        "At klyngen og kommunen aftaler, hvordan lægen får besked.",
        "At aftalerne følges op om et år.",
    )
    # The second "1)" list restarts (a start override), it does not go on from "3)".
    assert dialogue.decision == (
        "Det blev aftalt, at:\n\n"
        "1) Akutfunktionen sender besked, når et forløb slutter.\n\n"
        "2) Lægerne ringer til akutfunktionens koordinator ved tvivl."
    )
    assert dialogue.attachments == (
        Attachment("Kommunens pjece om akutfunktionen", PAMPHLET),
        Attachment("KiAP's klyngepakke om akutfunktioner", PACKAGE),
    )
    # Tracked changes: the insertion counts, the deletion does not.
    assert last.decision == "Næste møde holdes den 8. april 2026."
    assert result.unplaced == (
        Unplaced(
            Location("paragraph", 6),
            "Journalnummer: KIAP-2025-0042",
            "before the first agenda item and not a title, date, time, place or participant list",
        ),
    )


def test_docx_participants_from_a_table(cluster_docx: Path) -> None:
    meeting = import_minutes(cluster_docx).meeting
    assert _participants(meeting) == [
        Expected(
            "Klynge Nørrebro",
            "Mette Juul",
            "praktiserende læge, klyngekoordinator",
            role="mødeleder",
        ),
        Expected("Klynge Nørrebro", "Ole Brandt", "praktiserende læge", attendance=APOLOGIES),
        Expected("Klynge Nørrebro", "Hanne Krogh", "praktiserende læge"),
        Expected("Københavns Kommune", "Sara Lindholm", "leder af akutfunktionen"),
        Expected("Københavns Kommune", "Peter Dahl", "sygeplejerske", role="referent"),
        Expected("KiAP", "Karin Nystrøm", "konsulent", guest_items=("2", "3")),
    ]
    kinds = [d.organisation.kind for d in meeting.delegations]
    assert kinds == [OrganisationKind.CLUSTER, OrganisationKind.MUNICIPALITY, OrganisationKind.KIAP]


def write_pre_meeting_docx(path: Path) -> None:
    """Items numbered "Punkt 1:" by Word, where the second list of the same definition goes
    on counting, and a level-1 list under each item restarts after every item."""
    numbering = _numbering(
        {0: _level(0, "decimal", "Punkt %1:") + _level(1, "lowerLetter", "%2)")},
        {7: (0, None), 8: (0, None)},
    )
    body = [
        _text("Referat fra formøde 2. juni 2025 kl. 15-16"),
        _text("Deltagere: Ida Holm (ordstyrer) og Bo Ravn"),
        _text("Velkomst", num=(7, 0)),
        _text("Gennemgang af programmet", num=(8, 0)),
        _text("Indstilling"),
        _text("programmet godkendes", num=(7, 1)),
        _text("materialet sendes ud", num=(7, 1)),
        _text("Beslutning: Godkendt."),
        _text("Eventuelt", num=(7, 0)),
        _text("Indstilling"),
        _text("intet", num=(7, 1)),
    ]
    write_docx(path, body, numbering, _styles(False), {})


def test_docx_punkt_headings_from_numbering(tmp_path: Path) -> None:
    path = tmp_path / "formoede.docx"
    write_pre_meeting_docx(path)
    result = import_minutes(path)
    meeting = result.meeting
    assert meeting.title == "Formøde"
    assert (meeting.start, meeting.end) == (
        dt.datetime(2025, 6, 2, 15, 0),
        dt.datetime(2025, 6, 2, 16, 0),
    )
    assert meeting.agenda is not None
    assert [(i.number, i.title) for i in meeting.agenda.items] == [
        ("1", "Velkomst"),
        ("2", "Gennemgang af programmet"),
        ("3", "Eventuelt"),
    ]
    second, third = meeting.agenda.items[1:]
    assert second.recommendations == ("programmet godkendes", "materialet sendes ud")
    assert second.decision == "Godkendt."
    assert third.recommendations == ("intet",)
    assert _participants(meeting) == [
        Expected("Deltagere", "Ida Holm", role="ordstyrer"),
        Expected("Deltagere", "Bo Ravn"),
    ]


@pytest.mark.render
def test_libreoffice_shows_the_numbers_the_importer_recovers(tmp_path: Path) -> None:
    """LibreOffice, reading the same .docx files, numbers their paragraphs as the importer."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    write_cluster_meeting_docx(tmp_path / "klyngemoede.docx")
    write_pre_meeting_docx(tmp_path / "formoede.docx")
    sources = [str(tmp_path / "klyngemoede.docx"), str(tmp_path / "formoede.docx")]
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path), *sources],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shown = [
        " ".join(line.split())
        for name in ("klyngemoede.txt", "formoede.txt")
        for line in (tmp_path / name).read_text(encoding="utf-8-sig").splitlines()
    ]
    for expected in (
        "1. Velkomst og præsentation (kl. 16.00-16.10)",
        "3. Ydelsesdata for ydelse 0124 (kl. 16.40-17.00)",
        "3.1 Klyngens brug sammenlignet med regionen",
        "3) Brugen er steget siden 2023.",
        "1) Akutfunktionen sender besked, når et forløb slutter.",
        "6. Evaluering og næste møde (kl. 18.15-18.30)",
        "Punkt 2: Gennemgang af programmet",
        "b) materialet sendes ud",
        "Punkt 3: Eventuelt",
        "a) intet",
    ):
        assert expected in shown, expected


# -- bad input ------------------------------------------------------------------------------


def test_minutes_without_items_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "notat.txt"
    path.write_text("Notat om akutfunktionen\n\nDer er ingen dagsorden her.\n", encoding="utf-8")
    with pytest.raises(MinutesImportError, match=r"notat\.txt: no agenda items found") as caught:
        import_minutes(path)
    assert isinstance(caught.value, KlyngepakkeError)
    assert "Nothing was imported" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notat.txt"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("referat.pdf", b"%PDF-1.7", r"referat\.pdf: cannot read \.pdf files.*pdftotext"),
        ("referat.docx", b"not a zip", r"referat\.docx: not a readable \.docx file"),
        ("referat.txt", "Punkt 1: A\x00".encode("utf-16-le"), r"referat\.txt: binary data"),
    ],
)
def test_unreadable_files_are_refused(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MinutesImportError, match=message):
        import_minutes(path)


def test_a_docx_without_a_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tom.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/styles.xml", "<x/>")
    with pytest.raises(MinutesImportError, match=r"tom\.docx: not a Word document"):
        import_minutes(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MinutesImportError, match=r"findes-ikke\.txt: No such file"):
        import_minutes(tmp_path / "findes-ikke.txt")


def test_minutes_without_a_date_need_one(tmp_path: Path) -> None:
    path = tmp_path / "referat.txt"
    path.write_text("Punkt 1: Velkomst (kl. 10.00-10.10)\n", encoding="utf-8")
    with pytest.raises(MinutesImportError, match=r"referat\.txt: the minutes give no meeting date"):
        import_minutes(path)
    assert import_minutes(path, start=dt.date(2025, 1, 6)).meeting.start == dt.datetime(
        2025, 1, 6, 10, 0
    )


# -- arguments, file names, encodings -------------------------------------------------------


def test_arguments_override_what_the_text_says() -> None:
    result = import_minutes(
        RANDERS,
        title="KLU marts",
        start=dt.datetime(2025, 3, 14, 15, 30),
        end=dt.datetime(2025, 3, 14, 19, 0),
        place="Online",
        kind=MeetingKind.OTHER,
        meeting_id="klu-2025-1",
    )
    meeting = result.meeting
    assert (meeting.id, meeting.title, meeting.place, meeting.kind) == (
        "klu-2025-1",
        "KLU marts",
        "Online",
        MeetingKind.OTHER,
    )
    assert (meeting.start, meeting.end) == (
        dt.datetime(2025, 3, 14, 15, 30),
        dt.datetime(2025, 3, 14, 19, 0),
    )


def test_date_and_title_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "referat_klyngemoede_2025-02-04.txt"
    path.write_text(
        "1. Velkomst\n\n2. Data fra klyngen\n\nBeslutning: Taget til efterretning.\n",
        encoding="utf-8",
    )
    result = import_minutes(path)
    meeting = result.meeting
    assert meeting.title == "Referat klyngemoede"
    assert meeting.start == dt.datetime(2025, 2, 4, 0, 0)
    assert meeting.end == dt.datetime(2025, 2, 5, 0, 0)
    assert result.warnings == (
        "no clock times in the minutes; the meeting starts at 00.00",
        "no end time in the minutes; the meeting is taken to last all day",
    )


def test_windows_text_with_crlf_and_tabs(tmp_path: Path) -> None:
    text = (
        "Referat\r\nMødedato: 05.11.2024\r\n\r\n"
        "Punkt 1:\tGodkendelse af dagsorden kl. 9.00 - 9.10\r\n\r\nBeslutning:\tGodkendt.\r\n"
        "\r\nPunkt 2: Økonomi (09.10-09.40)\r\n\r\nReferat\r\nBudgettet blev drøftet.\r\n"
    )
    path = tmp_path / "referat.txt"
    path.write_bytes(text.encode("cp1252"))
    meeting = import_minutes(path).meeting
    assert meeting.start == dt.datetime(2024, 11, 5, 9, 0)
    assert meeting.agenda is not None
    first, second = meeting.agenda.items
    assert (first.title, str(first.slot), first.decision) == (
        "Godkendelse af dagsorden",
        "09.00-09.10",
        "Godkendt.",
    )
    assert (second.title, str(second.slot), second.decision) == (
        "Økonomi",
        "09.10-09.40",
        "Budgettet blev drøftet.",
    )


# -- layouts in small pieces ----------------------------------------------------------------


def _items(tmp_path: Path, text: str) -> ImportResult:
    path = tmp_path / "referat-2025-05-20.txt"
    path.write_text(text, encoding="utf-8")
    return import_minutes(path)


@pytest.mark.parametrize(
    ("heading", "title", "slot", "presenter"),
    [
        ("Punkt 3: Budget (kl. 11.05-11.15)", "Budget", "11.05-11.15", ""),
        ("Punkt 3: Budget (11.05-11.15)", "Budget", "11.05-11.15", ""),
        ("Punkt 3: Budget kl. 11.05 - 11.15", "Budget", "11.05-11.15", ""),
        ("Punkt 3: Budget (kl. 11:05–11:15) v. Ida Holm", "Budget", "11.05-11.15", "Ida Holm"),
        (
            "Punkt 3: Status på budget for\nåret 2025\n(kl. 11.05-11.15)",
            "Status på budget for året 2025",
            "11.05-11.15",
            "",
        ),
        ("Punkt 3. Budget v. Ida Holm", "Budget", None, "Ida Holm"),
        ("Punkt 3: Budget (kl. 11.05-11.15)\nv. Ida Holm", "Budget", "11.05-11.15", "Ida Holm"),
        ("Punkt 3: Budget 2024-2025", "Budget 2024-2025", None, ""),
    ],
)
def test_item_headings(
    tmp_path: Path, heading: str, title: str, slot: str | None, presenter: str
) -> None:
    result = _items(tmp_path, f"Punkt 2: Velkomst\n\n{heading}\n\nBeslutning: Godkendt.\n")
    assert result.meeting.agenda is not None
    item = result.meeting.agenda.items[1]
    assert (item.title, item.slot, item.presenter) == (title, _slot(slot), presenter)
    assert item.decision == "Godkendt."


def test_purpose_from_the_heading_and_start_times_that_end_at_the_next(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "1. Velkomst kl. 16.00\n\n2. Budget 2026 – til beslutning kl. 16.10\n\n"
        "3. Nyt fra kommunen (til orientering) kl. 16.40\n",
    )
    assert result.meeting.agenda is not None
    items = result.meeting.agenda.items
    assert [(i.title, i.purpose, str(i.slot)) for i in items] == [
        ("Velkomst", None, "16.00-16.10"),
        ("Budget 2026", ItemPurpose.DECISION, "16.10-16.40"),
        ("Nyt fra kommunen", ItemPurpose.ORIENTATION, "None"),
    ]


def test_an_overview_before_the_items_lends_them_times(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Dagsorden\n1. Velkomst (16.00-16.15)\n2. Data (16.15-17.00)\n\n"
        "1. Velkomst\nBeslutning: Ingen bemærkninger.\n\n2. Data\nReferat: Drøftet.\n",
    )
    assert result.meeting.agenda is not None
    items = result.meeting.agenda.items
    assert [(i.title, str(i.slot), i.decision) for i in items] == [
        ("Velkomst", "16.00-16.15", "Ingen bemærkninger."),
        ("Data", "16.15-17.00", "Drøftet."),
    ]
    assert result.unplaced == ()


def test_decisions_gathered_after_the_items_go_to_their_items(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Punkt 1: Velkomst\nPunkt 2: Budget\n\nSagsfremstilling\nForslag til budget.\n\n"
        "Beslutning for punkt 1: Velkomst\nIngen bemærkninger.\n\n"
        "Beslutning for punkt 2: Budget\nGodkendt.\n",
    )
    assert result.meeting.agenda is not None
    first, second = result.meeting.agenda.items
    assert (first.decision, second.decision) == ("Ingen bemærkninger.", "Godkendt.")
    assert second.case_presentation == "Forslag til budget."


def test_participants_before_the_items(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Referat\nDeltagere: Anne Hansen (formand), Bo Jensen, praktiserende læge, og Carl "
        "Madsen\nAfbud: Dorte Lund\nFraværende: Bo Jensen\nReferent: Eva Berg\n"
        "Virtuel deltagelse: Carl Madsen\nSagsnr. 12345\n\n1. Velkomst\n",
    )
    assert _participants(result.meeting) == [
        Expected("Deltagere", "Anne Hansen", role="formand"),
        Expected("Deltagere", "Bo Jensen", "praktiserende læge", attendance=Attendance.ABSENT),
        Expected("Deltagere", "Carl Madsen", attendance=Attendance.VIRTUAL),
        Expected("Deltagere", "Dorte Lund", attendance=APOLOGIES),
        Expected("Deltagere", "Eva Berg", role="referent"),
    ]
    assert result.unplaced == (
        Unplaced(
            Location("line", 7),
            "Sagsnr. 12345",
            "before the first agenda item and not a title, date, time, place or participant list",
        ),
    )


def test_guest_items_and_unknown_items(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Punkt 1: Deltagere\n\nGæster\nIda Holm, konsulent, Danske Regioner (pkt. 2-3)\n"
        "Bo Ravn, læge (pkt. 2 og 9)\n\nPunkt 2: A\n\nPunkt 3: B\n",
    )
    participants = _participants(result.meeting)
    assert participants == [
        Expected("Danske Regioner", "Ida Holm", "konsulent", guest_items=("2", "3")),
        Expected("Gæster", "Bo Ravn", "læge", guest_items=("2",)),
    ]
    assert "Bo Ravn: a guest at item 9, which the minutes do not have" in result.warnings


def test_overlapping_times_are_dropped_with_a_warning(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Punkt 1: A (kl. 10.00-10.30)\n\nPunkt 2: B (kl. 10.15-10.45)\n\n"
        "Punkt 3: C (kl. 11.00-10.50)\n",
    )
    assert result.meeting.agenda is not None
    assert [i.slot for i in result.meeting.agenda.items] == [_slot("10.00-10.30"), None, None]
    assert result.warnings == (
        "item 2: the time '(kl. 10.15-10.45)' overlaps the item before; the item has no time slot",
        "item 3: the time '(kl. 11.00-10.50)' ends before it starts; the item has no time slot",
    )


def test_hyphenation_is_undone_but_compounds_keep_their_hyphen(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Punkt 1: Data\n\nBeslutning\nKlyngen drøftede spørgeske-\nmaundersøgelsen og sundheds-\n"
        "og omsorgsområdet, ryg-\nområdet (som i ryg-området før) og PLO-\nCentral.\n",
    )
    assert result.meeting.agenda is not None
    assert result.meeting.agenda.items[0].decision == (
        "Klyngen drøftede spørgeskemaundersøgelsen og sundheds- og omsorgsområdet, "
        "ryg-området (som i ryg-området før) og PLO-Central."
    )


@pytest.mark.parametrize(
    ("heading", "title", "slot"),
    [
        ("Pkt. 3 Budget for 2026", "Budget for 2026", None),
        ("Punkt 3: 11.05-11.15 Budget", "Budget", "11.05-11.15"),
        ("Punkt 3: Budget kl. 11.05 til 11.15", "Budget", "11.05-11.15"),
        ("### Punkt 3: **Budget**", "Budget", None),
        ("Ad 3. Budget", "Budget", None),
    ],
)
def test_more_item_headings(tmp_path: Path, heading: str, title: str, slot: str | None) -> None:
    result = _items(tmp_path, f"Punkt 2: Velkomst\n\n{heading}\n\nBeslutning: Godkendt.\n")
    assert result.meeting.agenda is not None
    item = result.meeting.agenda.items[1]
    assert (item.number, item.title, item.slot, item.decision) == (
        "3",
        title,
        _slot(slot),
        "Godkendt.",
    )


def test_a_prose_line_starting_with_punkt_is_not_an_item(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Punkt 1: Velkomst\n\nPunkt 2: Budget\n\nBeslutning\nDrøftet, se også\n"
        "punkt 1 ovenfor.\nPunkt 1 blev ikke genoptaget.\n",
    )
    assert result.meeting.agenda is not None
    assert [i.number for i in result.meeting.agenda.items] == ["1", "2"]
    # A short line that ends a sentence ends its paragraph too.
    assert result.meeting.agenda.items[1].decision == (
        "Drøftet, se også punkt 1 ovenfor.\n\nPunkt 1 blev ikke genoptaget."
    )


def test_people_with_e_mail_addresses_and_an_attendance_column(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Deltagere: Anne Hansen <ah@randers.dk>; Bo Jensen (bo.jensen@plo.dk)\n\n"
        "Fremmøde\nCarl Madsen, overlæge, Afbud\nDorte Lund, Virtuelt\n\n1. Velkomst\n",
    )
    people = [p.person for p in result.meeting.participants()]
    assert [(p.name, p.email) for p in people] == [
        ("Anne Hansen", "ah@randers.dk"),
        ("Bo Jensen", "bo.jensen@plo.dk"),
        ("Carl Madsen", ""),
        ("Dorte Lund", ""),
    ]
    assert [p.attendance for p in result.meeting.participants()] == [
        Attendance.PRESENT,
        Attendance.PRESENT,
        APOLOGIES,
        Attendance.VIRTUAL,
    ]


def test_a_participant_table_laid_out_with_spaces(tmp_path: Path) -> None:
    """pdftotext -layout keeps a table's columns apart with runs of spaces."""
    result = _items(
        tmp_path,
        "Deltagere\n"
        "   Navn                 Titel                        Organisation\n"
        "   Trine Brøcker        sundhedschef                 Skive Kommune\n"
        "   Kurt Møller          praktiserende læge           PLO Skive        Afbud\n"
        "\n 1. Godkendelse af dagsorden                                     kl. 15.00-15.05\n"
        "    Beslutning:      Godkendt.\n",
    )
    assert _participants(result.meeting) == [
        Expected("Skive Kommune", "Trine Brøcker", "sundhedschef"),
        Expected("PLO Skive", "Kurt Møller", "praktiserende læge", attendance=APOLOGIES),
    ]
    assert result.meeting.agenda is not None
    item = result.meeting.agenda.items[0]
    assert (item.title, str(item.slot), item.decision) == (
        "Godkendelse af dagsorden",
        "15.00-15.05",
        "Godkendt.",
    )


def test_a_programme_before_the_items_gives_times_and_presenters(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Deltagere:\nViborg Kommune: Kristine Stange, Mette Kvist\nAlmen praksis: Jonas Hald\n\n"
        "16.00 - 16.10    1. Velkomst                         v. Jonas Hald\n"
        "16.10 - 16.40    2. Forebyggelsesforløb i Viborg     v. Kristine Stange\n\n"
        "1. Velkomst\nJonas Hald bød velkommen.\n\n2. Forebyggelsesforløb i Viborg\n"
        "Referat: Kommunen sender en oversigt over tilbuddene.\n",
    )
    assert result.meeting.agenda is not None
    assert [(i.title, str(i.slot), i.presenter) for i in result.meeting.agenda.items] == [
        ("Velkomst", "16.00-16.10", "Jonas Hald"),
        ("Forebyggelsesforløb i Viborg", "16.10-16.40", "Kristine Stange"),
    ]
    assert [d.organisation.name for d in result.meeting.delegations] == [
        "Viborg Kommune",
        "Almen praksis",
    ]
    assert result.unplaced == ()


def test_word_list_numbering_from_python_docx(tmp_path: Path) -> None:
    """Items in python-docx's "List Number" style: numbered by the style, not by the text."""
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Referat af styregruppemøde 3. oktober 2025 kl. 9.00-11.00", "Title")
    document.add_paragraph("Deltagere: Ida Holm (formand), Bo Ravn")
    for title, decision in (("Godkendelse af dagsorden", "Godkendt."), ("Eventuelt", "Intet.")):
        document.add_paragraph(title, style="List Number")
        paragraph = document.add_paragraph()
        paragraph.add_run("Beslutning: ").bold = True
        paragraph.add_run(decision)
    path = tmp_path / "styregruppe.docx"
    document.save(str(path))
    meeting = import_minutes(path).meeting
    assert meeting.title == "Styregruppemøde"
    assert meeting.start == dt.datetime(2025, 10, 3, 9, 0)
    assert meeting.agenda is not None
    assert [(i.number, i.title, i.decision) for i in meeting.agenda.items] == [
        ("1", "Godkendelse af dagsorden", "Godkendt."),
        ("2", "Eventuelt", "Intet."),
    ]


def test_wrapped_headings_presenters_and_stray_decisions(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Møde: Praksisudvalget\nDato: 20.05.2025\n\n"
        "Punkt 1: Status på samarbejdet med\nkommunen om akutfunktionen\n\n"
        "Oplægsholder: Ida Holm\nSamarbejdet er godt.\n\n"
        "Punkt 2: Budget (kl. 11.05-11.15) v.\nBo Ravn\nBeslutning: Godkendt.\n\n"
        "Beslutning for punkt 7: Noget andet\nIngen.\n",
    )
    meeting = result.meeting
    assert meeting.title == "Praksisudvalget"
    assert meeting.kind is MeetingKind.MUNICIPAL_GP_COMMITTEE
    assert meeting.agenda is not None
    first, second = meeting.agenda.items
    assert (first.title, first.presenter, first.case_presentation) == (
        "Status på samarbejdet med kommunen om akutfunktionen",
        "Ida Holm",
        "Samarbejdet er godt.",
    )
    assert (second.title, str(second.slot), second.presenter) == (
        "Budget",
        "11.05-11.15",
        "Bo Ravn",
    )
    assert second.decision == "Godkendt.\n\nIngen."
    assert result.warnings == (
        "line 14: a decision for item 7, which the minutes do not have; kept under item 2",
    )


def test_people_in_other_forms(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Medlemmer\nAnne Hansen - kommunallæge, formand\nBo Jensen (virtuel)\n\n"
        "Punkt 1: Deltagere\n\nBeslutning\nDer var afbud fra Anne Hansen og Carl Madsen.\n\n"
        "Punkt 2: Økonomi\n",
    )
    assert _participants(result.meeting) == [
        Expected("Deltagere", "Anne Hansen", "kommunallæge", role="formand", attendance=APOLOGIES),
        Expected("Deltagere", "Bo Jensen", attendance=Attendance.VIRTUAL),
        Expected("Deltagere", "Carl Madsen", attendance=APOLOGIES),
    ]
    assert result.warnings[0] == (
        "item 1: 'Carl Madsen' sent apologies but is not in the participant list; added "
        "without an organisation"
    )


def test_meeting_times_that_contradict_the_items(tmp_path: Path) -> None:
    path = tmp_path / "referat-2025-05-20.txt"
    path.write_text("Tid: kl. 10.00-12.00\n\nPunkt 1: A (kl. 9.30-10.30)\n", encoding="utf-8")
    result = import_minutes(path)
    assert (result.meeting.start, result.meeting.end) == (
        dt.datetime(2025, 5, 20, 9, 30),
        dt.datetime(2025, 5, 20, 12, 0),
    )
    assert result.warnings == (
        "the meeting starts at 10.00, after its first item (09.30); it now starts with that item",
    )
    with pytest.raises(MinutesImportError, match=r"the imported meeting is not valid"):
        import_minutes(path, end=dt.datetime(2025, 5, 20, 10, 0))
    with pytest.raises(MinutesImportError, match=r"end 2025-05-20 08\.00 is not after start"):
        import_minutes(
            path, start=dt.datetime(2025, 5, 20, 9, 0), end=dt.datetime(2025, 5, 20, 8, 0)
        )


def test_word_number_formats(tmp_path: Path) -> None:
    """Zero-padded item numbers, roman and letter sub-lists, and a level shown without one."""
    numbering = _numbering(
        {
            0: _level(0, "decimalZero", "%1."),
            1: _level(0, "upperRoman", "%1)")
            + _level(1, "upperLetter", "%1.%2")
            + _level(2, "none", ""),
        },
        {1: (0, None), 2: (1, None)},
    )
    body = [
        _text("Dato: 1. april 2025"),
        _text("Velkomst", num=(1, 0)),
        _text("Sagsfremstilling"),
        *(_text(f"Emne {n}", num=(2, 0)) for n in range(1, 5)),
        _text("Underemne", num=(2, 1)),
        _text("Uden nummer", num=(2, 2)),
        _text("Eventuelt", num=(1, 0)),
    ]
    path = tmp_path / "formater.docx"
    write_docx(path, body, numbering, _styles(False), {})
    meeting = import_minutes(path).meeting
    assert meeting.agenda is not None
    first, second = meeting.agenda.items
    assert (first.number, first.title, second.number, second.title) == (
        "1",
        "Velkomst",
        "2",
        "Eventuelt",
    )
    assert first.case_presentation == (
        "I) Emne 1\n\nII) Emne 2\n\nIII) Emne 3\n\nIV) Emne 4\n\nIV.A Underemne\n\nUden nummer"
    )


def test_a_soft_hyphen_at_a_line_break_is_a_hyphen(tmp_path: Path) -> None:
    result = _items(tmp_path, "Punkt 1: Data\n\nReferat\nKlyngen drøftede spørgeske\u00ad\nmaet.\n")
    assert result.meeting.agenda is not None
    assert result.meeting.agenda.items[0].decision == "Klyngen drøftede spørgeskemaet."


def test_attachment_links_the_model_takes_and_those_it_does_not(tmp_path: Path) -> None:
    result = _items(
        tmp_path,
        "Punkt 1: Bilag\n\nBilag\nPjece: HTTPS://WWW.KK.DK/Akut\nwww.kiap.dk/pakker\n"
        "Skriv til sekretariatet (mailto:sek@kk.dk)\n",
    )
    assert result.meeting.agenda is not None
    assert result.meeting.agenda.items[0].attachments == (
        Attachment("Pjece", "https://WWW.KK.DK/Akut"),
        Attachment("www.kiap.dk/pakker", "https://www.kiap.dk/pakker"),
        Attachment("Skriv til sekretariatet (mailto:sek@kk.dk)"),
    )
