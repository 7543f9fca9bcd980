"""The client against a scripted Kivo: httpx.MockTransport for most cases, a
real http.server on loopback for the wire. Sleeps are recorded instead of
waited, so retry timing is asserted exactly and costs nothing."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, List

import httpx
import pytest

from kivo import API_VERSION, KIVO_VERSION, AsyncKivo, Kivo, KivoConnectionError, KivoError, KivoTimeoutError, __version__
from kivo import models

DOCUMENT = json.loads((Path(__file__).resolve().parents[3] / "openapi" / "openapi.json").read_text("utf-8"))
BODY = dict(
    ai_output="Refunds within 60 days.",
    sources=[{"title": "Policy", "content": "Refunds within 30 days."}],
    intended_use="customer_facing",
)
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

Answer = Callable[[httpx.Request], httpx.Response]


def answer(status: int, body: object, headers: dict | None = None) -> Answer:
    return lambda request: httpx.Response(status, json=body, headers=headers or {})


def kivo_error(status: int, code: str, headers: dict | None = None) -> Answer:
    body = {"error": {"code": code, "message": f"{code} happened"}, "request_id": f"req_{code}"}
    return answer(status, body, {"X-Request-Id": f"req_{code}", **(headers or {})})


def raise_(error: Exception) -> Answer:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    return handler


def run(status: str, **extra: object) -> dict:
    return {"id": "run_1", "status": status, "request_id": "req_run", **extra}


QUEUED = {
    "review_run": run("queued"),
    "queued": {"review_run_id": "run_1", "status": "queued", "polling_url": "x", "recommended_poll_interval_seconds": 2},
    "polling_url": "x",
    "request_id": "req_q",
}


class Script:
    """Scripted answers in order; records each request and each sleep."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: List[httpx.Request] = []
        self.sleeps: List[float] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            return httpx.Response(599, text="the test scripted no more answers")
        return self.answers.pop(0)(request)

    def client(self, **options: object) -> Kivo:
        defaults = dict(base_url="http://kivo.test", transport=httpx.MockTransport(self.handle), sleep=self.sleeps.append, random=lambda: 0.5)
        return Kivo("kivo_test_standin", **{**defaults, **options})

    def async_client(self, **options: object) -> AsyncKivo:
        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        async def handle(request: httpx.Request) -> httpx.Response:
            await request.aread()
            return self.handle(request)

        defaults = dict(base_url="http://kivo.test", transport=httpx.MockTransport(handle), sleep=sleep, random=lambda: 0.5)
        return AsyncKivo("kivo_test_standin", **{**defaults, **options})


# Retries and errors


def test_a_create_is_repeated_after_a_503_with_the_same_idempotency_key():
    script = Script(kivo_error(503, "service_unavailable"), answer(200, run("completed")))
    created = script.client().review_runs.create(**BODY)
    assert created["status"] == "completed"
    keys = [request.headers["Idempotency-Key"] for request in script.requests]
    assert UUID4.match(keys[0]) and keys == [keys[0], keys[0]]
    assert json.loads(script.requests[1].content) == BODY
    assert script.sleeps == [0.375]  # 0.5 s step, jitter factor 0.5 + 0.5/2


def test_the_bookmark_of_each_answer_is_sent_with_the_next_request_so_reads_see_own_writes():
    script = Script(
        answer(202, QUEUED, {"Kivo-Bookmark": "00000001-00000002-00000003-aa"}),
        answer(200, run("queued"), {"Kivo-Bookmark": "00000001-00000002-00000004-bb"}),
        kivo_error(404, "not_found"),
        answer(200, run("queued")),
    )
    kivo = script.client()
    assert kivo.bookmark is None
    kivo.review_runs.create(**BODY)
    kivo.review_runs.get("run_1")
    try:
        kivo.review_runs.get("run_2")
    except KivoError:
        pass
    kivo.review_runs.get("run_1")
    sent = [request.headers.get("Kivo-Bookmark") for request in script.requests]
    # An answer without a bookmark (an error before the database was read) keeps the last one.
    assert sent == [None, "00000001-00000002-00000003-aa", "00000001-00000002-00000004-bb", "00000001-00000002-00000004-bb"]


