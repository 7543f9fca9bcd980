import { count, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { organizationPlacements, organizations, projects } from "../../db/schema.ts";
import { PRIMARY_SHARD, openShards, shardDatabase, shardForNewOrganization } from "../../db/shards.ts";
import type { Bindings } from "../../env.ts";
import { isoNow } from "../../ids.ts";

// Placement writes (docs/scale.md, "Shards"). The tenant tables of a shard
// keep their foreign keys to `organizations` and `projects`, so a shard other
// than the primary holds a copy of the rows of the organizations placed on it
// and of their projects, written before anything references them. Nothing
// reads those copies: settings (plan, gate mode, judge) are read from the
// primary, which is the only place they change.

/**
 * Puts an organization that holds no data yet on a shard: its copy there
 * first, then the placement row that sends its requests there. An
 * organization with projects is moved by the procedure in docs/scale.md.
 */
export async function placeOrganization(env: Bindings, organizationId: string, shard: string): Promise<void> {
  const target = database(shardDatabase(env, shard));
  const primary = database(env.DB);
  const [organization] = await primary.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  if (!organization) throw new Error(`cannot place organization ${organizationId}: it does not exist`);
  const [owned] = await primary.select({ projects: count() }).from(projects).where(eq(projects.organizationId, organizationId));
  if ((owned?.projects ?? 0) > 0) throw new Error(`cannot place organization ${organizationId}: it has projects; move it instead`);
  if (shard === PRIMARY_SHARD) {
    await primary.delete(organizationPlacements).where(eq(organizationPlacements.organizationId, organizationId));
    return;
  }
  await target.insert(organizations).values(organization).onConflictDoNothing();
  const placedAt = isoNow();
  await primary
    .insert(organizationPlacements)
    .values({ organizationId, shard, placedAt })
    .onConflictDoUpdate({ target: organizationPlacements.organizationId, set: { shard, placedAt } });
}

/** Places a new organization by the stable hash over the shards open for placement (`KIVO_D1_PLACEMENT`). */
export async function placeNewOrganization(env: Bindings, organizationId: string): Promise<void> {
  const shard = shardForNewOrganization(organizationId, openShards(env));
  if (shard !== PRIMARY_SHARD) await placeOrganization(env, organizationId, shard);
}

/** Copies a new project's row to its organization's shard, before the project is created on the primary. */
export async function copyProjectToShard(env: Bindings, project: typeof projects.$inferSelect): Promise<void> {
  const [placement] = await database(env.DB)
    .select({ shard: organizationPlacements.shard })
    .from(organizationPlacements)
    .where(eq(organizationPlacements.organizationId, project.organizationId))
    .limit(1);
  if (!placement || placement.shard === PRIMARY_SHARD) return;
  await database(shardDatabase(env, placement.shard)).insert(projects).values(project).onConflictDoNothing();
}
