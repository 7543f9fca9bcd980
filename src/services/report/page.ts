import { asc, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { reviewRunSources } from "../../db/schema.ts";
import { ApiError } from "../../errors.ts";
import type { Claim } from "../../schemas/review-artifacts.ts";
import { renderReportHtml } from "./html.ts";
import { loadArtifacts } from "../review-runs/artifacts.ts";
import { type ReviewRunRow, assertHosted, loadSources, toSummary } from "../review-runs/store.ts";

/**
 * Bounds on the source text read back from R2 for the passages around evidence
 * quotes: the page shows at most a few hundred characters of each, so a
 * source too long to be worth the read, or too many of them, just goes
 * without its passage.
 */
export const PASSAGE_SOURCE_LIMITS = { perSource: 1_000_000, total: 4_000_000 } as const;

/**
 * The reviewer page of a hosted run, for the claim-report route and for report
 * links alike. Like the JSON report it exists only once the run has completed.
 */
export async function reportPage(
  db: Database,
  bucket: R2Bucket,
  row: ReviewRunRow,
  link?: { expires_at: string },
): Promise<string> {
  assertHosted(row);
  const [sources, artifacts] = await Promise.all([loadSources(db, row.id), loadArtifacts(db, bucket, row)]);
  const report = artifacts.claim_report;
  if (!report || row.aiOutput === null) throw reportNotReady(row);
  const contents = await quotedSourceContents(db, bucket, row.id, artifacts.claims);
  const summary = toSummary(row);
  return renderReportHtml({
    run: { ...summary, ai_output: row.aiOutput },
    sources: sources.map(({ id, title, citation_label, uri }) => ({ id, title, citation_label, uri, content: contents.get(id) ?? null })),
    claims: artifacts.claims,
    report,
    ...(link ? { link } : {}),
  });
}

/**
 * The text of each source some claim quotes, within PASSAGE_SOURCE_LIMITS. A
 * source missing from R2 only costs the page its passage: the report itself
 * is its own object and stays readable.
 */
async function quotedSourceContents(db: Database, bucket: R2Bucket, runId: string, claims: Claim[]): Promise<Map<string, string>> {
  const quoted = new Set(claims.flatMap((claim) => (claim.primary_source_span ? [claim.primary_source_span.source_document_id] : [])));
  if (quoted.size === 0) return new Map();
  const rows = await db
    .select({ id: reviewRunSources.id, r2Key: reviewRunSources.r2Key, contentLength: reviewRunSources.contentLength })
    .from(reviewRunSources)
    .where(eq(reviewRunSources.reviewRunId, runId))
    .orderBy(asc(reviewRunSources.position));
  let budget: number = PASSAGE_SOURCE_LIMITS.total;
  const wanted = rows.filter((source) => {
    if (!quoted.has(source.id) || source.contentLength > PASSAGE_SOURCE_LIMITS.perSource || source.contentLength > budget) return false;
    budget -= source.contentLength;
    return true;
  });
  const read = await Promise.all(
    wanted.map(async (source) => {
      try {
        const object = await bucket.get(source.r2Key);
        return object ? ([source.id, await object.text()] as const) : null;
      } catch {
        return null;
      }
    }),
  );
  return new Map(read.filter((entry) => entry !== null));
}

export function reportNotReady(row: ReviewRunRow): ApiError {
  return new ApiError("not_found", {
    message: `The claim report of ${row.id} is not ready: the run is ${row.status}. Poll the run until it is completed.`,
  });
}
