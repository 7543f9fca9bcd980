import type { Database } from "../../db/client.ts";
import { ApiError } from "../../errors.ts";
import { renderReportHtml } from "./html.ts";
import { type ReviewRunRow, assertHosted, loadArtifacts, loadSources, toSummary } from "../review-runs/store.ts";

/**
 * The reviewer page of a hosted run, for the claim-report route and for report
 * links alike. Like the JSON report it exists only once the run has completed.
 */
export async function reportPage(db: Database, row: ReviewRunRow, link?: { expires_at: string }): Promise<string> {
  assertHosted(row);
  const [sources, artifacts] = await Promise.all([loadSources(db, row.id), loadArtifacts(db, row)]);
  const report = artifacts.claim_report;
  if (!report || row.aiOutput === null) throw reportNotReady(row);
  const summary = toSummary(row);
  return renderReportHtml({
    run: { ...summary, ai_output: row.aiOutput },
    sources,
    claims: artifacts.claims,
    report,
    ...(link ? { link } : {}),
  });
}

export function reportNotReady(row: ReviewRunRow): ApiError {
  return new ApiError("not_found", {
    message: `The claim report of ${row.id} is not ready: the run is ${row.status}. Poll the run until it is completed.`,
  });
}
