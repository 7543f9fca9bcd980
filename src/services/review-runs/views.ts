import type { Database } from "../../db/client.ts";
import type { ReviewResult } from "../../review/index.ts";
import { loadEnterpriseWorkerDetails } from "../enterprise-worker/store.ts";
import { loadArtifacts } from "./artifacts.ts";
import { type ReviewRunRow, type SourceRecord, assertHosted, sourceViews, sourcesOf, toSummary } from "./store.ts";

export const RECOMMENDED_POLL_INTERVAL_SECONDS = 2;

/** The 202 answer of a create, as QUEUED_EXAMPLE in routes/review-runs/examples.ts shows it. */
export function queuedResponse(row: ReviewRunRow, origin: string, requestId: string) {
  const pollingUrl = `${origin}/v1/review-runs/${row.id}`;
  return {
    review_run: toSummary(row),
    queued: {
      review_run_id: row.id,
      status: row.status,
      polling_url: pollingUrl,
      recommended_poll_interval_seconds: RECOMMENDED_POLL_INTERVAL_SECONDS,
    },
    polling_url: pollingUrl,
    request_id: requestId,
  };
}

/** The full run, as RUN_EXAMPLE in routes/review-runs/examples.ts shows it; private-worker runs carry metadata only. */
export async function runResponse(db: Database, bucket: R2Bucket, row: ReviewRunRow, requestId: string) {
  const hosted = row.captureMethod !== "private_worker";
  const [sources, artifacts, enterpriseWorker] = hosted
    ? [sourceViews(sourcesOf(row)), await loadArtifacts(db, bucket, row), null]
    : [[], { claims: [], source_spans: [], verification_results: [], claim_report: null }, await loadEnterpriseWorkerDetails(db, row.id)];
  return {
    ...toSummary(row),
    ai_output: hosted ? row.aiOutput : null,
    sources,
    source_spans: artifacts.source_spans,
    verification_results: artifacts.verification_results,
    claim_report: artifacts.claim_report,
    private_worker: enterpriseWorker,
    request_id: requestId,
  };
}

export async function hostedArtifacts(db: Database, bucket: R2Bucket, row: ReviewRunRow) {
  assertHosted(row);
  return loadArtifacts(db, bucket, row);
}

/** The inline answer, built from what processing has just produced instead of reading it back. */
export function completedRunResponse(row: ReviewRunRow, sources: SourceRecord[], result: ReviewResult, requestId: string) {
  return {
    ...toSummary(row),
    ai_output: row.aiOutput,
    sources: sourceViews(sources),
    source_spans: result.source_spans,
    verification_results: result.verification_results,
    claim_report: result.claim_report,
    private_worker: null,
    request_id: requestId,
  };
}
