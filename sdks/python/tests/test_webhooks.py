"""The verifier against a header made by Kivo's own signer (src/lib/webhook-signature.ts)."""

import pytest

from kivo import KivoWebhookSignatureError, construct_webhook_event, verify_webhook_signature

BODY = '{"id":"evt_01","type":"review_run.completed","data":{"review_run_id":"run_1","safe_use_status":"needs_repair"}}'
NOW = 1795392000
# signatureHeader(["whsec_current_0123456789abcdef", "whsec_previous_0123456789abcdef"], BODY, NOW), during a rotation.
HEADER = (
    "t=1795392000,"
    "v1=00ff17b9ff5ddd1021312fd184d39d5dbad5d9e74cd929a14d49ab4d071d7334,"
    "v1=2a997ef2d037a3af1149514b037f1add00afc7db716f056bec98df6852f5c1c1"
)


def test_accepts_kivos_signature_with_either_secret_during_a_rotation():
    assert verify_webhook_signature(HEADER, BODY, "whsec_current_0123456789abcdef", now=NOW)
    assert verify_webhook_signature(HEADER, BODY.encode(), ["x", "whsec_previous_0123456789abcdef"], now=NOW + 299)
    assert construct_webhook_event(BODY, HEADER, "whsec_current_0123456789abcdef", now=NOW)["id"] == "evt_01"


@pytest.mark.parametrize(
    "header,body,secret,now",
    [
        (HEADER, BODY, "whsec_wrong", NOW),
        (HEADER, BODY.replace("needs_repair", "verified_for_use"), "whsec_current_0123456789abcdef", NOW),
        (HEADER, BODY, "whsec_current_0123456789abcdef", NOW + 301),
        (HEADER, BODY, "whsec_current_0123456789abcdef", NOW - 301),
        (None, BODY, "whsec_current_0123456789abcdef", NOW),
        ("t=abc,v1=00", BODY, "whsec_current_0123456789abcdef", NOW),
        ("t=1795392000", BODY, "whsec_current_0123456789abcdef", NOW),
    ],
)
def test_refuses_wrong_secret_changed_body_stale_time_and_malformed_headers(header, body, secret, now):
    assert not verify_webhook_signature(header, body, secret, now=now)


def test_construct_raises_on_a_bad_signature():
    with pytest.raises(KivoWebhookSignatureError):
        construct_webhook_event(BODY, HEADER, "whsec_wrong", now=NOW)
