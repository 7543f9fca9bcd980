import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { reviewArtifacts, reviewRuns } from "../../db/schema.ts";
import { ApiError } from "../../errors.ts";
import { gunzip, gzip } from "../../lib/compression.ts";
import { randomBase62 } from "../../lib/crypto.ts";
import { logger } from "../../lib/logger.ts";
import type { Claim, ClaimReport, SourceSpan, VerificationResult } from "../../schemas/review-artifacts.ts";
import type { ReviewRunRow } from "./store.ts";

// A completed run's claims, spans, verification results and claim report are
// written once and always read whole, so they live in R2 as one object per
// run (README, "Storage"), and D1 keeps only the short version that names it.
// Runs completed before that layout keep their rows in `review_artifacts`
// until the cron moves them (moveLegacyArtifacts); reads fall back to them.

export type RunArtifacts = {
  claims: Claim[];
  source_spans: SourceSpan[];
  verification_results: VerificationResult[];
  claim_report: ClaimReport | null;
};

const noArtifacts = (): RunArtifacts => ({ claims: [], source_spans: [], verification_results: [], claim_report: null });

/**
 * Each write gets its own version, so two attempts at one run never write the
 * same object: the row's `artifact_version` names the one that won, and the
 * loser removes its own object without touching the winner's.
 */
export const newArtifactVersion = () => randomBase62(12);

export const artifactObjectKey = (projectId: string, runId: string, version: string) =>
  `runs/${projectId}/${runId}/artifacts/${version}.json`;

/** Below this a gzip header and dictionary cost more than they save. */
const COMPRESS_FROM_BYTES = 1024;

/** Stores the object and answers its size in R2, for the capacity figures. */
export async function putRunArtifacts(bucket: R2Bucket, key: string, artifacts: RunArtifacts): Promise<number> {
  const json = JSON.stringify(artifacts);
  const compressed = json.length >= COMPRESS_FROM_BYTES ? await gzip(json) : null;
  if (compressed && compressed.byteLength < json.length) {
    await bucket.put(key, compressed, {
      httpMetadata: { contentType: "application/json", contentEncoding: "gzip" },
      customMetadata: { encoding: "gzip" },
    });
    return compressed.byteLength;
  }
  await bucket.put(key, json, { httpMetadata: { contentType: "application/json" } });
  return new TextEncoder().encode(json).byteLength;
}

export async function deleteRunArtifacts(bucket: R2Bucket, key: string): Promise<void> {
  try {
    await bucket.delete(key);
  } catch (error) {
    // An orphan under the run's prefix is removed with the run (services/retention).
    logger.warn("artifact_object_not_deleted", { error });
  }
}

async function readRunArtifacts(bucket: R2Bucket, key: string): Promise<RunArtifacts | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  const json = object.customMetadata?.encoding === "gzip" ? await gunzip(object.body) : await object.text();
  return JSON.parse(json) as RunArtifacts;
}

/**
 * A run's claims, spans, results and report, which exist only once it has
 * completed: whatever a failed or cancelled run may have (written by a
 * consumer that lost the race) is never served as its results.
 */
export async function loadArtifacts(
  db: Database,
  bucket: R2Bucket,
  row: Pick<ReviewRunRow, "id" | "projectId" | "status" | "artifactVersion">,
): Promise<RunArtifacts> {
  if (row.status !== "completed") return noArtifacts();
  if (row.artifactVersion === null) return loadLegacyArtifacts(db, row.id);
  const artifacts = await readRunArtifacts(bucket, artifactObjectKey(row.projectId, row.id, row.artifactVersion));
  if (!artifacts) {
    // The row is written only after its object, so a missing object is lost storage, not a race.
    logger.error("artifact_object_missing", { review_run_id: row.id });
    throw new ApiError("service_unavailable", { message: "This run's results cannot be read right now. Retry later." });
  }
  return artifacts;
}

/** The rows of a run completed before its artifacts moved to R2. */
export async function loadLegacyArtifacts(db: Database, runId: string): Promise<RunArtifacts> {
  const artifacts = noArtifacts();
  const rows = await db
    .select({ kind: reviewArtifacts.kind, body: reviewArtifacts.body })
    .from(reviewArtifacts)
    .where(eq(reviewArtifacts.reviewRunId, runId))
    .orderBy(asc(reviewArtifacts.kind), asc(reviewArtifacts.position));
  for (const artifact of rows) {
    const body: unknown = JSON.parse(artifact.body);
    if (artifact.kind === "claim") artifacts.claims.push(...(body as Claim[]));
    else if (artifact.kind === "source_span") artifacts.source_spans.push(...(body as SourceSpan[]));
    else if (artifact.kind === "verification_result") artifacts.verification_results.push(...(body as VerificationResult[]));
    else artifacts.claim_report = body as ClaimReport;
  }
  return artifacts;
}

/**
 * Moves the artifacts of up to `limit` runs from `review_artifacts` into R2,
 * object first, then the row that names it with the old rows deleted in the
 * same batch; a crash in between leaves an orphan object, never a run without
 * results. Rows of runs that never completed are only deleted. Run by the cron
 * until the table is empty.
 */
export async function moveLegacyArtifacts(db: Database, bucket: R2Bucket, limit = 50): Promise<number> {
  const runs = await db
    .select({ id: reviewRuns.id, projectId: reviewRuns.projectId, status: reviewRuns.status, artifactVersion: reviewRuns.artifactVersion })
    .from(reviewRuns)
    .where(inArray(reviewRuns.id, db.selectDistinct({ id: reviewArtifacts.reviewRunId }).from(reviewArtifacts).limit(limit)));
  let moved = 0;
  for (const run of runs) {
    const dropRows = db.delete(reviewArtifacts).where(eq(reviewArtifacts.reviewRunId, run.id));
    if (run.status !== "completed" || run.artifactVersion !== null) {
      await dropRows;
      continue;
    }
    const version = newArtifactVersion();
    await putRunArtifacts(bucket, artifactObjectKey(run.projectId, run.id, version), await loadLegacyArtifacts(db, run.id));
    await db.batch([
      db.update(reviewRuns).set({ artifactVersion: version }).where(and(eq(reviewRuns.id, run.id), isNull(reviewRuns.artifactVersion))),
      dropRows,
    ]);
    moved++;
  }
  if (moved > 0) logger.info("legacy_artifacts_moved", { runs: moved });
  return moved;
}
