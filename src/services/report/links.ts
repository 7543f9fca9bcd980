import { z } from "zod";
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { reportLinks } from "../../db/schema.ts";
import { ApiError } from "../../errors.ts";
import { REPORT_LINK_ID_PATTERN, isoNow, newReportLinkId } from "../../ids.ts";
import { type TokenPurpose, requireTokenSecret, sign, verify } from "../../lib/signed-token.ts";

// Reviewer links: a signed token (lib/signed-token.ts) whose claims name the
// link ID, the run, its project and the expiry (Unix seconds), under its own
// purpose label, so a list cursor can never pass for a link. The token is
// never stored: the signature proves issue. The `report_links` row, keyed by
// the link ID, is what lets the project revoke one link before it expires.

const REPORT_LINK_TOKEN: TokenPurpose = {
  label: "report-link.v1",
  setting: "KIVO_SIGNING_SECRET",
  unconfigured: "Report links are not configured on this deployment.",
  maxLength: 512,
};

const ReportLinkClaimsSchema = z.object({
  lid: z.string().regex(REPORT_LINK_ID_PATTERN),
  run: z.string(),
  project: z.string(),
  exp: z.number(),
});

export const REPORT_LINK_TTL = { min: 60, max: 7 * 24 * 3600, default: 24 * 3600 } as const;

export interface ReportLink {
  linkId: string;
  runId: string;
  projectId: string;
  /** Milliseconds since the epoch, on a whole second. */
  expiresAt: number;
}

/** Checked before anything is written, so a deployment without the secret creates no link it cannot sign. */
export const signingSecret = (secret: string | undefined) => requireTokenSecret(REPORT_LINK_TOKEN, secret);

export async function signReportLink(secret: string, link: ReportLink): Promise<string> {
  const claims = { lid: link.linkId, run: link.runId, project: link.projectId, exp: Math.floor(link.expiresAt / 1000) };
  return sign(REPORT_LINK_TOKEN, secret, claims);
}

/** The link a token names, or null when it is malformed, tampered with or expired. */
export async function verifyReportLink(secret: string, token: string, now: number): Promise<ReportLink | null> {
  const claims = await verify(REPORT_LINK_TOKEN, secret, token, ReportLinkClaimsSchema);
  if (!claims) return null;
  const expiresAt = claims.exp * 1000;
  if (now >= expiresAt) return null;
  return { linkId: claims.lid, runId: claims.run, projectId: claims.project, expiresAt };
}

export interface ReportLinkView {
  id: string;
  review_run_id: string;
  expires_at: string;
  revoked_at: string | null;
}

const view = (row: typeof reportLinks.$inferSelect): ReportLinkView => ({
  id: row.id,
  review_run_id: row.reviewRunId,
  expires_at: row.expiresAt,
  revoked_at: row.revokedAt,
});

/** Records the link, then signs its token; the caller has checked the run is the project's and completed. */
export async function issueReportLink(
  db: Database,
  secret: string,
  run: { id: string; projectId: string },
  expiresInSeconds: number,
): Promise<ReportLinkView & { token: string }> {
  const expiresAt = (Math.floor(Date.now() / 1000) + expiresInSeconds) * 1000;
  const linkId = newReportLinkId();
  const [row] = await db
    .insert(reportLinks)
    .values({ id: linkId, projectId: run.projectId, reviewRunId: run.id, expiresAt: new Date(expiresAt).toISOString(), createdAt: isoNow() })
    .returning();
  const token = await signReportLink(secret, { linkId, runId: run.id, projectId: run.projectId, expiresAt });
  return { ...view(row!), token };
}

/**
 * Whether a link whose token verified still opens: it must be on record for
 * its project and run, and not revoked.
 */
export async function isOnRecord(db: Database, link: ReportLink): Promise<boolean> {
  const [row] = await db
    .select({ revokedAt: reportLinks.revokedAt })
    .from(reportLinks)
    .where(and(eq(reportLinks.id, link.linkId), eq(reportLinks.projectId, link.projectId), eq(reportLinks.reviewRunId, link.runId)))
    .limit(1);
  return row !== undefined && row.revokedAt === null;
}

/** Stops one link from opening the page, from the next request on. Revoking twice keeps the first time. */
export async function revokeReportLink(db: Database, projectId: string, reviewRunId: string, linkId: string): Promise<ReportLinkView> {
  const where = and(eq(reportLinks.id, linkId), eq(reportLinks.projectId, projectId), eq(reportLinks.reviewRunId, reviewRunId));
  const [row] = await db.select().from(reportLinks).where(where).limit(1);
  if (!row) throw new ApiError("not_found", { message: "No report link with this ID exists for this run in the key's project." });
  if (row.revokedAt !== null) return view(row);
  const [revoked] = await db.update(reportLinks).set({ revokedAt: isoNow() }).where(where).returning();
  return view(revoked!);
}

/** The run's links, newest first, revoked and expired ones included, so a project can find the one to revoke. */
export async function listReportLinks(db: Database, projectId: string, reviewRunId: string): Promise<ReportLinkView[]> {
  const rows = await db
    .select()
    .from(reportLinks)
    .where(and(eq(reportLinks.projectId, projectId), eq(reportLinks.reviewRunId, reviewRunId)))
    .orderBy(desc(reportLinks.createdAt), desc(reportLinks.id))
    .limit(MAX_LISTED_LINKS);
  return rows.map(view);
}

const MAX_LISTED_LINKS = 100;
