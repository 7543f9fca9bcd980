// The SDK's whole flow, as an application would write it: review an answer and
// wait for the verdict, read the claims and the reviewer's markdown, find the
// run again by its external ID, import two rows and list their runs and results,
// manage a webhook endpoint (created disabled, so nothing is sent). Prints
// one JSON summary. The e2e suite installs the packed SDK and runs this file.
//
//   KIVO_API_BASE_URL=http://127.0.0.1:8787 KIVO_API_KEY=kivo_test_… node flow.ts
import { Kivo, KivoError } from "@kivo/sdk";

const kivo = new Kivo({ apiKey: process.env.KIVO_API_KEY ?? "", baseUrl: process.env.KIVO_API_BASE_URL });
const externalId = `sdk-typescript-${Date.now()}`;
const policy = { title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." };

// The 📦 makes every offset after it differ between UTF-16 (Kivo, JavaScript) and code points.
const run = await kivo.reviewRuns.createAndWait({
  ai_output: "📦 Customers can request refunds for any order within 60 days, including international orders.",
  sources: [policy],
  intended_use: "customer_facing",
  external_id: externalId,
});
const claims = await kivo.reviewRuns.claims(run.id);
const verification = await kivo.reviewRuns.verificationResults(run.id);
const report = await kivo.reviewRuns.claimReport(run.id);
const markdown = await kivo.reviewRuns.claimReport(run.id, { format: "markdown" });

const listed: string[] = [];
for await (const summary of kivo.reviewRuns.list({ external_id: externalId })) listed.push(summary.id);

const imported = await kivo.imports.create({
  intended_use: "internal_draft",
  rows: [
    { external_id: `${externalId}-row-1`, ai_output: "Refunds are available for 60 days.", sources: [policy] },
    { external_id: `${externalId}-row-2`, ai_output: "Refunds are available within 30 days of purchase.", sources: [policy] },
  ],
});
const importedRuns: { id: string; external_id: string | null }[] = [];
// One run per page, so the iterator has to follow a cursor.
for await (const summary of kivo.reviewRuns.list({ import_id: imported.id, limit: 1 })) importedRuns.push({ id: summary.id, external_id: summary.external_id });
// The results file: one line per row, in row order, joined back by external_id.
const importResults: { row: number; external_id: string | null; review_run_id: string | null; status: string }[] = [];
for await (const line of kivo.imports.results(imported.id)) {
  importResults.push({ row: line.row, external_id: line.external_id, review_run_id: line.review_run_id, status: line.status });
}

// A webhook endpoint from creation to deletion; disabled, so no event is sent to it.
const endpoint = await kivo.webhookEndpoints.create({
  url: "http://127.0.0.1:9/kivo-sdk-flow",
  event_types: ["review_run.completed"],
  description: externalId,
  enabled: false,
});
const updated = await kivo.webhookEndpoints.update(endpoint.id, { event_types: ["review_run.completed", "import.completed"] });
const rotated = await kivo.webhookEndpoints.rotateSecret(endpoint.id, { previousSecretValidForSeconds: 0 });
const endpointListed = (await kivo.webhookEndpoints.list()).items.some((item) => item.id === endpoint.id);
const deliveries: string[] = [];
for await (const delivery of kivo.webhookEndpoints.deliveries(endpoint.id)) deliveries.push(delivery.id);
const deleted = await kivo.webhookEndpoints.delete(endpoint.id);

let notFound: { code: string; status: number; requestId: string | null } | null = null;
try {
  await kivo.reviewRuns.get("run_00000000-0000-4000-8000-000000000000");
} catch (error) {
  if (!(error instanceof KivoError)) throw error;
  notFound = { code: error.code, status: error.status, requestId: error.requestId };
}

console.log(
  JSON.stringify({
    review_run_id: run.id,
    status: run.status,
    safe_use_status: run.safe_use_status,
    gate_verdict: run.gate_verdict?.verdict ?? null,
    claims: claims.items.map((claim) => ({
      id: claim.id,
      support_status: claim.support_status,
      output_text: run.ai_output?.slice(claim.output_start_offset, claim.output_end_offset) ?? null,
    })),
    verification_count: verification.items.length,
    report_safe_use_status: report.safe_use_status,
    markdown_first_line: markdown.split("\n")[0],
    listed,
    import: { id: imported.id, status: imported.status, accepted: imported.accepted_count, review_run_ids: imported.review_run_ids },
    imported_runs: importedRuns,
    import_results: importResults,
    webhook_endpoint: {
      secret_issued: endpoint.secret.startsWith("whsec_"),
      secret_rotated: rotated.secret.startsWith("whsec_") && rotated.secret !== endpoint.secret,
      event_types: updated.event_types,
      enabled: updated.enabled,
      listed: endpointListed,
      deliveries: deliveries.length,
      deleted: deleted.deleted,
    },
    not_found: notFound,
  }),
);
