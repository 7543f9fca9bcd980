import type { Bindings, TenantEnv } from "../env.ts";
import { eq } from "drizzle-orm";
import { type D1Queryable, database } from "./client.ts";
import { organizationPlacements, projects } from "./schema.ts";
import { fnv1a } from "../lib/fnv.ts";

// Where an organization's data lives (docs/scale.md, "Shards"). The primary
// database (binding `DB`) holds the control plane (organizations, projects,
// API keys, placements, billing and usage) and is also the first shard; each
// further shard is a D1 binding named `DB_SHARD_<n>` with the same
// migrations applied. An organization's runs, imports, artifacts, report
// links, webhooks and idempotency records all live on the one shard its
// placement row names, and nothing reads them anywhere else.

export const PRIMARY_SHARD = "DB";
const SHARD_BINDING = /^DB_SHARD_[1-9][0-9]*$/;

/** The bindings scoped to one organization's database: its shard, or a read-replica session of it. */
export function tenantEnv(env: Bindings, organizationDb: D1Queryable): TenantEnv {
  return { ...env, TENANT_DB: organizationDb };
}

/** Every declared shard, the primary first: what the cron sweeps walk. */
export function shardNames(env: Bindings): string[] {
  const declared = Object.keys(env)
    .filter((name) => SHARD_BINDING.test(name))
    .sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)));
  return [PRIMARY_SHARD, ...declared];
}

export function shardDatabase(env: Bindings, shard: string): D1Database {
  const binding = shard === PRIMARY_SHARD || SHARD_BINDING.test(shard) ? (env as unknown as Record<string, unknown>)[shard] : undefined;
  // A placement naming a binding this deployment does not declare is an
  // operator's mistake; serving the primary instead would show an empty account.
  if (!binding) throw new Error(`organization placed on D1 shard ${shard}, which this deployment does not bind`);
  return binding as D1Database;
}

/**
 * The shards new organizations are placed on: `KIVO_D1_PLACEMENT`, a
 * comma-separated list of declared shard bindings (default: the primary
 * alone). Declaring a shard and opening it for placement are separate steps,
 * so its migrations are applied before anything lands on it.
 */
export function openShards(env: Bindings): string[] {
  const listed = (env.KIVO_D1_PLACEMENT ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (listed.length === 0) return [PRIMARY_SHARD];
  for (const name of listed) shardDatabase(env, name);
  return listed;
}

/**
 * The shard for a new organization: a stable hash of its ID over the open
 * shards. Stable for one list only; the placement row, not the hash, is what
 * later requests read, so opening another shard never moves anyone.
 */
export function shardForNewOrganization(organizationId: string, open: readonly string[]): string {
  // FNV-1a spreads random UUIDs well enough.
  return open[fnv1a(organizationId) % open.length]!;
}

/**
 * The shard of the organization that owns a project, for work that starts
 * from a project rather than an API key (queue messages, report links,
 * worker credentials). One primary-key lookup on the control plane.
 */
export async function shardOfProject(primary: D1Database, projectId: string): Promise<string> {
  const [row] = await database(primary)
    .select({ shard: organizationPlacements.shard })
    .from(projects)
    .innerJoin(organizationPlacements, eq(organizationPlacements.organizationId, projects.organizationId))
    .where(eq(projects.id, projectId))
    .limit(1);
  return row?.shard ?? PRIMARY_SHARD;
}

/** The tenant env of a project's organization, outside a request (queues, cron, public links). */
export async function tenantEnvOfProject(env: Bindings, projectId: string): Promise<TenantEnv> {
  return tenantEnv(env, shardDatabase(env, await shardOfProject(env.DB, projectId)));
}