def test_each_create_gets_its_own_key_and_a_chosen_key_is_kept():
    script = Script(answer(202, QUEUED), answer(202, QUEUED), answer(202, QUEUED))
    kivo = script.client()
    kivo.review_runs.create(**BODY)
    kivo.review_runs.create(**BODY)
    kivo.review_runs.create(**BODY, idempotency_key="order-42")
    keys = [request.headers["Idempotency-Key"] for request in script.requests]
    assert len(set(keys)) == 3 and keys[2] == "order-42"


def test_a_429_waits_as_long_as_retry_after_says():
    script = Script(kivo_error(429, "rate_limited", {"Retry-After": "3"}), answer(200, run("completed")))
    assert script.client().review_runs.get("run_1")["status"] == "completed"
    assert [request.url.path for request in script.requests] == ["/v1/review-runs/run_1"] * 2
    assert script.sleeps == [3.0]


def test_a_429_longer_than_the_caller_will_wait_is_raised_at_once():
    script = Script(kivo_error(429, "rate_limited", {"Retry-After": "120"}))
    with pytest.raises(KivoError) as caught:
        script.client(max_retry_delay=10).review_runs.get("run_1")
    assert (caught.value.code, caught.value.status, caught.value.request_id) == ("rate_limited", 429, "req_rate_limited")
    assert caught.value.retry_after_seconds == 120
    assert len(script.requests) == 1 and script.sleeps == []


def test_after_the_last_retry_kivos_error_is_raised_with_code_status_and_request_id():
    script = Script(*[kivo_error(500, "internal_error")] * 3)
    with pytest.raises(KivoError) as caught:
        script.client(random=lambda: 1.0).review_runs.claims("run_1")
    error = caught.value
    assert (error.code, error.status, error.request_id) == ("internal_error", 500, "req_internal_error")
    assert str(error) == "internal_error: internal_error happened (HTTP 500, request req_internal_error)"
    assert len(script.requests) == 3 and script.sleeps == [0.5, 1.0]


def test_a_refused_request_is_not_repeated_and_its_details_are_exposed():
    doc_url = "https://api.trykivo.co/docs/errors#validation_error"
    envelope = {
        "error": {"code": "validation_error", "message": "Invalid request.", "details": [{"path": "sources", "message": "Required"}], "doc_url": doc_url},
        "request_id": "req_400",
    }
    script = Script(answer(400, envelope))
    with pytest.raises(KivoError) as caught:
        script.client().review_runs.create(**BODY)
    assert caught.value.details == [{"path": "sources", "message": "Required"}]
    assert caught.value.doc_url == doc_url
    assert len(script.requests) == 1


def test_a_cancel_is_not_repeated_after_a_5xx():
    script = Script(kivo_error(502, "service_unavailable"))
    with pytest.raises(KivoError):
        script.client().review_runs.cancel("run_1")
    assert len(script.requests) == 1


def test_runs_and_imports_are_deleted_by_id_and_a_delete_is_not_repeated_after_a_5xx():
    script = Script(
        answer(200, {"id": "run_1", "deleted": True, "request_id": "r1"}),
        answer(200, {"id": "import_1", "deleted": True, "deleted_review_run_count": 3, "request_id": "r2"}),
        kivo_error(502, "service_unavailable"),
        kivo_error(409, "import_not_deletable"),
    )
    kivo = script.client()
    assert kivo.review_runs.delete("run_1") == {"id": "run_1", "deleted": True, "request_id": "r1"}
    assert kivo.imports.delete("import_1") == {"id": "import_1", "deleted": True, "deleted_review_run_count": 3, "request_id": "r2"}
    with pytest.raises(KivoError) as failed:
        kivo.review_runs.delete("run/2")
    assert failed.value.status == 502
    with pytest.raises(KivoError) as refused:
        kivo.imports.delete("import_2")
    assert (refused.value.code, refused.value.status) == ("import_not_deletable", 409)
    assert [(request.method, request.url.raw_path.decode()) for request in script.requests] == [
        ("DELETE", "/v1/review-runs/run_1"),
        ("DELETE", "/v1/imports/import_1"),
        ("DELETE", "/v1/review-runs/run%2F2"),
        ("DELETE", "/v1/imports/import_2"),
    ]


