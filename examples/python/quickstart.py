"""The SDK page's Python example as written, with the two values it assumes
(`output` and `sources`), then: poll the run until it completes, read its claims
and claim report, and import the JSONL fixture as a batch.

    KIVO_API_BASE_URL=http://127.0.0.1:8787 KIVO_API_KEY=kivo_test_… python3 examples/python/quickstart.py

Needs `requests` (Debian: apt-get install python3-requests; or pip install requests).
"""

import os
import time
from pathlib import Path

import requests

output = "Customers can request refunds for any order within 60 days, including international orders."
sources = [{"title": "Refund policy", "content": "Customers may request a refund within 30 days of purchase."}]

response = requests.post(
    f"{os.environ['KIVO_API_BASE_URL']}/v1/review-runs",
    headers={
        "Authorization": f"Bearer {os.environ['KIVO_API_KEY']}",
        "Content-Type": "application/json",
    },
    json={
        "ai_output": output,
        "sources": sources,
        "intended_use": "customer_facing",
        "strictness": "standard",
        "metadata": {"workflow": "support_answer"},
    },
    timeout=30,
)
response.raise_for_status()
accepted = response.json()
print(accepted["review_run"]["id"], accepted["polling_url"])

# Poll until the run leaves queued/processing, at the interval Kivo recommends.

base_url = os.environ["KIVO_API_BASE_URL"]
session = requests.Session()
session.headers["Authorization"] = f"Bearer {os.environ['KIVO_API_KEY']}"


def kivo(method, path_or_url, **kwargs):
    url = path_or_url if path_or_url.startswith("http") else f"{base_url}{path_or_url}"
    answer = session.request(method, url, timeout=30, **kwargs)
    if not answer.ok:
        error = answer.json()
        raise RuntimeError(f"Kivo request failed: {error['error']['code']} {error['request_id']}")
    return answer


run_id = accepted["review_run"]["id"]
run = accepted["review_run"]
for attempt in range(61):
    if run["status"] not in ("queued", "processing"):
        break
    if attempt == 60:
        raise RuntimeError(f"Run {run_id} is still {run['status']}")
    time.sleep(accepted["queued"]["recommended_poll_interval_seconds"])
    run = kivo("GET", accepted["polling_url"]).json()
if run["status"] != "completed":
    raise RuntimeError(f"Run {run_id} ended as {run['status']}: {run['error_code']}")
print(f"status: {run['status']}")
print(f"safe_use_status: {run['safe_use_status']}")
print(f"gate_verdict: {run['gate_verdict']['verdict']}")

for claim in kivo("GET", f"/v1/review-runs/{run_id}/claims").json()["items"]:
    rationale = (claim["verification_result"] or {}).get("rationale", "")
    print(f"claim: {claim['support_status']} {claim['id']} {claim['text']} | {rationale}")

report = kivo("GET", f"/v1/review-runs/{run_id}/claim-report").json()
print(f"report_safe_use_status: {report['safe_use_status']}")
print(f"summary: {report['summary']}")
markdown = kivo("GET", f"/v1/review-runs/{run_id}/claim-report", headers={"Accept": "text/markdown"}).text
print(markdown)

# A batch: the JSONL fixture, sent as the file itself.

fixture = Path(__file__).resolve().parent.parent / "fixtures" / "sample.jsonl"
imported = kivo(
    "POST",
    "/v1/imports",
    data=fixture.read_bytes(),
    headers={"Content-Type": "application/x-ndjson"},
).json()
print(
    f"import: {imported['id']} {imported['status']} accepted={imported['accepted_count']} "
    f"rejected={imported['rejected_count']} runs={','.join(imported['review_run_ids'])}"
)
