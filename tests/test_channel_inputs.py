"""What a user-facing channel accepts as a message (assistant.channels.inputs)."""

from __future__ import annotations

import json

import pytest

from assistant import texts
from assistant.channels.inputs import BadRequest, clean_text, parse_rest_body, refusal


@pytest.mark.parametrize(
    "raw, code",
    [
        (b"", "invalid_json"),
        (b"[]", "invalid_json"),
        (b"null", "invalid_json"),
        (b"{", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b"[" * 5000, "invalid_json"),
        (b'"text"', "invalid_json"),
        (b"{}", "invalid_sender"),
        (b'{"message": "hi"}', "invalid_sender"),
        (b'{"sender": "a"}', "invalid_message"),
        (b'{"sender": 1, "message": "hi"}', "invalid_sender"),
        (b'{"sender": null, "message": "hi"}', "invalid_sender"),
        (b'{"sender": "a b", "message": "hi"}', "invalid_sender"),
        (b'{"sender": "", "message": "hi"}', "invalid_sender"),
        (b'{"sender": "../etc", "message": "hi"}', "invalid_sender"),
        (json.dumps({"sender": "x" * 129, "message": "hi"}).encode(), "invalid_sender"),
        (b'{"sender": "\\u5f20\\u4e09", "message": "hi"}', "invalid_sender"),
        (b'{"sender": "a", "message": ["hi"]}', "invalid_message"),
        (b'{"sender": "a", "message": 5}', "invalid_message"),
    ],
)
def test_malformed_requests_are_refused_with_a_reason(raw, code):
    with pytest.raises(BadRequest) as err:
        parse_rest_body(raw)
    assert err.value.code == code and err.value.as_json()["message"]


def test_a_well_formed_request_is_a_message():
    inbound = parse_rest_body(
        json.dumps({"sender": "oWx-12_ab:c@d.e", "message": "  平安的住院陪护在杭州能用吗 "}).encode()
    )
    assert inbound.sender == "oWx-12_ab:c@d.e" and inbound.text == "平安的住院陪护在杭州能用吗"


def test_text_is_cleaned_of_what_no_store_accepts():
    assert clean_text("a\x00b\x07c\nd\te") == "abc\nd\te"
    cleaned = clean_text("x\ud800y")  # a lone surrogate (valid JSON, not valid UTF-8)
    cleaned.encode("utf-8")
    assert cleaned.startswith("x") and cleaned.endswith("y")


def test_empty_and_over_long_messages_get_a_polite_reply_and_others_none():
    assert refusal("", 1000) == texts.EMPTY
    assert "1001" in refusal("字" * 1001, 1000) and "1000" in refusal("字" * 1001, 1000)
    assert refusal("字" * 1000, 1000) is None
