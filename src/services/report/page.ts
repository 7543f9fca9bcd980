import { type Database, database } from "../../db/client.ts";
import { tenantEnvOfProject } from "../../db/shards.ts";
import type { Bindings } from "../../env.ts";
import { isOnRecord, signingSecret, verifyReportLink } from "./links.ts";
import { ApiError } from "../../errors.ts";
import type { Claim } from "../../schemas/review-artifacts.ts";
import { renderReportHtml } from "./html.ts";
import { loadArtifacts } from "../review-runs/artifacts.ts";
import { type ReviewRunRow, type SourceRecord, assertHosted, findRun, sourcesOf, toSummary } from "../review-runs/store.ts";

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
  const sources = sourcesOf(row);
  const artifacts = await loadArtifacts(db, bucket, row);
  const report = artifacts.claim_report;
  if (!report || row.aiOutput === null) throw reportNotReady(row);
  const contents = await quotedSourceContents(bucket, sources, artifacts.claims);
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
async function quotedSourceContents(bucket: R2Bucket, sources: readonly SourceRecord[], claims: Claim[]): Promise<Map<string, string>> {
  const quoted = new Set(claims.flatMap((claim) => (claim.primary_source_span ? [claim.primary_source_span.source_document_id] : [])));
  if (quoted.size === 0) return new Map();
  let budget: number = PASSAGE_SOURCE_LIMITS.total;
  const wanted = sources.filter((source) => {
    if (!quoted.has(source.id) || source.content_length > PASSAGE_SOURCE_LIMITS.perSource || source.content_length > budget) return false;
    budget -= source.content_length;
    return true;
  });
  const read = await Promise.all(
    wanted.map(async (source) => {
      try {
        const object = await bucket.get(source.r2_key);
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

/**
 * `GET /v1/report-links/{token}`: the reviewer page a signed link names. The
 * token names the project, which names the shard that holds the link and the
 * run. An unknown, expired or revoked link, or one whose run is gone, is 404.
 */
export async function reportLinkPage(env: Bindings, token: string, now: number): Promise<string> {
  const secret = signingSecret(env.KIVO_SIGNING_SECRET);
  const link = await verifyReportLink(secret, token, now);
  const db = link ? database((await tenantEnvOfProject(env, link.projectId)).TENANT_DB) : null;
  if (!link || !db || !(await isOnRecord(db, link))) throw new ApiError("not_found", { message: "This report link is invalid, expired or revoked. Ask for a new one." });
  const row = await findRun(db, link.projectId, link.runId);
  return reportPage(db, env.SOURCES, row, { expires_at: new Date(link.expiresAt).toISOString() });
}
