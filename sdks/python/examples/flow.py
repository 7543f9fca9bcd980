"""The SDK's whole flow, as an application would write it: review an answer and
wait for the verdict, read the claims and the reviewer's markdown, find the run
again by its external ID, import two CSV rows and list their runs and results,
manage a webhook endpoint (created disabled, so nothing is sent); then the same
with the async client. Prints one JSON summary. The e2e suite runs this file.

    PYTHONPATH=sdks/python/src KIVO_API_BASE_URL=http://127.0.0.1:8787 KIVO_API_KEY=kivo_test_… python3 sdks/python/examples/flow.py
"""

import asyncio
import json
import time

from kivo import AsyncKivo, Kivo, KivoError, utf16_slice

external_id = f"sdk-python-{time.time_ns()}"
policy = {"title": "Refund policy", "content": "Customers may request a refund within 30 days of purchase."}
# The emoji makes every offset after it differ between UTF-16 (Kivo) and Python's code points.
output = "📦 Customers can request refunds for any order within 60 days, including international orders."

kivo = Kivo()  # KIVO_API_KEY, KIVO_API_BASE_URL
run = kivo.review_runs.create_and_wait(output, [policy], "customer_facing", external_id=external_id)
claims = kivo.review_runs.claims(run["id"])["items"]
verification = kivo.review_runs.verification_results(run["id"])["items"]
report = kivo.review_runs.claim_report(run["id"])
markdown = kivo.review_runs.claim_report(run["id"], format="markdown")
listed = [summary["id"] for summary in kivo.review_runs.list(external_id=external_id)]

csv = (
    "external_id,ai_output,source_title,source_content\n"
    f'{external_id}-row-1,Refunds are available for 60 days.,{policy["title"]},"{policy["content"]}"\n'
    f'{external_id}-row-2,"Refunds are available within 30 days of purchase.",{policy["title"]},"{policy["content"]}"\n'
)
imported = kivo.imports.create(csv=csv, intended_use="internal_draft")
# One run per page, so the iterator has to follow a cursor.
imported_runs = [{"id": r["id"], "external_id": r["external_id"]} for r in kivo.review_runs.list(import_id=imported["id"], limit=1)]
# The results file: one line per row, in row order, joined back by external_id.
import_results = [
    {"row": line["row"], "external_id": line["external_id"], "review_run_id": line["review_run_id"], "status": line["status"]}
    for line in kivo.imports.results(imported["id"])
]

# A webhook endpoint from creation to deletion; disabled, so no event is sent to it.
endpoint = kivo.webhook_endpoints.create("http://127.0.0.1:9/kivo-sdk-flow", ["review_run.completed"], description=external_id, enabled=False)
updated = kivo.webhook_endpoints.update(endpoint["id"], event_types=["review_run.completed", "import.completed"])
rotated = kivo.webhook_endpoints.rotate_secret(endpoint["id"], previous_secret_valid_for_seconds=0)
webhook_endpoint = {
    "secret_issued": endpoint["secret"].startswith("whsec_"),
    "secret_rotated": rotated["secret"].startswith("whsec_") and rotated["secret"] != endpoint["secret"],
    "event_types": updated["event_types"],
    "enabled": updated["enabled"],
    "listed": any(item["id"] == endpoint["id"] for item in kivo.webhook_endpoints.list()["items"]),
    "deliveries": len(list(kivo.webhook_endpoints.deliveries(endpoint["id"]))),
    "deleted": kivo.webhook_endpoints.delete(endpoint["id"])["deleted"],
}

try:
    kivo.review_runs.get("run_00000000-0000-4000-8000-000000000000")
    not_found = None
except KivoError as error:
    not_found = {"code": error.code, "status": error.status, "requestId": error.request_id}


async def with_async_client():
    async with AsyncKivo() as client:
        again = await client.review_runs.create_and_wait(output, [policy], "customer_facing", external_id=f"{external_id}-async")
        found = [summary["id"] async for summary in client.review_runs.list(external_id=f"{external_id}-async")]
        return {"id": again["id"], "status": again["status"], "safe_use_status": again["safe_use_status"], "listed": found}


async_result = asyncio.run(with_async_client())
kivo.close()

print(
    json.dumps(
        {
            "review_run_id": run["id"],
            "status": run["status"],
            "safe_use_status": run["safe_use_status"],
            "gate_verdict": (run["gate_verdict"] or {}).get("verdict"),
            "claims": [
                {
                    "id": claim["id"],
                    "support_status": claim["support_status"],
                    "output_text": utf16_slice(run["ai_output"], claim["output_start_offset"], claim["output_end_offset"]),
                }
                for claim in claims
            ],
            "verification_count": len(verification),
            "report_safe_use_status": report["safe_use_status"],
            "markdown_first_line": markdown.split("\n")[0],
            "listed": listed,
            "import": {
                "id": imported["id"],
                "status": imported["status"],
                "accepted": imported["accepted_count"],
                "review_run_ids": imported["review_run_ids"],
            },
            "imported_runs": imported_runs,
            "import_results": import_results,
            "webhook_endpoint": webhook_endpoint,
            "not_found": not_found,
            "async": async_result,
        },
        ensure_ascii=False,
    )
)
