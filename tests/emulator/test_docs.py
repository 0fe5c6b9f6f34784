"""Docs v1 through the real googleapiclient: structure and indices, batchUpdate, atomicity."""

from __future__ import annotations

import pytest
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from gworkspace_supervision.emulator import LocalWorkspace

ALICE = "alice@example-council.gov.uk"


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    """One workspace for this module (each test makes its own Doc) and one `documents()`
    resource: googleapiclient renders docstrings for the whole Docs schema on every
    `.documents()` call (~0.25 s), so building it per test would dominate the run time."""
    ws = LocalWorkspace(tmp_path_factory.mktemp("docs") / "workspace")
    service = build("docs", "v1", http=ws.http(ALICE), static_discovery=True, cache_discovery=False)
    yield service.documents()
    ws.close()


def new_doc(docs, text=None):
    doc_id = docs.create(body={"title": "Record"}).execute()["documentId"]
    if text:
        update(docs, doc_id, {"insertText": {"location": {"index": 1}, "text": text}})
    return doc_id


def update(docs, doc_id, *requests):
    return docs.batchUpdate(documentId=doc_id, body={"requests": list(requests)}).execute()


def body(docs, doc_id):
    return docs.get(documentId=doc_id).execute()["body"]["content"]


def text_of(content):
    out = []
    for el in content:
        if "paragraph" in el:
            out.append("".join(e["textRun"]["content"] for e in el["paragraph"]["elements"]))
        elif "table" in el:
            for row in el["table"]["tableRows"]:
                for cell in row["tableCells"]:
                    out.append(text_of(cell["content"]))
    return "".join(out)


def test_a_new_document_has_googles_shape(docs):
    doc = docs.create(body={"title": "Record"}).execute()
    assert doc["title"] == "Record" and doc["revisionId"]
    content = doc["body"]["content"]
    assert content[0] == {
        "endIndex": 1,
        "sectionBreak": {
            "sectionStyle": {
                "columnSeparatorStyle": "NONE",
                "contentDirection": "LEFT_TO_RIGHT",
                "sectionType": "CONTINUOUS",
            }
        },
    }
    assert content[1]["startIndex"] == 1 and content[1]["endIndex"] == 2
    assert content[1]["paragraph"]["elements"][0]["textRun"]["content"] == "\n"


def test_insert_table_indices_match_google(docs):
    doc_id = new_doc(docs)
    update(docs, doc_id, {"insertTable": {"rows": 2, "columns": 2, "location": {"index": 1}}})
    content = body(docs, doc_id)
    assert [(e.get("startIndex", 0), e["endIndex"]) for e in content] == [
        (0, 1),
        (1, 2),
        (2, 14),
        (14, 15),
    ]
    table = content[2]["table"]
    starts = [[c["content"][0]["startIndex"] for c in r["tableCells"]] for r in table["tableRows"]]
    assert starts == [[5, 7], [10, 12]]
    # fill cells from the last index backwards, as Google's docs advise
    update(
        docs,
        doc_id,
        *[
            {"insertText": {"location": {"index": i}, "text": t}}
            for i, t in ((12, "D"), (10, "C"), (7, "B"), (5, "A"))
        ],
    )
    assert text_of(body(docs, doc_id)) == "\nA\nB\nC\nD\n\n"


def test_end_of_segment_table_and_text(docs):
    doc_id = new_doc(docs, "Intro")
    update(
        docs,
        doc_id,
        {"insertTable": {"rows": 1, "columns": 3, "endOfSegmentLocation": {}}},
        {"insertText": {"endOfSegmentLocation": {}, "text": "After"}},
    )
    content = body(docs, doc_id)
    assert "table" in content[2] and content[2]["table"]["columns"] == 3
    assert text_of(content).endswith("After\n")


def test_replace_all_text_counts_and_match_case(docs):
    doc_id = new_doc(docs, "Hi {{name}} and {{NAME}}\nStatus: DRAFT")
    reply = update(
        docs,
        doc_id,
        {
            "replaceAllText": {
                "containsText": {"text": "{{name}}", "matchCase": True},
                "replaceText": "Jane",
            }
        },
        {"replaceAllText": {"containsText": {"text": "{{name}}"}, "replaceText": "Doe"}},
        {
            "replaceAllText": {
                "containsText": {"text": "absent", "matchCase": True},
                "replaceText": "x",
            }
        },
    )
    assert reply["replies"] == [
        {"replaceAllText": {"occurrencesChanged": 1}},
        {"replaceAllText": {"occurrencesChanged": 1}},
        {"replaceAllText": {}},  # Google omits a zero count
    ]
    assert text_of(body(docs, doc_id)) == "Hi Jane and Doe\nStatus: DRAFT\n"


def test_batch_update_is_atomic(docs):
    doc_id = new_doc(docs, "Keep me")
    before = docs.get(documentId=doc_id).execute()
    with pytest.raises(HttpError) as exc:
        update(
            docs,
            doc_id,
            {"replaceAllText": {"containsText": {"text": "Keep"}, "replaceText": "Lose"}},
            {"insertText": {"location": {"index": 500}, "text": "x"}},
        )
    assert exc.value.resp.status == 400
    assert "requests[1].insertText" in str(exc.value)
    after = docs.get(documentId=doc_id).execute()
    assert after == before


