"""The audit of release 1.3.1: background notes and spellings checked against outside sources.

Read the way a user reads the releases, through `kzrights.load`,
`kzrights.diff` and `kzrights.annotate`: every correction shows in
``diff("1.3.0", "1.3.1")``, a spelling removed no longer links in 1.3.1 while
1.3.0 still links it, and the audit's table of spellings
(``docs/audit-1.3.1.md``) accounts for every transliteration the newest
release holds.
"""

from __future__ import annotations

import pytest

import kzrights
from kzrights.records import AliasForm, EntityCategory

from .conftest import ROOT

AUDIT = ROOT / "docs" / "audit-1.3.1.md"

# each spelling the audit removed, with the entity it named
REMOVED = {
    "President Tokaev": "entities.kassym-jomart-tokayev",
    "Kassym-Jomart Tokaev": "entities.kassym-jomart-tokayev",
    "Shormanbaeva": "entities.aina-shormanbayeva",
    "Aina Shormanbaeva": "entities.aina-shormanbayeva",
    "Shormanbaev": "entities.amangeldy-shormanbayev",
    "Amangeldy Shormanbaev": "entities.amangeldy-shormanbayev",
    "Abliazov": "entities.mukhtar-ablyazov",
    "Mukhtar Abliazov": "entities.mukhtar-ablyazov",
    "Tatyana Chernobil": "entities.tatiana-chernobil",
    "Maks Bokaev": "entities.max-bokayev",
    "Iliashev": "entities.alnur-ilyashev",
    "Alnur Iliashev": "entities.alnur-ilyashev",
    "Asia Tulesova": "entities.asya-tulesova",
    "Harkova": "entities.larisa-kharkova",
    "Larisa Harkova": "entities.larisa-kharkova",
    "Yerlan Baltabay": "entities.erlan-baltabay",
    "Galia Azhenova": "entities.galiya-azhenova",
    "Галия Аженова": "entities.galiya-azhenova",
    "Аженова": "entities.galiya-azhenova",
    "Айгерим Камидола": "entities.aigerim-kamidola",
    "Анна Гусарова": "entities.anna-gussarova",
    "Гусарова": "entities.anna-gussarova",
    "Dariga Nazarbaeva": "entities.dariga-nazarbayeva",
}


@pytest.fixture(scope="module")
def change() -> kzrights.ReleaseDiff:
    """What changed from 1.3.0 to 1.3.1."""
    return kzrights.diff("1.3.0", "1.3.1")


def _audit_table() -> dict[str, tuple[str, str]]:
    """The audit's table of spellings: alias -> (entity slug, result)."""
    rows: dict[str, tuple[str, str]] = {}
    section = AUDIT.read_text(encoding="utf-8").split("## Spellings of names", 1)[1]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("alias", "---"):
            rows[cells[0]] = (cells[1], cells[3])
    return rows


def _transliterations(report: kzrights.Report) -> dict[str, str]:
    """Every curated transliteration of a person or an organisation: alias -> entity id."""
    found: dict[str, str] = {}
    for entity in report.entities:
        if entity.category not in (EntityCategory.PERSON, EntityCategory.ORGANISATION):
            continue
        for form in entity.forms:
            if form.generated:
                continue
            # translations ("Всемирный банк") are aliases, not transliterations: out of the audit's scope
            if form.form is AliasForm.TRANSLITERATION:
                found[form.text] = entity.id
    return found


def test_the_audit_changes_only_what_it_records(change):
    """No id comes or goes; the 14 entities changed are the background notes and the spellings."""
    assert (change.added, change.removed, change.metadata) == ((), (), ())
    fields = {c.id: set(c.fields) for c in change.changed}
    assert fields["entities.mazhilis"] == fields["entities.akims"] == {"background", "background_basis"}
    spelled = set(REMOVED.values())
    assert {i for i, f in fields.items() if f == {"aliases", "forms"}} == spelled
    assert set(fields) == spelled | {"entities.mazhilis", "entities.akims"}


@pytest.mark.parametrize(
    ("entity_id", "said_before", "article"),
    [
        ("entities.mazhilis", "lower house", "Article 50, paragraph 1"),
        ("entities.akims", "district or village", "Article 87, paragraph 3"),
    ],
)
def test_a_background_note_says_what_its_article_says(entity_id, said_before, article):
    """The note no longer says what the article does not; its basis names the paragraph and the audit."""
    old, new = kzrights.load("1.3.0").get(entity_id), kzrights.load("1.3.1").get(entity_id)
    assert said_before in old.background and said_before not in new.background
    assert article in new.background_basis and "docs/audit-1.3.1.md" in new.background_basis
    assert new.description == old.description


@pytest.mark.parametrize(("alias", "entity_id"), sorted(REMOVED.items()))
def test_a_removed_spelling_no_longer_links(alias, entity_id):
    """A user's text with a removed spelling links it whole in 1.3.0 (unchanged), never by it in 1.3.1.

    A part of it that sources do use (the surname "Tulesova" of "Asia
    Tulesova") may still link on its own; and where the part is a surname
    after one of the same person's given names ("Kassym-Jomart Tokaev"),
    the linker puts the two together itself (its whole-name rule, saying so
    in ``resolved_by``), from names the registry keeps, not from the removed
    spelling.
    """
    text = f"Yesterday {alias} spoke in Almaty, Kazakhstan."
    before = [(m.text, m.entity_id) for m in kzrights.annotate(text, version="1.3.0")]
    after = kzrights.annotate(text, version="1.3.1")
    assert (alias, entity_id) in before
    for mention in after:
        if mention.text == alias:
            assert (mention.resolved_by or "").startswith("given name "), after
    assert alias not in kzrights.load("1.3.1").get(entity_id).aliases


def test_the_audit_accounts_for_every_spelling_of_the_newest_release():
    """Each transliteration in the newest release is in the audit's table, none marked removed is left."""
    table = _audit_table()
    shipped = _transliterations(kzrights.load())
    missing = sorted(alias for alias in shipped if alias not in table)
    assert not missing, f"spellings the audit does not account for: {missing}"
    for alias, entity_id in shipped.items():
        slug, result = table[alias]
        assert entity_id == f"entities.{slug}", alias
        assert result != "removed", f"{alias!r} is marked removed but still shipped"
    assert {a for a, (_, result) in table.items() if result == "removed"} == set(REMOVED)
