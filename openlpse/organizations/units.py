"""The LPSE's own organisation (LT 4-13, KA 8-13): the eight units every LPSE has, with their
official Indonesian names and duties. Data, not code: `lpse_units_ensure` creates them."""

from __future__ import annotations

from typing import NamedTuple

from openlpse.organizations.enums import LpseUnitKind


class UnitDefault(NamedTuple):
    kind: str
    name: str
    duties: str


# Names and duties follow Perbup Lampung Timur 32/2011 Pasal 4-13 (Karangasem 30/2012 Pasal 8-13
# names the same operating units). They are kept in Indonesian: they are the units' legal names.
LPSE_UNITS: tuple[UnitDefault, ...] = (
    UnitDefault(
        LpseUnitKind.PENGARAH,
        "Pengarah",
        "Memberi arahan dan kebijakan dalam pelaksanaan LPSE (LT 5).",
    ),
    UnitDefault(
        LpseUnitKind.PENANGGUNGJAWAB,
        "Penanggungjawab",
        "Bertanggung jawab atas terlaksananya tugas dan fungsi LPSE (LT 6).",
    ),
    UnitDefault(
        LpseUnitKind.KOORDINATOR,
        "Koordinator",
        "Memantau dan mengevaluasi kegiatan (LT 7).",
    ),
    UnitDefault(
        LpseUnitKind.KEPALA,
        "Kepala LPSE",
        "Memimpin LPSE dalam menjalankan tugas dan fungsi LPSE (LT 8(1)).",
    ),
    UnitDefault(
        LpseUnitKind.SEKRETARIAT,
        "Sekretariat",
        "Koordinasi, ketatausahaan, pembinaan dan pengendalian program, kegiatan, administrasi "
        "dan sumber daya LPSE (LT 10).",
    ),
    UnitDefault(
        LpseUnitKind.ADMIN_SISTEM,
        "Unit Administrasi Sistem Elektronik",
        "Pengelolaan SPSE: perangkat lunak, perangkat keras dan jaringan; permasalahan teknis; "
        "hubungan teknis dengan LKPP (LT 11, KA 11).",
    ),
    UnitDefault(
        LpseUnitKind.REGISTRASI_VERIFIKASI,
        "Unit Registrasi dan Verifikasi",
        "Pendaftaran dan verifikasi pengguna SPSE, arsip dokumen pengguna; menyetujui, menolak "
        "dan menonaktifkan pengguna (LT 12, KA 12).",
    ),
    UnitDefault(
        LpseUnitKind.LAYANAN_DUKUNGAN,
        "Unit Layanan dan Dukungan",
        "Helpdesk: konsultasi, informasi fitur SPSE, keluhan layanan dan pelatihan pengguna "
        "(LT 13, KA 13).",
    ),
)
