import { and, asc, eq, inArray, lt } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { organizationMoves, organizationPlacements, organizations, projects } from "../../db/schema.ts";
import { PRIMARY_SHARD, shardDatabase, tenantEnv } from "../../db/shards.ts";
import type { Bindings, TenantEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { isoNow } from "../../ids.ts";
import { DeferredWork } from "../../lib/deferred-work.ts";

// Moving an organization from one shard to another (docs/scale.md, "Moving an
// organization"). The move is a row in `organization_moves` on the primary
// and runs in steps, each a bounded amount of work, so a move of any size fits
// Workers' per-invocation limits and a crash loses at most the step it was in:
//
//   draining  writes refused, reads from the source; waits `drain_seconds`
//             for writes that started before the pause to land.
//   copying   every tenant row of the organization is upserted into the
//             target, table by table, a page at a time, from a cursor kept in
//             the row. Upserts make a repeated page harmless, so a step that
//             crashed is simply taken again (the move resumes; it never
//             needs undoing). The copy ends by counting the rows on both
//             sides; a difference (a write that reached the source after the
//             drain) empties the target's rows and starts the copy over.
//   flip      one primary batch: the placement names the target and the move
//             becomes `cleaning`. The next request reads and writes there.
//   cleaning  the source's rows of the organization are deleted a page at a
//             time, children before parents; then the move row goes.

export type MovePhase = (typeof organizationMoves.$inferSelect)["phase"];

/** Seconds a refused write is told to wait: a step of the move takes well under this. */
export const MOVE_RETRY_AFTER_SECONDS = 10;

/** Rows copied or deleted per step of one table. */
export const MOVE_PAGE_ROWS = 100;

/** The answer a write of a moving organization gets (a retry after the move succeeds; nothing was stored). */
export const organizationMoving = () =>
  new ApiError("organization_moving", { headers: { "Retry-After": String(MOVE_RETRY_AFTER_SECONDS) } });

/** Thrown to a queue consumer whose organization is moving: the message is sent again later, not retried against its budget. */
export class OrganizationMovingError extends DeferredWork {
  constructor(organizationId: string) {
    super(`organization ${organizationId} is moving between shards; its writes wait`, MOVE_RETRY_AFTER_SECONDS);
    this.name = "OrganizationMovingError";
  }
}

const writesPaused = (phase: MovePhase | null | undefined) => phase === "draining" || phase === "copying";

/**
 * The tenant env of a project's organization for work that writes and starts
 * without an API key (queue consumers, enterprise-worker events): refused
 * while the organization moves, in the same one lookup that finds its shard.
 */
export async function writableTenantEnvOfProject(env: Bindings, projectId: string): Promise<TenantEnv> {
  return tenantEnv(env, await writableShardOfProject(env, projectId));
}

/** The shard database of a project's organization, refused (OrganizationMovingError) while it moves. */
export async function writableShardOfProject(env: Bindings, projectId: string): Promise<D1Database> {
  return shardDatabase(env, await writableShardNameOfProject(env, projectId));
}

/** The binding name of the shard a project's writes go to (see writableShardOfProject). */
export async function writableShardNameOfProject(env: Bindings, projectId: string): Promise<string> {
  const [row] = await database(env.DB)
    .select({ organizationId: projects.organizationId, shard: organizationPlacements.shard, phase: organizationMoves.phase })
    .from(projects)
    .leftJoin(organizationPlacements, eq(organizationPlacements.organizationId, projects.organizationId))
    .leftJoin(organizationMoves, eq(organizationMoves.organizationId, projects.organizationId))
    .where(eq(projects.id, projectId))
    .limit(1);
  if (row && writesPaused(row.phase)) throw new OrganizationMovingError(row.organizationId);
  return row?.shard ?? PRIMARY_SHARD;
}

/**
 * One tenant table as the move walks it for one project: which rows are the
 * project's (a condition using an index that starts with the project or the
 * run), the order that index gives (the copy's cursor), and the primary key
 * an upsert matches on. Parents come before children; the clean-up walks the
 * list backwards.
 */
interface TenantTable {
  table: string;
  where: string;
  /** Bound in order for each `?` in `where`. */
  params: (projectId: string) => string[];
  order: string[];
  primaryKey: string[];
}

const RUNS_OF_PROJECT = "review_run_id IN (SELECT id FROM review_runs WHERE project_id = ?)";
const byProject = (projectId: string) => [projectId];

/** Every table on a shard that holds rows of an organization (docs/scale.md, "Shards"), parents first. */
export const TENANT_TABLES: readonly TenantTable[] = [
  { table: "imports", where: "project_id = ?", params: byProject, order: ["created_at", "id"], primaryKey: ["id"] },
  { table: "review_runs", where: "project_id = ?", params: byProject, order: ["created_at", "id"], primaryKey: ["id"] },
  { table: "review_artifacts", where: RUNS_OF_PROJECT, params: byProject, order: ["review_run_id", "kind", "position"], primaryKey: ["review_run_id", "kind", "position"] },
  { table: "private_worker_runs", where: "project_id = ?", params: byProject, order: ["customer_run_id", "review_run_id"], primaryKey: ["review_run_id"] },
  { table: "private_worker_events", where: RUNS_OF_PROJECT, params: byProject, order: ["review_run_id", "event_id"], primaryKey: ["review_run_id", "event_id"] },
  { table: "private_worker_credentials", where: RUNS_OF_PROJECT, params: byProject, order: ["review_run_id", "issued_at", "credential_id"], primaryKey: ["credential_id"] },
  { table: "report_links", where: "project_id = ?", params: byProject, order: ["review_run_id", "id"], primaryKey: ["id"] },
  { table: "idempotency_keys", where: "project_id = ?", params: byProject, order: ["operation", "key"], primaryKey: ["project_id", "operation", "key"] },
  { table: "webhook_endpoints", where: "project_id = ?", params: byProject, order: ["created_at", "id"], primaryKey: ["id"] },
  { table: "webhook_events", where: "project_id = ?", params: byProject, order: ["created_at", "id"], primaryKey: ["id"] },
  {
    table: "webhook_deliveries",
    where: "endpoint_id IN (SELECT id FROM webhook_endpoints WHERE project_id = ?)",
    params: byProject,
    order: ["endpoint_id", "created_at", "id"],
    primaryKey: ["id"],
  },
  // R2 prefixes still to be deleted: the cron of whichever shard holds them finishes them, so they move with the rest.
  {
    table: "object_deletions",
    where: "(prefix >= ? AND prefix < ?) OR (prefix >= ? AND prefix < ?)",
    params: (projectId) => [`runs/${projectId}/`, `runs/${projectId}0`, `imports/${projectId}/`, `imports/${projectId}0`],
    order: ["prefix"],
    primaryKey: ["prefix"],
  },
];
// Not moved: `semantic_judge_cache`. Its rows are keyed by a hash that names
// no project, so they cannot be told apart; a cache miss on the new shard
// costs one judge call, and the source's cron deletes the rows after 30 days.

type Row = Record<string, unknown>;

/** Where the copy stopped: the table, the project, and the `order` values of the last row copied (`done`: all of them). */
interface CopyCursor {
  table: string;
  project: string;
  after: unknown[] | null;
  done: boolean;
}

export interface MoveState {
  organizationId: string;
  /** The shard requests go to now. */
  shard: string;
  move: {
    source: string;
    target: string;
    phase: MovePhase;
    copyAfter: string;
    rowsDone: number;
    startedAt: string;
    updatedAt: string;
  } | null;
}

async function placementOf(env: Bindings, organizationId: string): Promise<string> {
  const [row] = await database(env.DB)
    .select({ shard: organizationPlacements.shard })
    .from(organizationPlacements)
    .where(eq(organizationPlacements.organizationId, organizationId))
    .limit(1);
  return row?.shard ?? PRIMARY_SHARD;
}

async function moveOf(env: Bindings, organizationId: string) {
  const [row] = await database(env.DB).select().from(organizationMoves).where(eq(organizationMoves.organizationId, organizationId)).limit(1);
  return row ?? null;
}

/** Where an organization's data is, and its move if one is under way. */
export async function moveState(env: Bindings, organizationId: string): Promise<MoveState> {
  const [organization] = await database(env.DB).select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  if (!organization) throw new ApiError("not_found", { message: "No organization has this ID." });
  const [shard, move] = await Promise.all([placementOf(env, organizationId), moveOf(env, organizationId)]);
  return {
    organizationId,
    shard,
    move: move && {
      source: move.source,
      target: move.target,
      phase: move.phase,
      copyAfter: move.copyAfter,
      rowsDone: move.rowsDone,
      startedAt: move.startedAt,
      updatedAt: move.updatedAt,
    },
  };
}

/**
 * Starts moving an organization to `target` (pausing its writes), or finds
 * the move to `target` already under way. Moving to where it is already is a
 * no-op; a move to another target is refused until the current one ends.
 */
export async function startMove(env: Bindings, organizationId: string, target: string, options: { drainSeconds: number; now?: Date }): Promise<MoveState> {
  const state = await moveState(env, organizationId);
  if (state.move) {
    if (state.move.target !== target) {
      throw new ApiError("shard_move_in_progress", {
        message: `The organization is already moving from ${state.move.source} to ${state.move.target}.`,
      });
    }
    return state;
  }
  if (state.shard === target) return state;
  shardDatabase(env, target);
  const now = options.now ?? new Date();
  const stamp = isoNow(now);
  await database(env.DB)
    .insert(organizationMoves)
    .values({
      organizationId,
      source: state.shard,
      target,
      phase: "draining",
      copyAfter: isoNow(new Date(now.getTime() + options.drainSeconds * 1000)),
      startedAt: stamp,
      updatedAt: stamp,
    })
    .onConflictDoNothing();
  // A concurrent start may have won; whatever the row says now is the move.
  return moveState(env, organizationId);
}

/**
 * Does one bounded step of the organization's move: at most one page of one
 * table copied or deleted, or the flip. Returns whether anything is left.
 * Safe to call again after a crash at any point.
 */
export async function stepMove(env: Bindings, organizationId: string, options: { now?: Date; pageRows?: number } = {}): Promise<"waiting" | "more" | "done"> {
  const move = await moveOf(env, organizationId);
  if (!move) return "done";
  const now = options.now ?? new Date();
  const pageRows = options.pageRows ?? MOVE_PAGE_ROWS;
  const primary = database(env.DB);
  const source = shardDatabase(env, move.source);
  const target = shardDatabase(env, move.target);
  const projectIds = (
    await primary.select({ id: projects.id }).from(projects).where(eq(projects.organizationId, organizationId)).orderBy(asc(projects.id))
  ).map((row) => row.id);
  const save = (set: Partial<typeof organizationMoves.$inferInsert>) =>
    primary
      .update(organizationMoves)
      .set({ ...set, updatedAt: isoNow(now) })
      .where(and(eq(organizationMoves.organizationId, organizationId), eq(organizationMoves.phase, move.phase)))
      .run();

  if (move.phase === "draining") {
    if (now.toISOString() < move.copyAfter) return "waiting";
    await copyControlRows(env, organizationId, move.target);
    await save({ phase: "copying", cursor: null, rowsDone: 0 });
    return "more";
  }

  if (move.phase === "copying") {
    const cursor = move.cursor ? (JSON.parse(move.cursor) as CopyCursor | WipeCursor) : null;
    if (cursor && "wipe" in cursor) {
      const { next } = await deletePage(target, projectIds, cursor.at, pageRows);
      await save({ cursor: next ? JSON.stringify({ wipe: true, at: next } satisfies WipeCursor) : null, rowsDone: 0 });
      return "more";
    }
    const next = nextPage(projectIds, cursor);
    if (next) {
      const { spec, projectId, after } = next;
      const rows = await readPage(source, spec, projectId, after, pageRows);
      if (rows.length > 0) await target.batch(rows.map((row) => upsert(target, spec, row)));
      const last = rows.at(-1);
      const nextCursor: CopyCursor =
        rows.length === pageRows && last
          ? { table: spec.table, project: projectId, after: spec.order.map((column) => last[column]), done: false }
          : { table: spec.table, project: projectId, after: null, done: true };
      await save({ cursor: JSON.stringify(nextCursor), rowsDone: move.rowsDone + rows.length });
      return "more";
    }
    // Every page is copied. A write that still reached the source after the
    // drain (a request slower than it, the cron's retention) shows as a
    // difference in count: empty the target and copy again rather than flip.
    if (!(await sameCounts(source, target, projectIds))) {
      await save({ cursor: JSON.stringify({ wipe: true, at: null } satisfies WipeCursor), rowsDone: 0 });
      return "more";
    }
    // A project created since the drain has its copy on the source only.
    await copyControlRows(env, organizationId, move.target);
    // The flip: one transaction on the primary.
    await primary.batch([
      primary
        .insert(organizationPlacements)
        .values({ organizationId, shard: move.target, placedAt: isoNow(now) })
        .onConflictDoUpdate({ target: organizationPlacements.organizationId, set: { shard: move.target, placedAt: isoNow(now) } }),
      primary
        .update(organizationMoves)
        .set({ phase: "cleaning", cursor: null, rowsDone: 0, updatedAt: isoNow(now) })
        .where(and(eq(organizationMoves.organizationId, organizationId), eq(organizationMoves.phase, "copying"))),
    ]);
    return "more";
  }

  const { deleted, next } = await deletePage(source, projectIds, move.cursor ? (JSON.parse(move.cursor) as UnitCursor) : null, pageRows);
  if (next) {
    await save({ cursor: JSON.stringify(next), rowsDone: move.rowsDone + deleted });
    return "more";
  }
  // The source's copies of the organization and its projects, unless the source is the control plane itself.
  if (move.source !== PRIMARY_SHARD) {
    const sourceDb = database(source);
    if (projectIds.length > 0) await sourceDb.delete(projects).where(inArray(projects.id, projectIds));
    await sourceDb.delete(organizations).where(eq(organizations.id, organizationId));
  }
  await primary.delete(organizationMoves).where(eq(organizationMoves.organizationId, organizationId));
  return "done";
}

/** Steps the move until it is done, it must wait for the drain, or `maxSteps` ran (the caller asks again). */
export async function advanceMove(env: Bindings, organizationId: string, options: { maxSteps: number; now?: () => Date; pageRows?: number }) {
  for (let step = 0; step < options.maxSteps; step++) {
    const outcome = await stepMove(env, organizationId, { now: options.now?.(), pageRows: options.pageRows });
    if (outcome !== "more") break;
  }
  return moveState(env, organizationId);
}

/** Steps the cron gives moves per pass: a safety net, small beside its other sweeps' queries. */
export const CRON_MOVE_STEPS = 20;
/** A move nobody stepped for this long was left by its operator (a closed terminal, a crashed call). */
export const ABANDONED_AFTER_SECONDS = 60;

/**
 * Continues the moves nobody is driving, so that an organization whose move
 * its operator started and left does not keep its writes paused: the cron
 * steps each a little per pass until it is done. A move that is being driven
 * is left alone, so two callers do not take the same steps.
 */
export async function continueAbandonedMoves(env: Bindings, now: Date): Promise<number> {
  const idleSince = isoNow(new Date(now.getTime() - ABANDONED_AFTER_SECONDS * 1000));
  const moves = await database(env.DB)
    .select({ organizationId: organizationMoves.organizationId })
    .from(organizationMoves)
    .where(lt(organizationMoves.updatedAt, idleSince))
    .orderBy(asc(organizationMoves.updatedAt))
    .limit(5);
  let budget = CRON_MOVE_STEPS;
  for (const { organizationId } of moves) {
    while (budget > 0) {
      budget--;
      if ((await stepMove(env, organizationId, { now })) !== "more") break;
    }
  }
  return moves.length;
}

/**
 * The tenant tables' foreign keys name the organization and its projects, so
 * a shard other than the primary holds copies of those rows
 * (services/tenancy/placement.ts): written before any tenant row.
 */
async function copyControlRows(env: Bindings, organizationId: string, targetShard: string): Promise<void> {
  if (targetShard === PRIMARY_SHARD) return;
  const primary = database(env.DB);
  const target = database(shardDatabase(env, targetShard));
  const [organization] = await primary.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1);
  if (!organization) return;
  await target.insert(organizations).values(organization).onConflictDoNothing();
  for (const project of await primary.select().from(projects).where(eq(projects.organizationId, organizationId))) {
    await target.insert(projects).values(project).onConflictDoNothing();
  }
}

