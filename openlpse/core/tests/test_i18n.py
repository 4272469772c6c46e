"""The Indonesian catalogue is complete and compiled; English is the source language (ADR 0002)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PO = LOCALE / "id" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(text: str) -> list[dict[str, str]]:
    """Tiny .po reader: enough to find untranslated and fuzzy entries."""
    entries: list[dict[str, str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        entry: dict[str, str] = {"flags": "", "msgid": "", "msgstr": "", "plural": ""}
        key = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith("msgid_plural"):
                entry["plural"] = "yes"
                key = None
            elif line.startswith("msgctxt"):
                key = None
            elif line.startswith("msgid "):
                key = "msgid"
                entry[key] = line[6:].strip().strip('"')
            elif line.startswith("msgstr[") and not line.startswith("msgstr[0]"):
                key = None  # the other plural forms (Indonesian has one form)
            elif line.startswith("msgstr"):
                key = "msgstr"
                entry[key] += line.split(" ", 1)[1].strip().strip('"')
            elif line.startswith('"') and key:
                entry[key] += line.strip().strip('"')
        if entry["msgid"] or entry["msgstr"]:
            entries.append(entry)
    return entries


@pytest.mark.parametrize("language", ["id", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    entries = [e for e in _entries(po.read_text(encoding="utf-8")) if e["msgid"]]
    assert entries, "the catalogue is empty"
    untranslated = [e["msgid"] for e in entries if not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    assert MO.exists(), "run `make messages` to compile the catalogue"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        e["msgid"]
        for e in _entries(PO.read_text(encoding="utf-8"))
        if e["msgid"]
        and "\\" not in e["msgid"]
        and (
            compiled.ngettext(e["msgid"], e["msgid"], 1)
            if e["plural"]
            else compiled.gettext(e["msgid"])
        )
        == e["msgid"]
        != e["msgstr"]
    ]
    assert stale == [], "the .mo is older than the .po: run `make messages`"


def test_indonesian_is_the_default_and_translates():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "id"
    with translation.override("id"):
        assert translation.gettext("You do not have permission to do this.") != (
            "You do not have permission to do this."
        )
