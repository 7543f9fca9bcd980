#!/usr/bin/env bash
# The API reference's calls with curl, in order: create a review run, poll it
# until it completes, read its claims, verification results and claim report
# (JSON and markdown), get a reviewer link to the HTML report, then import a
# batch (JSON rows, and the JSONL fixture as a file). Needs curl and jq.
#
#   KIVO_API_BASE_URL=http://127.0.0.1:8787 KIVO_API_KEY=kivo_test_… bash examples/curl/quickstart.sh
set -euo pipefail
: "${KIVO_API_BASE_URL:?set KIVO_API_BASE_URL, e.g. http://127.0.0.1:8787}"
: "${KIVO_API_KEY:?set KIVO_API_KEY to a key with review_runs:create, review_runs:read and imports:create}"
fixtures="$(cd "$(dirname "$0")/../fixtures" && pwd)"

# Any non-2xx answer stops the script and shows Kivo's error envelope (code, message, request_id).
fail() { echo "Kivo request failed: $1" >&2; exit 1; }

echo "== Create a review run"
accepted=$(curl -sS --fail-with-body "$KIVO_API_BASE_URL/v1/review-runs" \
  -H "Authorization: Bearer $KIVO_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{
  "ai_output": "Customers can request refunds for any order within 60 days, including international orders.",
  "sources": [
    {
      "title": "Refund policy",
      "content": "Customers may request a refund within 30 days of purchase."
    }
  ],
  "intended_use": "customer_facing",
  "strictness": "standard",
  "metadata": {
    "workflow": "support_answer",
    "environment": "quickstart"
  }
}') || fail "$accepted"
run_id=$(jq -r '.review_run.id' <<<"$accepted")
polling_url=$(jq -r '.polling_url' <<<"$accepted")
interval=$(jq -r '.queued.recommended_poll_interval_seconds' <<<"$accepted")
echo "review_run_id: $run_id"
echo "polling_url: $polling_url"

echo "== Poll until it completes"
status=queued
for _ in $(seq 1 60); do
  run=$(curl -sS --fail-with-body "$polling_url" \
    -H "Authorization: Bearer $KIVO_API_KEY") || fail "$run"
  status=$(jq -r '.status' <<<"$run")
  echo "status: $status"
  case "$status" in
    queued | processing) sleep "$interval" ;;
    *) break ;;
  esac
done
[ "$status" = completed ] || fail "run $run_id ended as $status"
echo "safe_use_status: $(jq -r '.safe_use_status' <<<"$run")"
echo "gate_verdict: $(jq -r '.gate_verdict.verdict' <<<"$run")"

echo "== Claims"
claims=$(curl -sS --fail-with-body "$KIVO_API_BASE_URL/v1/review-runs/$run_id/claims" \
  -H "Authorization: Bearer $KIVO_API_KEY") || fail "$claims"
jq -r '.items[] | "claim: \(.support_status) \(.id) \(.text)"' <<<"$claims"

echo "== Verification results"
results=$(curl -sS --fail-with-body "$KIVO_API_BASE_URL/v1/review-runs/$run_id/verification-results" \
  -H "Authorization: Bearer $KIVO_API_KEY") || fail "$results"
jq -r '.items[] | "verification: \(.support_status) \(.atomic_claim_id) \(.rationale)"' <<<"$results"

echo "== Claim report (JSON)"
report=$(curl -sS --fail-with-body "$KIVO_API_BASE_URL/v1/review-runs/$run_id/claim-report" \
  -H "Authorization: Bearer $KIVO_API_KEY") || fail "$report"
echo "report_safe_use_status: $(jq -r '.safe_use_status' <<<"$report")"
echo "summary: $(jq -r '.summary' <<<"$report")"

echo "== Claim report (markdown)"
curl -sS --fail-with-body "$KIVO_API_BASE_URL/v1/review-runs/$run_id/claim-report" \
  -H "Authorization: Bearer $KIVO_API_KEY" \
  -H "Accept: text/markdown"

echo "== Reviewer link (opens the HTML report without an API key)"
link=$(curl -sS --fail-with-body -X POST "$KIVO_API_BASE_URL/v1/review-runs/$run_id/report-links" \
  -H "Authorization: Bearer $KIVO_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{"expires_in_seconds": 3600}') || fail "$link"
echo "report_url: $(jq -r '.url' <<<"$link")"
echo "expires_at: $(jq -r '.expires_at' <<<"$link")"

echo "== Create import"
import=$(curl -sS --fail-with-body "$KIVO_API_BASE_URL/v1/imports" \
-H "Authorization: Bearer $KIVO_API_KEY" \
-H "Content-Type: application/json" \
-d '{
"media_type": "application/x-ndjson",
"rows": [
{
"external_id": "answer_001",
"ai_output": "Refunds are available for 60 days.",
"sources": [
{
"title": "Refund policy",
"content": "Customers may request a refund within 30 days of purchase."
}
],
"intended_use": "customer_facing"
}
]
}') || fail "$import"
jq -r '"import: \(.id) \(.status) accepted=\(.accepted_count) rejected=\(.rejected_count) runs=\(.review_run_ids | join(","))"' <<<"$import"

echo "== Import the JSONL fixture as a file"
upload=$(curl -sS --fail-with-body "$KIVO_API_BASE_URL/v1/imports" \
  -H "Authorization: Bearer $KIVO_API_KEY" \
  -H "Content-Type: application/x-ndjson" \
  --data-binary @"$fixtures/sample.jsonl") || fail "$upload"
jq -r '"import: \(.id) \(.status) accepted=\(.accepted_count) rejected=\(.rejected_count) runs=\(.review_run_ids | join(","))"' <<<"$upload"
