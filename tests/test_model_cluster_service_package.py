"""Invariants of clusters, people, services, metrics and the cluster package itself."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from klyngepakke.errors import ModelError, Problem
from klyngepakke.model import (
    Agenda,
    AgendaItem,
    BillingLimit,
    Cluster,
    ClusterPackage,
    DataSource,
    DataSourceKind,
    Denominator,
    Fee,
    LimitPeriod,
    MetricDefinition,
    Organisation,
    Person,
    Practice,
    Reference,
    Region,
    ServiceCode,
    TextSection,
)

# -- people and clusters --------------------------------------------------------------------


def test_person_and_organisation() -> None:
    person = Person("Lise Dyhr", "praktiserende læge", "DSAM", "lise@example.dk")
    assert person.email == "lise@example.dk"
    assert Person("Anne Møller").email == ""
    with pytest.raises(ModelError) as info:
        Person(" ", email="anne møller@example.dk")
    assert info.value.problems == (
        Problem(("name",), "must not be empty, got ' '"),
        Problem(("email",), "'anne møller@example.dk' does not look like an e-mail address"),
    )
    with pytest.raises(ModelError) as info:
        Organisation("")
    assert info.value.problems == (Problem(("name",), "must not be empty, got ''"),)


@pytest.mark.parametrize("provider_id", ["012345", "000000", "999999"])
def test_provider_number_is_six_digits(provider_id: str) -> None:
    assert Practice(provider_id, "Lægehuset", 1600).provider_id == provider_id


@pytest.mark.parametrize("provider_id", ["12345", "01234A", "0123456", "", " 12345", "12 345"])
def test_provider_number_must_be_six_digits(provider_id: str) -> None:
    with pytest.raises(ModelError) as info:
        Practice(provider_id)
    assert info.value.problems == (
        Problem(
            ("provider_id",), f"{provider_id!r} is not a provider number (six digits, as text)"
        ),
    )
    assert f"invalid Practice: provider_id: {provider_id!r}" in str(info.value)


def test_list_size_is_not_negative() -> None:
    assert Practice("012345", list_size=0).list_size == 0
    with pytest.raises(ModelError) as info:
        Practice("012345", list_size=-1)
    assert info.value.problems == (Problem(("list_size",), "must not be negative, got -1"),)


def test_region_labels() -> None:
    assert Region.SJAELLAND.label == "Region Sjælland"
    assert Region.NORDJYLLAND.label == "Region Nordjylland"


def test_valid_cluster() -> None:
    cluster = Cluster(
        "Klynge Aalborg Øst",
        Region.NORDJYLLAND,
        ("Aalborg",),
        (Practice("012345"), Practice("543210")),
        Person("Marianne Puge", email="mp@example.dk"),
        ("a@example.dk", "b@example.dk"),
    )
    assert cluster.region.label == "Region Nordjylland"


def test_cluster_problems() -> None:
    with pytest.raises(ModelError) as info:
        Cluster(
            "",
            Region.HOVEDSTADEN,
            municipalities=("Frederiksberg", " "),
            practices=(Practice("012345"), Practice("012345")),
            member_emails=("læge@klinik.dk", "ikke-en-adresse", "LÆGE@klinik.dk"),
        )
    assert [str(p) for p in info.value.problems] == [
        "name: must not be empty, got ''",
        "municipalities[1]: must not be empty, got ' '",
        "practices[1].provider_id: duplicate provider number '012345' "
        "(first used at practices[0].provider_id)",
        "member_emails[1]: 'ikke-en-adresse' does not look like an e-mail address",
        "member_emails[2]: duplicate e-mail address 'læge@klinik.dk' "
        "(first used at member_emails[0])",
    ]


@pytest.mark.parametrize("email", ["a@b", "a b@c.dk", "@c.dk", "a@@c.dk", "a@c.", "a@.dk x"])
def test_email_must_look_like_one(email: str) -> None:
    with pytest.raises(ModelError, match="does not look like an e-mail address"):
        Person("X", email=email)


# -- services and metrics -------------------------------------------------------------------


def fee(amount: str, day: str, currency: str = "DKK") -> Fee:
    return Fee(Decimal(amount), dt.date.fromisoformat(day), currency)


def test_fee_problems() -> None:
    assert fee("0", "2024-04-01").amount == 0
    with pytest.raises(ModelError) as info:
        fee("-1.50", "2024-04-01", "kr.")
    assert info.value.problems == (
        Problem(("amount",), "must not be negative, got -1.50"),
        Problem(("currency",), "'kr.' is not an ISO 4217 code like 'DKK'"),
    )


@pytest.mark.parametrize("currency", ["dkk", "DK", "DKKK", "D1K"])
def test_currency_is_three_capitals(currency: str) -> None:
    assert fee("1", "2024-01-01", "EUR").currency == "EUR"
    with pytest.raises(ModelError, match="is not an ISO 4217 code"):
        fee("1", "2024-01-01", currency)


def test_billing_limit() -> None:
    assert BillingLimit(2, LimitPeriod.DAY).per_patient
    assert LimitPeriod.QUARTER.label == "kvartal"
    with pytest.raises(ModelError) as info:
        BillingLimit(0, LimitPeriod.YEAR)
    assert info.value.problems == (Problem(("max_count",), "must be greater than 0, got 0"),)


ACUTE = ServiceCode(
    "0124",
    "Lægefaglig vurdering af patienter på kommunal akutfunktion",
    fees=(fee("170.00", "2023-04-01"), fee("173.06", "2024-04-01")),
    limits=(BillingLimit(2, LimitPeriod.DAY),),
)


@pytest.mark.parametrize(
    ("day", "amount"),
    [
        ("2023-03-31", None),
        ("2023-04-01", "170.00"),
        ("2024-03-31", "170.00"),
        ("2024-04-01", "173.06"),
        ("2030-01-01", "173.06"),
    ],
)
def test_fee_on(day: str, amount: str | None) -> None:
    found = ACUTE.fee_on(dt.date.fromisoformat(day))
    assert (found.amount if found else None) == (Decimal(amount) if amount else None)


@pytest.mark.parametrize("code", ["0124", "01", "AB12cd", "8220"])
def test_service_code_form(code: str) -> None:
    assert ServiceCode(code, "Ydelse").code == code


@pytest.mark.parametrize("code", ["1", "0124567", "01.24", "01 24", "", "øre"])
def test_service_code_must_look_like_one(code: str) -> None:
    with pytest.raises(ModelError) as info:
        ServiceCode(code, "Ydelse")
    assert info.value.problems == (
        Problem(("code",), f"{code!r} is not a service code like '0124'"),
    )


def test_service_code_name_and_fee_order() -> None:
    with pytest.raises(ModelError) as info:
        ServiceCode(
            "0124",
            "",
            fees=(fee("173.06", "2024-04-01"), fee("170", "2023-04-01"), fee("1", "2024-04-01")),
        )
    assert [str(p) for p in info.value.problems] == [
        "name: must not be empty, got ''",
        "fees: fees must be in order of valid_from",
        "fees[2].valid_from: duplicate fee date '2024-04-01' (first used at fees[0].valid_from)",
    ]


def test_metric_definition() -> None:
    metric = MetricDefinition("0124_per_1000", "Ydelse 0124 pr. 1000 gruppe 1-sikrede", ("0124",))
    assert (metric.per, metric.period_months) == (1000, 12)
    assert Denominator.GROUP1_INSURED.label == "gruppe 1-sikrede"
    with pytest.raises(ModelError) as info:
        MetricDefinition("pr 1000", " ", (), per=0, period_months=-12)
    assert [str(p) for p in info.value.problems] == [
        "id: 'pr 1000' is not a valid code (letters, digits, '_', '.', '-'; no spaces)",
        "title: must not be empty, got ' '",
        "service_codes: a metric counts at least one service code or counted event",
        "per: must be greater than 0, got 0",
        "period_months: must be greater than 0, got -12",
    ]


# -- the package ----------------------------------------------------------------------------


def test_text_section_data_source_and_reference() -> None:
    with pytest.raises(ModelError) as info:
        TextSection("", "\t")
    assert info.value.problems == (
        Problem(("heading",), "must not be empty, got ''"),
        Problem(("body",), "must not be empty, got '\\t'"),
    )
    with pytest.raises(ModelError) as info:
        DataSource(DataSourceKind.SERVICE_DATA, "")
    assert info.value.problems == (Problem(("title",), "must not be empty, got ''"),)
    assert DataSourceKind.SERVICE_DATA.label == "Ydelsesdata"
    assert Reference("Kvalitetsstandarder", url="http://sst.dk").url == "http://sst.dk"
    assert Reference("Kvalitetsstandarder").url == ""
    with pytest.raises(ModelError) as info:
        Reference(" ", url="www.sst.dk")
    assert info.value.problems == (
        Problem(("title",), "must not be empty, got ' '"),
        Problem(("url",), "'www.sst.dk' is not an http(s) link"),
    )


PROGRAMME = Agenda(
    (AgendaItem("Introduktion", minutes=10), AgendaItem("Blok 1", minutes=140)), minutes=150
)


def package(**kwargs: object) -> ClusterPackage:
    values: dict[str, object] = {
        "topic": "akutfunktioner",
        "title": "Kommunale akutfunktioner",
        "version": "0.1.0",
        "purpose": "Samarbejdet mellem almen praksis og kommunens akutfunktion.",
        "programme": PROGRAMME,
        "service_codes": (ACUTE, ServiceCode("0120", "Telefonkonsultation")),
        "metrics": (MetricDefinition("m1", "Ydelse 0124", ("0124", "0120")),),
    }
    values.update(kwargs)
    return ClusterPackage(**values)  # type: ignore[arg-type]


def test_valid_package_and_lookups() -> None:
    pkg = package()
    assert pkg.meeting_minutes == 150
    assert pkg.service_code("0124") is ACUTE
    with pytest.raises(KeyError):
        pkg.service_code("0125")


def test_package_text_fields() -> None:
    with pytest.raises(ModelError) as info:
        package(topic="akut funktioner", title="", version=" ", purpose="\n")
    assert [str(p) for p in info.value.problems] == [
        "topic: 'akut funktioner' is not a valid code (letters, digits, '_', '.', '-'; no spaces)",
        "title: must not be empty, got ''",
        "version: must not be empty, got ' '",
        "purpose: must not be empty, got '\\n'",
    ]


def test_package_programme_needs_meeting_length() -> None:
    with pytest.raises(ModelError) as info:
        package(programme=Agenda((AgendaItem("Alt", minutes=150),)))
    assert info.value.problems == (
        Problem(("programme", "minutes"), "a package's programme needs the meeting length"),
    )


def test_package_codes_and_ids_are_unique() -> None:
    with pytest.raises(ModelError) as info:
        package(
            service_codes=(ACUTE, ACUTE),
            metrics=(
                MetricDefinition("m1", "A", ("0124",)),
                MetricDefinition("m1", "B", ("0124",)),
            ),
        )
    assert [str(p) for p in info.value.problems] == [
        "service_codes[1].code: duplicate service code '0124' "
        "(first used at service_codes[0].code)",
        "metrics[1].id: duplicate metric id 'm1' (first used at metrics[0].id)",
    ]


def test_package_metric_refers_to_unknown_service_code() -> None:
    with pytest.raises(ModelError) as info:
        package(metrics=(MetricDefinition("m1", "Ydelse 0124", ("0124", "0125")),))
    assert info.value.problems == (
        Problem(
            ("metrics", 0, "service_codes", 1),
            "'0125' is not one of the package's service codes ['0120', '0124']",
        ),
    )
    assert "invalid ClusterPackage: metrics[0].service_codes[1]: '0125'" in str(info.value)


# -- known weaknesses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: Practice("012345\n"),
        lambda: Practice("٠١٢٣٤٥"),  # Arabic-Indic digits
        lambda: ServiceCode("0124\n", "Ydelse"),
        lambda: MetricDefinition("m1\n", "Titel", ("0124",)),
        lambda: Person("X", email="x@example.dk\n"),
        lambda: Fee(Decimal(1), dt.date(2024, 1, 1), "DKK\n"),
    ],
    ids=["provider-newline", "provider-arabic-digits", "service", "code", "email", "currency"],
)
def test_validators_reject_trailing_newline_and_non_ascii_digits(build: object) -> None:
    with pytest.raises(ModelError):
        build()  # type: ignore[operator]