/** The (table, project) a clean-up step deletes from. */
interface UnitCursor {
  table: string;
  project: string;
}

/** The copy's cursor while it empties the target before copying again. */
interface WipeCursor {
  wipe: true;
  at: UnitCursor | null;
}

/**
 * Deletes one page of the organization's rows from `d1`, at the (table,
 * project) the cursor names, children's tables before their parents'. One
 * statement a step, so a step's cost does not grow with the number of
 * projects. Returns where the next step deletes, or null when all are gone.
 */
async function deletePage(d1: D1Database, projectIds: string[], at: UnitCursor | null, pageRows: number) {
  const units = [...TENANT_TABLES].reverse().flatMap((spec) => projectIds.map((projectId) => ({ spec, projectId })));
  // A cursor naming a project that is gone (or none) starts from the first unit; deleting is idempotent.
  const index = Math.max(0, at ? units.findIndex((unit) => unit.spec.table === at.table && unit.projectId === at.project) : 0);
  const unit = units[index];
  if (!unit) return { deleted: 0, next: null };
  const { spec, projectId } = unit;
  const result = await d1
    .prepare(`DELETE FROM ${spec.table} WHERE rowid IN (SELECT rowid FROM ${spec.table} WHERE ${spec.where} LIMIT ?)`)
    .bind(...spec.params(projectId), pageRows)
    .run();
  const deleted = result.meta.changes ?? 0;
  // A short page emptied the unit: the next step moves on.
  const following = deleted === pageRows ? unit : units[index + 1];
  return { deleted, next: following ? { table: following.spec.table, project: following.projectId } : null };
}

