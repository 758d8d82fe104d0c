"""The article, claim by claim: every claim's words are found once in the article, every
paragraph that states a fact has a claim, the verdict rules accept a well-formed graph, and the
Web Annotations carry what the statements say.

The article's text is not part of the project (it is not ours to republish): the tests that
need it read it from ``../shared/seeds/`` beside the checkout, or from the folder named by the
environment variable ``TARAWA_KG_SEEDS``, and are skipped when it is absent."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from rdflib import Graph

from tarawa_kg import load_files, run_query, validate_graph
from tarawa_kg.annotations import ANNOTATIONS_QUERY, article_annotations, serialize_annotations
from tarawa_kg.store import as_knowledge_graph, to_rdflib

from conftest import RESOURCES

ARTICLE_FILE = "000_108aa52be18fb7a9.txt"
NO_CLAIM_FILE = RESOURCES / "article" / "paragraphs-without-claims.tsv"
ARTICLE_URL = "https://tracesdeguerre.com/?p=1195"
TEST_NS = "https://w3id.org/tarawa-kg/id/test/"


@pytest.fixture(scope="module")
def article(project) -> list[str]:
    """The article's paragraphs (one per line of the stored text)."""
    folder = Path(os.environ.get("TARAWA_KG_SEEDS") or project.root.parent / "shared" / "seeds")
    path = folder / ARTICLE_FILE
    if not path.is_file():
        pytest.skip(f"the article's text {path} is absent (set TARAWA_KG_SEEDS to the folder holding {ARTICLE_FILE})")
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def claims(graph) -> list[dict]:
    result = run_query(graph, "article-claims")
    return [dict(zip(result.variables, row)) for row in result.rows]


@pytest.fixture(scope="module")
def annotations(graph) -> dict:
    return article_annotations(graph)


def no_claim_paragraphs() -> dict[int, str]:
    with NO_CLAIM_FILE.open(encoding="utf-8", newline="") as handle:
        return {int(row["paragraph"]): row["reason"] for row in csv.DictReader(handle, delimiter="\t")}


def test_every_selector_matches_the_article_exactly_once(annotations, article):
    text = "\n".join(article)
    bad = []
    for annotation in annotations["@graph"]:
        exact = annotation["target"]["selector"]["exact"]
        if text.count(exact) != 1:
            bad.append(f"{annotation['id']}: « {exact} » occurs {text.count(exact)} times")
    assert annotations["@graph"], "no annotation: the graph has no claim of the article"
    assert bad == []


def test_every_claim_quotes_its_own_paragraph(claims, article):
    bad = [f"{row['statement']} (paragraph {row['paragraph']}): « {row['statedAs']} »"
           for row in claims
           if row["statedAs"] is None or int(row["paragraph"]) > len(article)
           or str(row["statedAs"]) not in article[int(row["paragraph"]) - 1]]
    assert bad == []


def test_every_paragraph_that_states_a_fact_has_a_claim(claims, article):
    exempt = no_claim_paragraphs()
    covered = {int(row["paragraph"]) for row in claims}
    missing = [n for n in range(1, len(article) + 1) if n not in exempt and n not in covered]
    assert missing == [], f"paragraphs of the article with no claim in the graph: {missing}"


def test_paragraphs_without_claims_are_headings_captions_or_advertising_with_a_reason(claims, article):
    exempt = no_claim_paragraphs()
    assert all(reason.strip() for reason in exempt.values())
    assert all(1 <= n <= len(article) for n in exempt)
    assert sorted(exempt) == [2, 6, 9, 22, 29, 31, 37, 41, 42, 47, 54, 56, 61, 62]
    # a paragraph listed as stating no fact has no claim either
    assert {int(row["paragraph"]) for row in claims} & set(exempt) == set()


def test_claims_are_in_reading_order_with_a_verdict(claims):
    assert claims
    keys = [(int(r["paragraph"]), str(r["statement"])) for r in claims]
    assert keys == sorted(keys)
    verdicts = {str(r["verdict"]) for r in claims}
    assert verdicts <= {"ConfirmedClaim", "WrongClaim", "DisputedClaim", "UnverifiedClaim"}
    for row in claims:
        if str(row["verdict"]) == "WrongClaim":
            assert row["correction"] is not None and row["correctionSource"] is not None, row


def test_annotations_carry_the_verdict_statement_and_correction(annotations, claims):
    by_statement = {}
    for row in claims:
        by_statement.setdefault(str(row["statement"]), set()).add(
            (str(row["statedAs"]), str(row["verdict"]), None if row["correction"] is None else str(row["correction"])))
    assert len(annotations["@graph"]) == len({(str(r["statement"]), int(r["paragraph"])) for r in claims})
    for annotation in annotations["@graph"]:
        assert annotation["type"] == "Annotation" and annotation["motivation"] == "assessing"
        assert annotation["target"]["source"] == ARTICLE_URL
        assert annotation["target"]["selector"]["type"] == "TextQuoteSelector"
        bodies = annotation["body"] if isinstance(annotation["body"], list) else [annotation["body"]]
        by_purpose = {}
        for body in bodies:
            by_purpose.setdefault(body["purpose"], []).append(body)
        statement = by_purpose["linking"][0]["source"]
        verdict = by_purpose["classifying"][0]["source"].rsplit("#", 1)[1]
        corrections = sorted(b["source"] for b in by_purpose.get("editing", []))
        expected = by_statement[statement]
        assert (annotation["target"]["selector"]["exact"], verdict) in {(w, v) for w, v, _c in expected}
        assert corrections == sorted({c for _w, _v, c in expected if c is not None})
        assert {v["@language"] for v in by_purpose["assessing"][0]["value"]} == {"en", "fr"}


def test_annotations_file_is_the_same_rdf_as_the_query(graph):
    """The JSON-LD file, read with its written-out context (nothing fetched), holds exactly the
    triples the CONSTRUCT query gives."""
    data = serialize_annotations(graph)
    assert data == serialize_annotations(graph)
    document = json.loads(data)
    assert isinstance(document["@context"], dict)
    parsed = Graph().parse(data=data, format="json-ld")
    constructed = Graph()
    for triple in as_knowledge_graph(graph).store.query(ANNOTATIONS_QUERY):
        constructed.add(tuple(map(to_rdflib, (triple.subject, triple.predicate, triple.object))))
    assert len(parsed) == len(constructed) > 0
    assert set(parsed) == set(constructed)


def test_well_formed_claims_break_no_rule(base_files, shapes):
    graph = load_files([*base_files, RESOURCES / "valid_article_claims.ttl"])
    report = validate_graph(graph, shapes)
    own = [r for r in report.results if str(r.focus_node).startswith(TEST_NS) and str(r.source_shape).endswith("Rule")]
    assert own == []
    annotations = article_annotations(graph)
    assert [a["id"].rsplit("/", 1)[1] for a in annotations["@graph"]] == [
        "article-p003-confirmed", "article-p003-wrong", "article-p004-disputed", "article-p004-unverified"]
    wrong = annotations["@graph"][1]
    assert [b["source"] for b in wrong["body"] if b["purpose"] == "editing"] == [TEST_NS + "right"]
    assert wrong["target"]["selector"]["exact"] == "trente blessés"
