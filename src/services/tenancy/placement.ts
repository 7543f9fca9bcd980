import { PRIMARY_SHARD, openShards, shardDatabase, shardForNewOrganization } from "../../db/shards.ts";
import type { Bindings } from "../../env.ts";
import { isoNow } from "../../ids.ts";

// Placement writes (docs/scale.md, "Shards"). The tenant tables of a shard
// keep their foreign keys to `organizations` and `projects`, so a shard other
// than the primary holds a copy of the rows of the organizations placed on it
// and of their projects, written before anything references them. Nothing
// reads those copies: settings (plan, gate mode, judge) are read from the
// primary, which is the only place they change.

const copyOrganization = (d1: D1Database, organizationId: string, row: Record<string, unknown>) =>
  d1
    .prepare("INSERT INTO organizations (id, name, plan, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")
    .bind(organizationId, row.name, row.plan, row.created_at);

/**
 * Puts an organization that holds no data yet on a shard: its copy there
 * first, then the placement row that sends its requests there. An
 * organization with projects is moved by the procedure in docs/scale.md.
 */
export async function placeOrganization(env: Bindings, organizationId: string, shard: string): Promise<void> {
  const target = shardDatabase(env, shard);
  const organization = await env.DB.prepare("SELECT name, plan, created_at FROM organizations WHERE id = ?").bind(organizationId).first();
  if (!organization) throw new Error(`cannot place organization ${organizationId}: it does not exist`);
  const projects = await env.DB.prepare("SELECT COUNT(*) AS n FROM projects WHERE organization_id = ?").bind(organizationId).first<{ n: number }>();
  if ((projects?.n ?? 0) > 0) throw new Error(`cannot place organization ${organizationId}: it has projects; move it instead`);
  if (shard === PRIMARY_SHARD) {
    await env.DB.prepare("DELETE FROM organization_placements WHERE organization_id = ?").bind(organizationId).run();
    return;
  }
  await copyOrganization(target, organizationId, organization).run();
  await env.DB.prepare(
    "INSERT INTO organization_placements (organization_id, shard, placed_at) VALUES (?, ?, ?) ON CONFLICT (organization_id) DO UPDATE SET shard = excluded.shard, placed_at = excluded.placed_at",
  )
    .bind(organizationId, shard, isoNow())
    .run();
}

/** Places a new organization by the stable hash over the shards open for placement (`KIVO_D1_PLACEMENT`). */
export async function placeNewOrganization(env: Bindings, organizationId: string): Promise<void> {
  const shard = shardForNewOrganization(organizationId, openShards(env));
  if (shard !== PRIMARY_SHARD) await placeOrganization(env, organizationId, shard);
}

/** Copies a new project's row to its organization's shard, before the project is created on the primary. */
export async function copyProjectToShard(
  env: Bindings,
  project: { id: string; organizationId: string; name: string; gateMode: string; createdAt: string },
): Promise<void> {
  const placement = await env.DB.prepare("SELECT shard FROM organization_placements WHERE organization_id = ?")
    .bind(project.organizationId)
    .first<{ shard: string }>();
  if (!placement || placement.shard === PRIMARY_SHARD) return;
  await shardDatabase(env, placement.shard)
    .prepare("INSERT INTO projects (id, organization_id, name, gate_mode, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")
    .bind(project.id, project.organizationId, project.name, project.gateMode, project.createdAt)
    .run();
}