def test_the_async_client_deletes_runs_and_imports_like_the_sync_one():
    script = Script(
        answer(200, {"id": "run_1", "deleted": True, "request_id": "r1"}),
        kivo_error(502, "service_unavailable"),
        answer(200, {"id": "import_1", "deleted": True, "deleted_review_run_count": 0, "request_id": "r2"}),
    )

    async def flow() -> tuple:
        async with script.async_client() as kivo:
            run_deleted = await kivo.review_runs.delete("run_1")
            with pytest.raises(KivoError) as failed:
                await kivo.imports.delete("import_1")
            import_deleted = await kivo.imports.delete("import_1")
            return run_deleted, failed.value, import_deleted

    run_deleted, error, import_deleted = asyncio.run(flow())
    assert run_deleted["deleted"] is True and import_deleted["deleted_review_run_count"] == 0
    assert error.status == 502
    assert [(request.method, request.url.path) for request in script.requests] == [
        ("DELETE", "/v1/review-runs/run_1"),
        ("DELETE", "/v1/imports/import_1"),
        ("DELETE", "/v1/imports/import_1"),
    ]


def test_a_non_kivo_error_page_reads_as_http_status_with_the_header_request_id():
    script = Script(lambda request: httpx.Response(502, text="<h1>Bad gateway</h1>", headers={"X-Request-Id": "req_edge"}))
    with pytest.raises(KivoError) as caught:
        script.client(max_retries=0).review_runs.get("run_1")
    assert (caught.value.code, caught.value.status, caught.value.request_id) == ("http_502", 502, "req_edge")


def test_network_errors_are_retried_then_reported_as_kivo_connection_error():
    script = Script(raise_(httpx.ConnectError("refused")), answer(200, {"id": "import_1"}))
    assert script.client().imports.get("import_1")["id"] == "import_1"
    assert script.sleeps == [0.375]

    failing = Script(raise_(httpx.ConnectError("refused")), raise_(httpx.ReadTimeout("slow")), raise_(httpx.ConnectError("refused")))
    with pytest.raises(KivoConnectionError) as caught:
        failing.client(random=lambda: 0.0).review_runs.get("run_1")
    assert caught.value.attempts == 3 and failing.sleeps == [0.25, 0.5]


def test_against_a_real_server_a_dropped_connection_and_a_429_are_both_retried():
    answers: List[Callable[[BaseHTTPRequestHandler], None]] = [
        lambda handler: handler.connection.close(),
        lambda handler: reply(handler, 429, {"error": {"code": "rate_limited", "message": "slow down"}, "request_id": "req_429"}, {"Retry-After": "1"}),
        lambda handler: reply(handler, 200, run("completed")),
    ]
    seen: List[str] = []

    def reply(handler: BaseHTTPRequestHandler, status: int, body: object, headers: dict | None = None) -> None:
        payload = json.dumps(body).encode()
        handler.send_response(status)
        for name, value in {"Content-Type": "application/json", "Content-Length": str(len(payload)), **(headers or {})}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            seen.append(f"{self.path} {self.headers['User-Agent']} {self.headers['Kivo-Version']}")
            answers.pop(0)(self)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sleeps: List[float] = []
    try:
        with Kivo("kivo_test_standin", base_url=f"http://127.0.0.1:{server.server_port}", sleep=sleeps.append, random=lambda: 0.5) as kivo:
            assert kivo.review_runs.get("run_1")["status"] == "completed"
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [f"/v1/review-runs/run_1 kivo-python/{__version__} (api {API_VERSION}) {KIVO_VERSION}"] * 3
    assert sleeps == [0.375, 1.0]


# Helpers


def test_create_and_wait_asks_for_an_inline_review_then_polls_at_the_recommended_interval():
    script = Script(answer(202, QUEUED), answer(200, run("processing")), answer(200, run("completed", claim_count=2)))
    finished = script.client().review_runs.create_and_wait(**BODY, metadata={"workflow": "support"})
    assert finished["status"] == "completed" and finished["claim_count"] == 2
    assert script.requests[0].headers["Prefer"] == "wait=10"
    assert json.loads(script.requests[0].content)["metadata"] == {"workflow": "support"}
    assert [f"{r.method} {r.url.path}" for r in script.requests[1:]] == ["GET /v1/review-runs/run_1"] * 2
    assert script.sleeps == [2, 2]


