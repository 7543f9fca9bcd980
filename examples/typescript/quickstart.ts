// The SDK page's TypeScript example as written, with the two values it assumes
// (`output` and `sources`), then what an integration does next: poll the run
// until it completes, read its claims and the claim report.
//
//   KIVO_API_BASE_URL=http://127.0.0.1:8787 KIVO_API_KEY=kivo_test_… npx node examples/typescript/quickstart.ts
//
// Node 22.18+ runs it as is (type stripping); no dependencies.

const output = "Customers can request refunds for any order within 60 days, including international orders.";
const sources = [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }];

const response = await fetch(`${process.env.KIVO_API_BASE_URL}/v1/review-runs`, {
  method: "POST",
  headers: {
    Authorization: `Bearer ${process.env.KIVO_API_KEY}`,
    "Content-Type": "application/json"
  },
  body: JSON.stringify({
    ai_output: output,
    sources,
    intended_use: "customer_facing",
    strictness: "standard",
    metadata: {
      workflow: "support_answer"
    }
  })
});

if (!response.ok) {
  const error = await response.json();
  throw new Error(`Kivo request failed: ${error.error?.code} ${error.request_id}`);
}

const accepted = await response.json();
console.log(accepted.review_run.id, accepted.polling_url);

// Poll until the run leaves queued/processing, at the interval Kivo recommends.

async function kivo(url: string, accept = "application/json") {
  const answer = await fetch(url, { headers: { Authorization: `Bearer ${process.env.KIVO_API_KEY}`, Accept: accept } });
  if (!answer.ok) {
    const error = await answer.json();
    throw new Error(`Kivo request failed: ${error.error?.code} ${error.request_id}`);
  }
  return accept === "application/json" ? answer.json() : answer.text();
}

const runId: string = accepted.review_run.id;
const interval = accepted.queued.recommended_poll_interval_seconds * 1000;
let run = accepted.review_run;
for (let attempt = 0; run.status === "queued" || run.status === "processing"; attempt++) {
  if (attempt === 60) throw new Error(`Run ${runId} is still ${run.status}`);
  await new Promise((resolve) => setTimeout(resolve, interval));
  run = await kivo(accepted.polling_url);
}
if (run.status !== "completed") throw new Error(`Run ${runId} ended as ${run.status}: ${run.error_code}`);
console.log(`status: ${run.status}`);
console.log(`safe_use_status: ${run.safe_use_status}`);
console.log(`gate_verdict: ${run.gate_verdict.verdict}`);

const claims = await kivo(`${process.env.KIVO_API_BASE_URL}/v1/review-runs/${runId}/claims`);
for (const claim of claims.items) {
  const rationale = claim.verification_result?.rationale ?? "";
  console.log(`claim: ${claim.support_status} ${claim.id} ${claim.text} | ${rationale}`);
}

const report = await kivo(`${process.env.KIVO_API_BASE_URL}/v1/review-runs/${runId}/claim-report`);
console.log(`report_safe_use_status: ${report.safe_use_status}`);
console.log(`summary: ${report.summary}`);
for (const followUp of report.follow_ups) console.log(`follow_up: ${followUp.question}`);

const markdown = await kivo(`${process.env.KIVO_API_BASE_URL}/v1/review-runs/${runId}/claim-report`, "text/markdown");
console.log(markdown);
