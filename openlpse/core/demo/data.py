"""The demo world as data: two LPSEs, their agencies and work units, and the people in them.

Every person, agency and number here is invented for the demo. Dates are fixed so that two
loads produce the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openlpse.accounts.enums import LetterKind, Role
from openlpse.organizations.enums import AgencyKind, LpseUnitKind, TimeZone

# One shared password for every demo login (printed by the command). Demo only.
DEMO_PASSWORD = "demo-Terbuka-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.openlpse.example"
VENDOR_REF = "demo-vendor-1"

SK_DATE = dt.date(2026, 1, 2)
START = dt.date(2026, 1, 5)
AUDIT_END = dt.date(2030, 12, 31)


@dataclass(frozen=True)
class WorkUnitSpec:
    code: str
    name: str


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    kind: str
    work_units: tuple[WorkUnitSpec, ...] = ()
    address: str = ""


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str


@dataclass(frozen=True)
class StaffSpec:
    """A person placed in an LPSE unit (grants the lpse_staff role)."""

    person: PersonSpec
    unit: str
    position: str


@dataclass(frozen=True)
class OfficialSpec:
    """A person with an agency-level role, granted by the agency admin with an SK."""

    person: PersonSpec
    role: str
    agency: str
    work_unit: str = ""


@dataclass(frozen=True)
class LpseSpec:
    prefix: str
    slug: str
    name: str
    region: str
    province: str
    time_zone: str
    address: str
    email: str
    helpdesk_hours: str
    letter_tag: str
    agencies: tuple[AgencySpec, ...]
    admin: PersonSpec
    staff: tuple[StaffSpec, ...]
    agency_admin: PersonSpec
    agency_admin_of: tuple[str, ...]
    officials: tuple[OfficialSpec, ...]
    auditor: PersonSpec


def _p(username: str, full_name: str) -> PersonSpec:
    return PersonSpec(username, full_name)


def _staff(prefix: str, names: dict[str, str]) -> tuple[StaffSpec, ...]:
    units = (
        (LpseUnitKind.PENGARAH, "pengarah", "Pengarah"),
        (LpseUnitKind.PENANGGUNGJAWAB, "penanggungjawab", "Penanggungjawab"),
        (LpseUnitKind.KOORDINATOR, "koordinator", "Koordinator"),
        (LpseUnitKind.KEPALA, "kepala", "Kepala LPSE"),
        (LpseUnitKind.SEKRETARIAT, "sekretariat", "Sekretaris"),
        (LpseUnitKind.ADMIN_SISTEM, "sistem", "Administrator Sistem"),
        (LpseUnitKind.REGISTRASI_VERIFIKASI, "verifikator", "Verifikator"),
        (LpseUnitKind.LAYANAN_DUKUNGAN, "helpdesk", "Petugas Helpdesk"),
    )
    return tuple(
        StaffSpec(_p(f"{prefix}.{short}", names[short]), str(kind), position)
        for kind, short, position in units
    )


def _officials(prefix: str, names: dict[str, str]) -> tuple[OfficialSpec, ...]:
    # PA heads the public works agency; the KPA and PPK sit in its roads division; the ULP
    # (UKPBJ) and its Pokja sit in the procurement division of the regional secretariat.
    return (
        OfficialSpec(_p(f"{prefix}.pa", names["pa"]), Role.PA, "DPUPR"),
        OfficialSpec(_p(f"{prefix}.kpa", names["kpa"]), Role.KPA, "DPUPR", "BM"),
        OfficialSpec(_p(f"{prefix}.ppk", names["ppk"]), Role.PPK, "DPUPR", "BM"),
        OfficialSpec(_p(f"{prefix}.ulp", names["ulp"]), Role.ULP_HEAD, "SETDA", "PBJ"),
        OfficialSpec(_p(f"{prefix}.pokja1", names["pokja1"]), Role.POKJA_MEMBER, "SETDA", "PBJ"),
        OfficialSpec(_p(f"{prefix}.pokja2", names["pokja2"]), Role.POKJA_MEMBER, "SETDA", "PBJ"),
        OfficialSpec(_p(f"{prefix}.pokja3", names["pokja3"]), Role.POKJA_MEMBER, "SETDA", "PBJ"),
        OfficialSpec(_p(f"{prefix}.pp", names["pp"]), Role.PEJABAT_PENGADAAN, "DPUPR"),
    )


def _agencies(rsud: str, pdam: str, rsud_units: tuple[WorkUnitSpec, ...]) -> tuple[AgencySpec, ...]:
    return (
        AgencySpec(
            "SETDA",
            "Sekretariat Daerah",
            AgencyKind.PERANGKAT_DAERAH,
            (
                WorkUnitSpec("PBJ", "Bagian Pengadaan Barang dan Jasa"),
                WorkUnitSpec("UMUM", "Bagian Umum"),
            ),
        ),
        AgencySpec(
            "DPUPR",
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            AgencyKind.SKPD,
            (
                WorkUnitSpec("BM", "Bidang Bina Marga"),
                WorkUnitSpec("SDA", "Bidang Sumber Daya Air"),
                WorkUnitSpec("CK", "Bidang Cipta Karya"),
            ),
        ),
        AgencySpec(
            "DINKES",
            "Dinas Kesehatan",
            AgencyKind.SKPD,
            (
                WorkUnitSpec("SEKR", "Sekretariat Dinas Kesehatan"),
                WorkUnitSpec("YANKES", "Bidang Pelayanan Kesehatan"),
            ),
        ),
        AgencySpec(
            "DISDIK",
            "Dinas Pendidikan",
            AgencyKind.SKPD,
            (
                WorkUnitSpec("SD", "Bidang Pembinaan Sekolah Dasar"),
                WorkUnitSpec("SMP", "Bidang Pembinaan SMP"),
            ),
        ),
        AgencySpec("RSUD", rsud, AgencyKind.PERANGKAT_DAERAH, rsud_units),
        AgencySpec("PDAM", pdam, AgencyKind.BUMD, (WorkUnitSpec("TEKNIK", "Bagian Teknik"),)),
    )


LAMPUNG_TIMUR = LpseSpec(
    prefix="lt",
    slug="lampung-timur",
    name="LPSE Kabupaten Lampung Timur",
    region="Kabupaten Lampung Timur",
    province="Lampung",
    time_zone=TimeZone.WIB,
    address="Kompleks Perkantoran Pemerintah Kabupaten Lampung Timur, Sukadana (alamat demo)",
    email=f"lpse.lampungtimur@{DEMO_EMAIL_DOMAIN}",
    helpdesk_hours="Senin-Jumat 08.00-16.00 WIB",
    letter_tag="LT",
    agencies=_agencies(
        "RSUD Sukadana (BLUD)",
        "Perumda Air Minum Kabupaten Lampung Timur",
        (
            WorkUnitSpec("FARMASI", "Instalasi Farmasi"),
            WorkUnitSpec("UMUM", "Bagian Umum dan Perlengkapan"),
        ),
    ),
    admin=_p("lt.admin", "Rudi Hartono"),
    staff=_staff(
        "lt",
        {
            "pengarah": "Hendra Wijaya",
            "penanggungjawab": "Sri Wahyuni",
            "koordinator": "Agus Setiawan",
            "kepala": "Dewi Kartika",
            "sekretariat": "Bambang Sutrisno",
            "sistem": "Eko Prasetyo",
            "verifikator": "Budi Santoso",
            "helpdesk": "Rina Marlina",
        },
    ),
    agency_admin=_p("lt.agency", "Joko Purnomo"),
    agency_admin_of=("SETDA", "DPUPR"),
    officials=_officials(
        "lt",
        {
            "pa": "Yusuf Hidayat",
            "kpa": "Fitri Handayani",
            "ppk": "Andi Saputra",
            "ulp": "Siti Aminah",
            "pokja1": "Rahmat Hidayat",
            "pokja2": "Lina Oktaviani",
            "pokja3": "Teguh Santoso",
            "pp": "Wulan Sari",
        },
    ),
    auditor=_p("lt.auditor", "Nur Aisyah"),
)

KARANGASEM = LpseSpec(
    prefix="ka",
    slug="karangasem",
    name="LPSE Kabupaten Karangasem",
    region="Kabupaten Karangasem",
    province="Bali",
    time_zone=TimeZone.WITA,
    address="Kompleks Perkantoran Pemerintah Kabupaten Karangasem, Amlapura (alamat demo)",
    email=f"lpse.karangasem@{DEMO_EMAIL_DOMAIN}",
    helpdesk_hours="Senin-Jumat 08.00-16.00 WITA",
    letter_tag="KA",
    agencies=_agencies(
        "RSUD Kabupaten Karangasem (BLUD)",
        "Perumda Air Minum Tirta Tohlangkir",
        (
            WorkUnitSpec("FARMASI", "Instalasi Farmasi"),
            WorkUnitSpec("UMUM", "Bagian Umum dan Perlengkapan"),
        ),
    ),
    admin=_p("ka.admin", "I Wayan Sudarma"),
    staff=_staff(
        "ka",
        {
            "pengarah": "I Gusti Ngurah Bagus",
            "penanggungjawab": "Ni Made Sri Astuti",
            "koordinator": "I Nyoman Suarta",
            "kepala": "Ni Ketut Ariani",
            "sekretariat": "I Gede Putra Wijaya",
            "sistem": "I Komang Adi Saputra",
            "verifikator": "Ni Luh Putu Eka Yanti",
            "helpdesk": "I Made Sukerta",
        },
    ),
    agency_admin=_p("ka.agency", "Ni Wayan Suartini"),
    agency_admin_of=("SETDA", "DPUPR"),
    officials=_officials(
        "ka",
        {
            "pa": "I Ketut Mertayasa",
            "kpa": "Ni Nyoman Rai Sukarini",
            "ppk": "I Putu Ardana",
            "ulp": "Ni Kadek Dwi Lestari",
            "pokja1": "I Wayan Gede Artawan",
            "pokja2": "Ni Komang Ayu Pratiwi",
            "pokja3": "I Nengah Sudiarta",
            "pp": "Ni Putu Wulandari",
        },
    ),
    auditor=_p("ka.auditor", "I Gede Made Suyasa"),
)

LPSES: tuple[LpseSpec, ...] = (LAMPUNG_TIMUR, KARANGASEM)

# Vendors are platform-wide (architecture §3): one demo vendor for both LPSEs.
VENDOR_ADMIN = _p("vendor.admin", "Hartono Gunawan")
VENDOR_STAFF = _p("vendor.staff", "Maya Anggraini")
VENDOR_ADMIN_LETTER = (LetterKind.OTHER, "AHU-0000001.AH.01.01.TAHUN 2026 (demo)")
VENDOR_STAFF_LETTER = (LetterKind.OTHER, "Surat Kuasa 01/DEMO/2026")