def test_create_and_wait_returns_an_inline_result_and_gives_up_after_its_timeout():
    inline = Script(answer(200, run("completed")))
    assert inline.client().review_runs.create_and_wait(**BODY, wait=4)["status"] == "completed"
    assert inline.requests[0].headers["Prefer"] == "wait=4" and len(inline.requests) == 1

    slow = Script(answer(202, QUEUED), answer(200, run("processing")), answer(200, run("processing")))
    with pytest.raises(KivoTimeoutError) as caught:
        slow.client().review_runs.create_and_wait(**BODY, timeout=4)
    assert (caught.value.review_run_id, caught.value.last_status) == ("run_1", "processing")


def test_list_follows_next_cursor_and_fetches_a_page_only_when_reached():
    script = Script(
        answer(200, {"items": [{"id": "run_3"}, {"id": "run_2"}], "has_more": True, "next_cursor": "c2", "request_id": "r"}),
        answer(200, {"items": [{"id": "run_1"}], "has_more": False, "next_cursor": None, "request_id": "r"}),
        answer(200, {"items": [{"id": "run_3"}], "has_more": True, "next_cursor": "c2", "request_id": "r"}),
    )
    kivo = script.client()
    assert [summary["id"] for summary in kivo.review_runs.list(status="completed", limit=2)] == ["run_3", "run_2", "run_1"]
    assert [str(request.url) for request in script.requests] == [
        "http://kivo.test/v1/review-runs?status=completed&limit=2",
        "http://kivo.test/v1/review-runs?status=completed&limit=2&cursor=c2",
    ]
    assert next(iter(kivo.review_runs.list()))["id"] == "run_3"
    assert len(script.requests) == 3


def test_claim_report_asks_for_markdown_or_html_and_returns_the_text():
    script = Script(
        lambda request: httpx.Response(200, text="# Claim report\n", headers={"Content-Type": "text/markdown"}),
        lambda request: httpx.Response(200, text="<h1>Needs repair</h1>", headers={"Content-Type": "text/html"}),
    )
    kivo = script.client()
    assert kivo.review_runs.claim_report("run_1", format="markdown") == "# Claim report\n"
    assert kivo.review_runs.claim_report("run_1", format="html") == "<h1>Needs repair</h1>"
    assert [(request.url.params["format"], request.headers["Accept"]) for request in script.requests] == [
        ("markdown", "text/markdown"),
        ("html", "text/html"),
    ]
    with pytest.raises(ValueError):
        kivo.review_runs.claim_report("run_1", format="pdf")  # type: ignore[arg-type]


def test_imports_send_rows_as_json_and_files_as_themselves_with_defaults_in_the_query():
    script = Script(*[answer(202, {"id": "import_1"})] * 3)
    kivo = script.client()
    kivo.imports.create(rows=[BODY], strictness="strict")
    kivo.imports.create(jsonl='{"ai_output":"a"}\n', intended_use="internal_draft")
    kivo.imports.create(csv="answer,kb\nA,B\n", intended_use="customer_facing", field_mapping={"ai_output": "answer", "source_content": "kb"})
    rows, jsonl, csv = script.requests
    assert rows.headers["Content-Type"] == "application/json"
    assert json.loads(rows.content) == {"media_type": "application/json", "rows": [BODY], "strictness": "strict"}
    assert (jsonl.headers["Content-Type"], jsonl.url.params["intended_use"], jsonl.content) == ("application/x-ndjson", "internal_draft", b'{"ai_output":"a"}\n')
    assert csv.headers["Content-Type"] == "text/csv"
    assert json.loads(csv.url.params["field_mapping"]) == {"ai_output": "answer", "source_content": "kb"}
    assert all(UUID4.match(request.headers["Idempotency-Key"]) for request in script.requests)
    with pytest.raises(ValueError, match="exactly one"):
        kivo.imports.create(rows=[BODY], csv="a,b\n")