/** The page the copy takes next: where the cursor stopped, or the next (table, project) after a finished one. */
function nextPage(projectIds: string[], cursor: CopyCursor | null) {
  const units = TENANT_TABLES.flatMap((spec) => projectIds.map((projectId) => ({ spec, projectId })));
  if (!cursor) return units[0] ? { ...units[0], after: null } : null;
  const at = units.findIndex((unit) => unit.spec.table === cursor.table && unit.projectId === cursor.project);
  if (at === -1) {
    // A project created since the cursor was written: start over; upserts make it harmless.
    return units[0] ? { ...units[0], after: null } : null;
  }
  if (!cursor.done) return { ...units[at]!, after: cursor.after };
  const next = units[at + 1];
  return next ? { ...next, after: null } : null;
}

async function readPage(source: D1Database, spec: TenantTable, projectId: string, after: unknown[] | null, pageRows: number): Promise<Row[]> {
  const order = spec.order.join(", ");
  const placeholders = spec.order.map(() => "?").join(", ");
  const afterSql = after ? ` AND (${order}) > (${placeholders})` : "";
  const { results } = await source
    .prepare(`SELECT * FROM ${spec.table} WHERE (${spec.where})${afterSql} ORDER BY ${order} LIMIT ?`)
    .bind(...spec.params(projectId), ...(after ?? []), pageRows)
    .all<Row>();
  return results;
}

function upsert(target: D1Database, spec: TenantTable, row: Row): D1PreparedStatement {
  const columns = Object.keys(row);
  const updates = columns.filter((column) => !spec.primaryKey.includes(column));
  const onConflict =
    updates.length > 0
      ? `ON CONFLICT (${spec.primaryKey.join(", ")}) DO UPDATE SET ${updates.map((column) => `${column} = excluded.${column}`).join(", ")}`
      : "ON CONFLICT DO NOTHING";
  return target
    .prepare(`INSERT INTO ${spec.table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ${onConflict}`)
    .bind(...columns.map((column) => row[column] ?? null));
}

async function sameCounts(source: D1Database, target: D1Database, projectIds: string[]): Promise<boolean> {
  const count = (d1: D1Database) =>
    d1.batch(
      TENANT_TABLES.flatMap((spec) =>
        projectIds.map((projectId) => d1.prepare(`SELECT COUNT(*) AS n FROM ${spec.table} WHERE ${spec.where}`).bind(...spec.params(projectId))),
      ),
    );
  if (projectIds.length === 0) return true;
  const [before, after] = await Promise.all([count(source), count(target)]);
  return before.every((result, i) => (result.results[0] as { n: number }).n === (after[i]!.results[0] as { n: number }).n);
}
