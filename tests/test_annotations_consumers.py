"""The W3C Web Annotation export as a JSON-LD processor reads it, and the record IRIs it names records by."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyld import jsonld

import kzrights
from kzrights.exports import IRI_PREFIX, parse_record_iri, record_iri
from kzrights.exports.documents import ANNOTATION_CONTEXT

# the release the how-to's command exports: the newest
NEWEST = kzrights.DATA_VERSION

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = json.loads((ROOT / "tests" / "contexts" / "anno-terms.jsonld").read_text(encoding="utf-8"))
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """A pyld document loader that serves the annotation context from disk and fetches nothing."""
    if url != ANNOTATION_CONTEXT:
        raise jsonld.JsonLdError(f"offline: refusing to load {url}", "loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": CONTEXT}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Any]:
    """The newest release's annotations, exported by the command the how-to shows, read back as JSON."""
    folder = tmp_path_factory.mktemp("annotations")
    page = (ROOT / "docs" / "how-to" / "cite.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- cite-commands: annotations -->\n```sh\n(kzrights [^\n]+)\n```", page)
    assert match, "docs/how-to/cite.md lacks its annotations command"
    argv = [sys.executable, "-m", "kzrights", *match.group(1).split()[1:]]
    subprocess.run(argv, cwd=folder, check=True, capture_output=True, timeout=120)
    (written,) = folder.iterdir()
    return dict(json.loads(written.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def expanded(exported) -> list[dict[str, Any]]:
    """The annotations as pyld expands them: one node per annotation, every term a full IRI."""
    (collection,) = jsonld.expand(exported, {"documentLoader": offline_loader})
    (page,) = collection[AS + "first"]
    (items,) = page[AS + "items"]
    return list(items["@list"])


def value(node: dict[str, Any], term: str) -> Any:
    (only,) = node[OA + term]
    return only.get("@value", only.get("@id"))


def selections(node: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    """(source IRI, exact, start, end) of a SpecificResource node's selectors."""
    by_type = {s["@type"][0]: s for s in node[OA + "hasSelector"]}
    quote, position = by_type[OA + "TextQuoteSelector"], by_type[OA + "TextPositionSelector"]
    start, end = value(position, "start"), value(position, "end")
    return [(value(node, "hasSource"), value(quote, "exact"), start, end)]


def context_of(node: dict[str, Any]) -> tuple[str, str]:
    """The (prefix, suffix) of a SpecificResource node's TextQuoteSelector."""
    (quote,) = (s for s in node[OA + "hasSelector"] if s["@type"] == [OA + "TextQuoteSelector"])
    return value(quote, "prefix"), value(quote, "suffix")


def test_pyld_expands_every_annotation(exported, expanded):
    """The export expands in pyld offline; no annotation, body, target or motivation is dropped."""
    report = kzrights.load()  # the newest release, which the how-to's command exports
    assert exported["@context"][0] == ANNOTATION_CONTEXT
    assert (
        len(expanded)
        == exported["total"]
        == len(report.mentions)
        + sum(len(r.theme_links) + len(r.evidence_links) + len(r.sdg_links) for r in report.recommendations)
    )
    motivations = {value(a, "motivatedBy") for a in expanded}
    assert motivations == {OA + "identifying", OA + "classifying", OA + "linking"}
    for annotation in expanded:
        assert annotation["@type"] == [OA + "Annotation"]
        assert annotation["@id"].startswith(f"{IRI_PREFIX}{report.version}:export:annotations:")
        assert annotation[OA + "hasBody"] and len(annotation[OA + "hasTarget"]) == 1
    basis = {a["urn:kzrights:vocab:basis"][0]["@value"] for a in expanded if "urn:kzrights:vocab:basis" in a}
    assert basis == {"explicit", "editorial"}


def test_every_quote_is_the_text_at_its_position(expanded):
    """Each TextQuoteSelector's exact text is the named record's text at its TextPositionSelector."""
    checked = 0
    for annotation in expanded:
        nodes = [*annotation[OA + "hasTarget"], *annotation[OA + "hasBody"]]
        for node in (n for n in nodes if OA + "hasSelector" in n):
            for iri, exact, start, end in selections(node):
                version, record_id = parse_record_iri(iri)
                report = kzrights.load(version)
                record = report.get(record_id)
                assert record.text[start:end] == exact, (iri, start, end)
                prefix, suffix = context_of(node)
                assert record.text[:start].endswith(prefix) and record.text[end:].startswith(suffix)
                assert exact in report.source_text  # the report's own words
                checked += 1
    assert checked > len(expanded)  # every target, and the explicit links' quoted words


def test_targets_name_records_of_the_release(expanded):
    """Every target and every body source is a record IRI of the newest release."""
    report = kzrights.load()
    for annotation in expanded:
        (target,) = annotation[OA + "hasTarget"]
        assert parse_record_iri(value(target, "hasSource")).version == report.version
        for body in annotation[OA + "hasBody"]:
            if OA + "hasSource" in body:
                version, record_id = parse_record_iri(value(body, "hasSource"))
                assert version == report.version and record_id in report
    first = expanded[0]
    assert (
        value(first[OA + "hasBody"][0], "hasSource") == f"urn:kzrights:{report.version}:entities.kazakhstan"
    )


def test_a_wrong_offset_is_caught(exported):
    """The check above fails on an export whose position does not match its quote."""
    broken = json.loads(json.dumps(exported))
    broken["first"]["items"][0]["target"]["selector"][1]["start"] += 1
    (collection,) = jsonld.expand(broken, {"documentLoader": offline_loader})
    (annotation, *_) = collection[AS + "first"][0][AS + "items"][0]["@list"]
    ((iri, exact, start, end),) = selections(annotation[OA + "hasTarget"][0])
    version, record_id = parse_record_iri(iri)
    assert kzrights.load(version).get(record_id).text[start:end] != exact


def test_the_loader_fetches_nothing():
    """A context other than the annotation context is refused, not fetched."""
    document = {"@context": "https://example.org/other.jsonld", "a": 1}
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(document, {"documentLoader": offline_loader})


def test_release_1_0_0_exports_an_empty_collection(tmp_path):
    """1.0.0 has no entities or links: a valid, empty collection."""
    (path,) = kzrights.export(kzrights.load("1.0.0"), "annotations", tmp_path / "a.jsonld")
    (collection,) = jsonld.expand(json.loads(path.read_text()), {"documentLoader": offline_loader})
    assert collection[AS + "totalItems"][0]["@value"] == 0


@given(st.sampled_from([(v, i) for v in kzrights.versions() for i in kzrights.load(v).ids()]))
def test_record_iri_round_trips(pair):
    """Every id of every shipped release has an IRI that parses back to it."""
    version, record_id = pair
    iri = record_iri(version, record_id)
    assert iri == f"urn:kzrights:{version}:{record_id}"
    assert parse_record_iri(iri) == (version, record_id)


@given(st.text(max_size=80))
def test_any_string_parses_or_raises_a_kzrights_error(text):
    """A string that is not a record IRI raises kzrights' own LookupError, which pickles."""
    error: LookupError | None = None
    try:
        version, record_id = parse_record_iri(text)
    except (kzrights.UnknownIdError, kzrights.UnknownVersionError) as caught:
        error = caught
    if error is None:
        assert record_id in kzrights.load(version)
    else:
        assert isinstance(error, kzrights.KzrightsError)
        assert str(pickle.loads(pickle.dumps(error))) == str(error)


@pytest.mark.parametrize("prefix", ["urn:KZRIGHTS:", "URN:kzrights:", "Urn:KzRights:"])
def test_urn_scheme_and_namespace_are_read_in_any_case(prefix):
    """RFC 8141: a URN's scheme and namespace are case-insensitive; the version and the id are not."""
    assert parse_record_iri(f"{prefix}1.1.0:conclusions.p8") == ("1.1.0", "conclusions.p8")
    with pytest.raises(kzrights.UnknownIdError):
        parse_record_iri(f"{prefix}1.1.0:CONCLUSIONS.P8")
    with pytest.raises(kzrights.UnknownIdError):
        parse_record_iri("urn:\N{KELVIN SIGN}zrights:1.1.0:conclusions.p8")  # lowercases to k, is no k


def test_bad_iris_and_ids_have_clear_errors():
    """Unknown versions and ids name what exists; a typo'd IRI names the closest IRIs."""
    available = re.escape("available: " + ", ".join(kzrights.versions()))
    with pytest.raises(kzrights.UnknownVersionError, match=available):
        record_iri("9.9.9", "conclusions.p1")
    with pytest.raises(kzrights.UnknownIdError, match=re.escape("did you mean 'entities.nur-otan'")):
        record_iri("1.1.0", "entities.nur-otann")
    closest = re.escape("did you mean 'urn:kzrights:1.1.0:conclusions.p8'")
    with pytest.raises(kzrights.UnknownIdError, match=closest):
        parse_record_iri("urn:kzrights:1.1.0:conclusion.p8")
    with pytest.raises(kzrights.UnknownVersionError):
        parse_record_iri("urn:kzrights:2.0.0:conclusions.p8")
    with pytest.raises(kzrights.UnknownIdError):
        record_iri("1.0.0", "entities.nur-otan")  # entities came with 1.1.0
    with pytest.raises(TypeError):
        record_iri("1.1.0", 8)  # type: ignore[arg-type]