def jsonl(*lines: object) -> Answer:
    return lambda request: httpx.Response(200, text="".join(json.dumps(line) + "\n" for line in lines), headers={"Content-Type": "application/x-ndjson"})


RESULT_LINE = {
    "row": 1,
    "external_id": "answer_001",
    "review_run_id": "run_1",
    "status": "completed",
    "safe_use_status": "needs_repair",
    "verdict": "needs_repair",
    "claim_count": 1,
    "unsupported_claim_count": 1,
    "reasons": [{"code": "contradicted", "message": "30 days, not 60."}],
    "error_code": None,
    "error_message": None,
}


def test_import_results_read_the_results_file_line_by_line_and_as_csv():
    rejected = {**RESULT_LINE, "row": 2, "external_id": "answer_002", "review_run_id": None, "status": "rejected", "error_code": "validation_error"}
    script = Script(jsonl(RESULT_LINE, rejected), lambda request: httpx.Response(200, text="row,external_id\r\n2,answer_002\r\n"))
    kivo = script.client()
    assert list(kivo.imports.results("import_1")) == [RESULT_LINE, rejected]
    assert kivo.imports.results_csv("import_1", from_row=2) == "row,external_id\r\n2,answer_002\r\n"
    first, second = script.requests
    assert (first.url.path, dict(first.url.params), first.headers["Accept"]) == ("/v1/imports/import_1/results", {"format": "jsonl"}, "application/x-ndjson")
    assert (dict(second.url.params), second.headers["Accept"]) == ({"format": "csv", "from_row": "2"}, "text/csv")


ENDPOINT = {"id": "whep_1", "url": "https://hooks.example.com/kivo", "enabled": True, "event_types": ["review_run.completed"]}


def test_webhook_endpoints_are_managed_and_only_reads_and_updates_are_repeated_after_a_5xx():
    script = Script(
        answer(201, {**ENDPOINT, "secret": "whsec_1", "request_id": "r"}),
        answer(200, {"items": [ENDPOINT], "request_id": "r"}),
        kivo_error(502, "service_unavailable"),
        answer(200, {**ENDPOINT, "enabled": False, "request_id": "r"}),
        answer(200, {"items": [{"id": "whdl_2"}], "has_more": True, "next_cursor": "c2", "request_id": "r"}),
        answer(200, {"items": [{"id": "whdl_1"}], "has_more": False, "next_cursor": None, "request_id": "r"}),
        kivo_error(502, "service_unavailable"),
    )
    hooks = script.client().webhook_endpoints
    created = hooks.create("https://hooks.example.com/kivo", ["review_run.completed"], description="CI")
    assert created["secret"] == "whsec_1"
    assert hooks.list()["items"] == [ENDPOINT]
    assert hooks.update("whep_1", enabled=False)["enabled"] is False
    assert [delivery["id"] for delivery in hooks.deliveries("whep_1", limit=1)] == ["whdl_2", "whdl_1"]
    with pytest.raises(KivoError):
        hooks.rotate_secret("whep_1", previous_secret_valid_for_seconds=0)
    sent = [(request.method, request.url.path, dict(request.url.params)) for request in script.requests]
    assert sent == [
        ("POST", "/v1/webhook-endpoints", {}),
        ("GET", "/v1/webhook-endpoints", {}),
        ("PATCH", "/v1/webhook-endpoints/whep_1", {}),
        ("PATCH", "/v1/webhook-endpoints/whep_1", {}),
        ("GET", "/v1/webhook-endpoints/whep_1/deliveries", {"limit": "1"}),
        ("GET", "/v1/webhook-endpoints/whep_1/deliveries", {"limit": "1", "cursor": "c2"}),
        ("POST", "/v1/webhook-endpoints/whep_1/rotate-secret", {}),
    ]
    assert json.loads(script.requests[0].content) == {"url": "https://hooks.example.com/kivo", "event_types": ["review_run.completed"], "description": "CI"}
    assert json.loads(script.requests[2].content) == {"enabled": False}
    assert json.loads(script.requests[-1].content) == {"previous_secret_valid_for_seconds": 0}


