from openlpse.tenders.models.documents import Addendum, DocumentDownload, TenderDocument
from openlpse.tenders.models.package import HpsItem, Package, PackageLocation, PokjaMember
from openlpse.tenders.models.participation import ExplanationMinutes, Participant, Question
from openlpse.tenders.models.tender import (
    QualificationRequirement,
    RequiredDocument,
    RequiredGuarantee,
    ScheduleChange,
    StageLabel,
    Tender,
    TenderApproval,
    TenderStage,
)

__all__ = [
    "Addendum",
    "DocumentDownload",
    "ExplanationMinutes",
    "HpsItem",
    "Package",
    "PackageLocation",
    "Participant",
    "PokjaMember",
    "QualificationRequirement",
    "Question",
    "RequiredDocument",
    "RequiredGuarantee",
    "ScheduleChange",
    "StageLabel",
    "Tender",
    "TenderApproval",
    "TenderDocument",
    "TenderStage",
]
