import type { JudgeRequest, JudgeUsage, JudgeVerdict } from "../../review/judge-merge.ts";
import { logger } from "../../lib/logger.ts";
import { eq, lt } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { semanticJudgeCache } from "../../db/schema.ts";
/** What besides the claims decides an answer: the prompt and the model. */
export interface JudgeIdentityKey {
  prompt_version: string;
  provider: string;
  model: string;
}

/** A judge's validated answer, as stored: verdicts name their claim by position, so another run's claim IDs map back. */
export interface CachedAnswer {
  verdicts: JudgeVerdict[];
  attempts: number;
  usage: JudgeUsage | null;
}

export interface JudgeCache {
  get(key: string): Promise<CachedAnswer | null>;
  put(key: string, answer: CachedAnswer): Promise<void>;
}

export const CACHE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// Claim IDs name the run, so they stay out of the key: the same claims and
// evidence in another run of the project hit. The project is in it, so one
// tenant can never learn from timing what another submitted.
export function cacheKey(scope: string, identity: JudgeIdentityKey, request: JudgeRequest): Promise<string> {
  return sha256Hex(
    JSON.stringify({
      scope,
      ...identity,
      question: request.question,
      claims: request.claims.map((c) => ({ text: c.text, read_as: c.read_as ?? null, evidence: c.evidence })),
    }),
  );
}

export function toPositions(request: JudgeRequest, verdicts: ReadonlyArray<JudgeVerdict>): JudgeVerdict[] {
  const position = new Map(request.claims.map((c, i) => [c.claim_id, String(i)]));
  return verdicts.flatMap((v) => {
    const at = position.get(v.claim_id);
    return at === undefined ? [] : [{ ...v, claim_id: at }];
  });
}

export function fromPositions(request: JudgeRequest, verdicts: ReadonlyArray<JudgeVerdict>): JudgeVerdict[] {
  return verdicts.flatMap((v) => {
    const claim = request.claims[Number(v.claim_id)];
    return claim ? [{ ...v, claim_id: claim.claim_id }] : [];
  });
}

/** D1-backed; a cache that cannot be read or written is a miss, never a failed run. */
export function d1JudgeCache(db: Database, now: () => string): JudgeCache {
  return {
    async get(key) {
      try {
        const [row] = await db.select({ answer: semanticJudgeCache.answer }).from(semanticJudgeCache).where(eq(semanticJudgeCache.key, key)).limit(1);
        return row ? (JSON.parse(row.answer) as CachedAnswer) : null;
      } catch (error) {
        logger.warn("semantic_judge_cache_unavailable", { error });
        return null;
      }
    },
    async put(key, answer) {
      try {
        await db.insert(semanticJudgeCache).values({ key, answer: JSON.stringify(answer), createdAt: now() }).onConflictDoNothing();
      } catch (error) {
        logger.warn("semantic_judge_cache_unavailable", { error });
      }
    },
  };
}

export async function sweepJudgeCache(db: Database, now: Date): Promise<number> {
  const before = new Date(now.getTime() - CACHE_RETENTION_MS).toISOString();
  const result = await db.delete(semanticJudgeCache).where(lt(semanticJudgeCache.createdAt, before)).run();
  return result.meta.changes ?? 0;
}
