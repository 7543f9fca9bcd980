import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { apiKeys, organizationMoves, organizationPlacements, organizations } from "../../db/schema.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newUuid } from "../../ids.ts";
import { randomBase62, sha256Hex } from "../../lib/crypto.ts";
import { type Scope, isScope } from "./scopes.ts";

export interface AuthContext {
  keyId: string;
  organizationId: string;
  projectId: string;
  scopes: Scope[];
  plan: "free" | "pro" | "enterprise";
  rateLimitPerMinute: number | null;
  /** The D1 binding that holds the organization's data; null: the primary (src/db/shards.ts). */
  shard: string | null;
  /** True while the organization moves to another shard: its writes are refused until the placement flips (services/tenancy/shard-move.ts). */
  writesPaused: boolean;
}

export type KeyEnvironment = "live" | "test";

const API_KEY_PATTERN = /^kivo_(live|test)_[0-9A-Za-z]{32}$/;
const DISPLAY_PREFIX_LENGTH = 14;
/** last_used_at is advisory; writing it at most once a minute keeps reads cheap. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : "";
}

export function generateApiKey(environment: KeyEnvironment): { secret: string; displayPrefix: string } {
  const secret = `kivo_${environment}_${randomBase62(32)}`;
  return { secret, displayPrefix: secret.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export async function authenticateApiKey(
  db: Database,
  authorization: string | undefined,
  onLastUsed: (work: Promise<unknown>) => void,
): Promise<AuthContext> {
  const token = bearerToken(authorization);
  if (token === null) throw new ApiError("missing_api_key");
  if (!API_KEY_PATTERN.test(token)) throw new ApiError("invalid_api_key");

  const keyHash = await sha256Hex(token);
  const [row] = await db
    .select({
      id: apiKeys.id,
      organizationId: apiKeys.organizationId,
      projectId: apiKeys.projectId,
      scopes: apiKeys.scopes,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      rateLimitPerMinute: apiKeys.rateLimitPerMinute,
      plan: organizations.plan,
      shard: organizationPlacements.shard,
      movePhase: organizationMoves.phase,
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .leftJoin(organizationPlacements, eq(organizationPlacements.organizationId, apiKeys.organizationId))
    .leftJoin(organizationMoves, eq(organizationMoves.organizationId, apiKeys.organizationId))
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  if (!row || row.revokedAt) throw new ApiError("invalid_api_key");

  const now = new Date();
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  // Checked here first so that a busy key costs no write at all; the SQL
  // condition still keeps concurrent requests from writing twice.
  if (row.lastUsedAt === null || row.lastUsedAt < staleBefore) {
    onLastUsed(
      db
        .update(apiKeys)
        .set({ lastUsedAt: isoNow(now) })
        .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))))
        .run(),
    );
  }

  return {
    keyId: row.id,
    organizationId: row.organizationId,
    projectId: row.projectId,
    scopes: parseScopes(row.scopes),
    plan: row.plan,
    rateLimitPerMinute: row.rateLimitPerMinute,
    shard: row.shard ?? null,
    writesPaused: row.movePhase === "draining" || row.movePhase === "copying",
  };
}

/** Any one of `scopes` is enough: reads that both a reader and the resource's creator need list both. */
export function requireScope(auth: AuthContext, scopes: Scope | readonly Scope[]): void {
  const accepted: readonly Scope[] = typeof scopes === "string" ? [scopes] : scopes;
  if (!accepted.some((scope) => auth.scopes.includes(scope))) {
    const names = accepted.map((scope) => `\`${scope}\``).join(" or ");
    throw new ApiError("insufficient_scope", { message: `This API key lacks the ${names} scope.` });
  }
}

function parseScopes(raw: string): Scope[] {
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isScope) : [];
  } catch {
    return [];
  }
}

export interface NewApiKey {
  organizationId: string;
  projectId: string;
  name: string;
  scopes: Scope[];
  environment: KeyEnvironment;
  rateLimitPerMinute?: number | null;
}

/** Builds the row and the one-time secret; the caller decides how to persist it. */
export async function buildApiKey(input: NewApiKey) {
  const { secret, displayPrefix } = generateApiKey(input.environment);
  const row = {
    id: newUuid(),
    organizationId: input.organizationId,
    projectId: input.projectId,
    name: input.name,
    keyHash: await sha256Hex(secret),
    displayPrefix,
    scopes: JSON.stringify([...new Set(input.scopes)]),
    rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    createdAt: isoNow(),
    lastUsedAt: null,
    revokedAt: null,
  };
  return { row, secret };
}