def test_the_async_client_retries_polls_and_pages_like_the_sync_one():
    script = Script(
        kivo_error(503, "service_unavailable"),
        answer(202, QUEUED),
        answer(200, run("completed")),
        answer(200, {"items": [{"id": "run_2"}], "has_more": True, "next_cursor": "c2", "request_id": "r"}),
        answer(200, {"items": [{"id": "run_1"}], "has_more": False, "next_cursor": None, "request_id": "r"}),
        kivo_error(404, "not_found"),
        jsonl(RESULT_LINE),
    )

    async def flow() -> tuple:
        async with script.async_client() as kivo:
            finished = await kivo.review_runs.create_and_wait(**BODY)
            ids = [summary["id"] async for summary in kivo.review_runs.list(import_id="import_1")]
            with pytest.raises(KivoError) as caught:
                await kivo.review_runs.get("run_missing")
            lines = [line async for line in kivo.imports.results("import_1")]
            return finished, ids, caught.value, lines

    finished, ids, error, lines = asyncio.run(flow())
    assert lines == [RESULT_LINE]
    assert finished["status"] == "completed" and ids == ["run_2", "run_1"]
    assert (error.code, error.status, error.request_id) == ("not_found", 404, "req_not_found")
    assert script.requests[0].headers["Idempotency-Key"] == script.requests[1].headers["Idempotency-Key"]
    assert script.requests[3].url.params["import_id"] == "import_1"
    assert script.sleeps == [0.375, 2]


def test_the_key_comes_from_the_environment_when_not_given(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KIVO_API_KEY", raising=False)
    with pytest.raises(ValueError, match="KIVO_API_KEY"):
        Kivo()
    monkeypatch.setenv("KIVO_API_KEY", "kivo_test_env")
    monkeypatch.setenv("KIVO_API_BASE_URL", "http://kivo.env/")
    script = Script(answer(200, run("completed")))
    Kivo(transport=httpx.MockTransport(script.handle)).review_runs.get("run_1")
    assert script.requests[0].headers["Authorization"] == "Bearer kivo_test_env"
    assert str(script.requests[0].url) == "http://kivo.env/v1/review-runs/run_1"


# The package against the committed document


def _properties(schema: dict) -> set:
    if "$ref" in schema:
        return _properties(DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= _properties(part)
    return names


@pytest.mark.parametrize(
    "model, schema",
    [
        (models.ReviewRunSummary, "ReviewRunSummary"),
        (models.ReviewRun, "ReviewRun"),
        (models.QueuedReviewRun, "QueuedReviewRun"),
        (models.ReviewRunList, "ReviewRunList"),
        (models.Claim, "Claim"),
        (models.ClaimList, "ClaimList"),
        (models.VerificationResult, "VerificationResult"),
        (models.ClaimReport, "ClaimReportResponse"),
        (models.SourceSpan, "SourceSpan"),
        (models.SourceDocument, "SourceDocument"),
        (models.GateVerdict, "GateVerdict"),
        (models.Import, "Import"),
        (models.ImportRow, "ImportRow"),
        (models.ImportValidationError, "ImportValidationError"),
        (models.ImportResultLine, "ImportResultLine"),
        (models.WebhookEndpoint, "WebhookEndpoint"),
        (models.WebhookEndpointWithSecret, "WebhookEndpointWithSecret"),
        (models.WebhookEndpointList, "WebhookEndpointList"),
        (models.WebhookDelivery, "WebhookDelivery"),
        (models.WebhookDeliveryList, "WebhookDeliveryList"),
        (models.ReportLink, "ReportLink"),
        (models.SourceInput, "SourceInput"),
    ],
)
def test_each_model_has_exactly_the_fields_of_its_schema(model: type, schema: str):
    fields = set(model.__required_keys__) | set(model.__optional_keys__)  # type: ignore[attr-defined]
    assert fields == _properties({"$ref": f"#/components/schemas/{schema}"})


def test_the_api_version_is_the_documents():
    assert API_VERSION == DOCUMENT["info"]["version"]
    assert KIVO_VERSION == DOCUMENT["info"]["x-kivo-version"]
