"""The domain model: attrs classes that check their invariants when built.

Every class is immutable; derive changed copies with :func:`attrs.evolve`.
"""

from klyngepakke.model._agenda import Agenda, AgendaItem, AgendaItemKind, Attachment, TimeSlot
from klyngepakke.model._base import LabelledEnum
from klyngepakke.model._cluster import Cluster, Practice, Region
from klyngepakke.model._meeting import (
    ActionItem,
    ActionStatus,
    Attendance,
    Decision,
    Delegation,
    Meeting,
    MeetingKind,
    Participant,
)
from klyngepakke.model._package import (
    ClusterPackage,
    DataSource,
    DataSourceKind,
    Material,
    Reference,
    TextSection,
)
from klyngepakke.model._people import Organisation, OrganisationKind, Person
from klyngepakke.model._questionnaire import (
    Answer,
    Basis,
    Condition,
    Move,
    Option,
    Origin,
    Provenance,
    Question,
    QuestionKind,
    Questionnaire,
    Removal,
    Response,
    ResponseSet,
    Section,
)
from klyngepakke.model._runbook import Phase, RelativeDeadline, Role, Runbook, Task, TimeUnit
from klyngepakke.model._service import (
    BillingLimit,
    Denominator,
    Fee,
    LimitPeriod,
    MetricDefinition,
    ServiceCode,
)

__all__ = [
    "ActionItem",
    "ActionStatus",
    "Agenda",
    "AgendaItem",
    "AgendaItemKind",
    "Answer",
    "Attachment",
    "Attendance",
    "Basis",
    "BillingLimit",
    "Cluster",
    "ClusterPackage",
    "Condition",
    "DataSource",
    "DataSourceKind",
    "Decision",
    "Delegation",
    "Denominator",
    "Fee",
    "LabelledEnum",
    "LimitPeriod",
    "Material",
    "Meeting",
    "MeetingKind",
    "MetricDefinition",
    "Move",
    "Option",
    "Organisation",
    "OrganisationKind",
    "Origin",
    "Participant",
    "Person",
    "Phase",
    "Practice",
    "Provenance",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "Reference",
    "Region",
    "RelativeDeadline",
    "Removal",
    "Response",
    "ResponseSet",
    "Role",
    "Runbook",
    "Section",
    "ServiceCode",
    "Task",
    "TextSection",
    "TimeSlot",
    "TimeUnit",
]