@pytest.mark.parametrize(
    "request_",
    [
        {"insertText": {"location": {"index": 0}, "text": "x"}},
        {"deleteContentRange": {"range": {"startIndex": 1, "endIndex": 9}}},  # the final newline
        {"deleteContentRange": {"range": {"startIndex": 3, "endIndex": 3}}},
        {"insertText": {"location": {"index": 1, "segmentId": "kix.header"}, "text": "x"}},
        {"insertInlineImage": {"location": {"index": 1}, "uri": "https://example.org/a.png"}},
    ],
)
def test_invalid_requests_are_400(docs, request_):
    doc_id = new_doc(docs, "Content")
    with pytest.raises(HttpError) as exc:
        update(docs, doc_id, request_)
    assert exc.value.resp.status == 400


def test_table_structure_cannot_be_half_deleted(docs):
    doc_id = new_doc(docs, "ab")
    update(docs, doc_id, {"insertTable": {"rows": 1, "columns": 2, "location": {"index": 3}}})
    content = body(docs, doc_id)
    table = content[2]
    with pytest.raises(HttpError):
        update(
            docs,
            doc_id,
            {"deleteContentRange": {"range": {"startIndex": 2, "endIndex": table["endIndex"] - 1}}},
        )
    update(
        docs,
        doc_id,
        {
            "deleteContentRange": {
                "range": {"startIndex": table["startIndex"], "endIndex": table["endIndex"]}
            }
        },
    )
    assert all("table" not in e for e in body(docs, doc_id))


def test_delete_merges_paragraphs(docs):
    doc_id = new_doc(docs, "one\ntwo")
    update(docs, doc_id, {"deleteContentRange": {"range": {"startIndex": 4, "endIndex": 5}}})
    content = body(docs, doc_id)
    assert text_of(content) == "onetwo\n" and len(content) == 2


def test_named_ranges_follow_edits_and_can_be_replaced(docs):
    doc_id = new_doc(docs, "Name: XXXX here")
    reply = update(
        docs,
        doc_id,
        {"createNamedRange": {"name": "supervisee", "range": {"startIndex": 7, "endIndex": 11}}},
    )
    nid = reply["replies"][0]["createNamedRange"]["namedRangeId"]
    update(docs, doc_id, {"insertText": {"location": {"index": 1}, "text": ">> "}})
    named = docs.get(documentId=doc_id).execute()["namedRanges"]["supervisee"]
    assert named["namedRanges"][0]["ranges"] == [{"startIndex": 10, "endIndex": 14}]
    update(docs, doc_id, {"replaceNamedRangeContent": {"namedRangeId": nid, "text": "Jane Doe"}})
    doc = docs.get(documentId=doc_id).execute()
    assert text_of(doc["body"]["content"]) == ">> Name: Jane Doe here\n"
    assert doc["namedRanges"]["supervisee"]["namedRanges"][0]["ranges"] == [
        {"startIndex": 10, "endIndex": 18}
    ]
    update(docs, doc_id, {"deleteNamedRange": {"name": "supervisee"}})
    assert "namedRanges" not in docs.get(documentId=doc_id).execute()


def test_style_requests_are_stored(docs):
    doc_id = new_doc(docs, "Title\nBody")
    update(
        docs,
        doc_id,
        {
            "updateParagraphStyle": {
                "range": {"startIndex": 1, "endIndex": 6},
                "paragraphStyle": {"namedStyleType": "HEADING_1"},
                "fields": "namedStyleType",
            }
        },
        {
            "updateTextStyle": {
                "range": {"startIndex": 7, "endIndex": 11},
                "textStyle": {"bold": True},
                "fields": "bold",
            }
        },
        {
            "createParagraphBullets": {
                "range": {"startIndex": 7, "endIndex": 11},
                "bulletPreset": "BULLET_DISC_CIRCLE_SQUARE",
            }
        },
    )
    content = body(docs, doc_id)
    assert content[1]["paragraph"]["paragraphStyle"]["namedStyleType"] == "HEADING_1"
    assert content[2]["paragraph"]["elements"][0]["textRun"]["textStyle"] == {"bold": True}
    assert "bullet" in content[2]["paragraph"]
    with pytest.raises(HttpError):
        update(
            docs,
            doc_id,
            {
                "updateTextStyle": {
                    "range": {"startIndex": 1, "endIndex": 2},
                    "textStyle": {"bold": True},
                }
            },
        )


def test_required_revision_id(docs):
    doc_id = new_doc(docs, "x")
    rev = docs.get(documentId=doc_id).execute()["revisionId"]
    ok = docs.batchUpdate(
        documentId=doc_id,
        body={
            "requests": [{"insertText": {"location": {"index": 1}, "text": "y"}}],
            "writeControl": {"requiredRevisionId": rev},
        },
    ).execute()
    assert ok["writeControl"]["requiredRevisionId"] != rev
    with pytest.raises(HttpError) as exc:
        docs.batchUpdate(
            documentId=doc_id,
            body={
                "requests": [{"insertText": {"location": {"index": 1}, "text": "z"}}],
                "writeControl": {"requiredRevisionId": rev},
            },
        ).execute()
    assert exc.value.resp.status == 400


def test_unicode_indices_count_utf16_units(docs):
    doc_id = new_doc(docs, "a\U0001f600b")
    runs = body(docs, doc_id)[1]["paragraph"]["elements"]
    assert runs[0]["endIndex"] == 6  # 1 + a(1) + emoji(2) + b(1) + newline(1)
    assert runs[0]["textRun"]["content"] == "a\U0001f600b\n"


def test_tabs_content(docs):
    doc_id = new_doc(docs, "x")
    doc = docs.get(documentId=doc_id, includeTabsContent=True).execute()
    assert "body" not in doc
    assert text_of(doc["tabs"][0]["documentTab"]["body"]["content"]) == "x\n"
