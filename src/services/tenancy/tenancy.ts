import { and, eq } from "drizzle-orm";
import { type Database, database } from "../../db/client.ts";
import { keysetPage, newestFirst, olderThan } from "../../db/keyset.ts";
import { apiKeys, organizations, projects } from "../../db/schema.ts";
import { openShards } from "../../db/shards.ts";
import type { Bindings } from "../../env.ts";
import { placeNewOrganization } from "./placement.ts";
import { ApiError } from "../../errors.ts";
import { isoNow, newUuid } from "../../ids.ts";
import { type KeyEnvironment, buildApiKey } from "./auth.ts";
import type { Scope } from "./scopes.ts";

type OrganizationRow = typeof organizations.$inferSelect;
type ProjectRow = typeof projects.$inferSelect;
type ApiKeyRow = typeof apiKeys.$inferSelect;
type Plan = OrganizationRow["plan"];

export const organizationView = (row: OrganizationRow) => ({
  id: row.id,
  name: row.name,
  plan: row.plan,
  monthly_run_limit: row.monthlyRunLimit,
  semantic_judge_monthly_token_budget: row.semanticJudgeMonthlyTokenBudget,
  retention_days: row.retentionDays,
  created_at: row.createdAt,
});

export const projectView = (row: ProjectRow) => ({
  id: row.id,
  organization_id: row.organizationId,
  name: row.name,
  gate_mode: row.gateMode,
  semantic_judge: row.semanticJudge,
  created_at: row.createdAt,
});

export const apiKeyView = (row: ApiKeyRow) => ({
  id: row.id,
  organization_id: row.organizationId,
  project_id: row.projectId,
  name: row.name,
  display_prefix: row.displayPrefix,
  scopes: JSON.parse(row.scopes) as Scope[],
  rate_limit_per_minute: row.rateLimitPerMinute,
  created_at: row.createdAt,
  last_used_at: row.lastUsedAt,
  revoked_at: row.revokedAt,
});

export async function createOrganization(
  db: Database,
  input: { name: string; plan: Plan } & OrganizationLimits,
) {
  const row: OrganizationRow = {
    id: newUuid(),
    name: input.name,
    plan: input.plan,
    monthlyRunLimit: input.monthly_run_limit ?? null,
    semanticJudgeMonthlyTokenBudget: input.semantic_judge_monthly_token_budget ?? null,
    retentionDays: input.retention_days ?? null,
    createdAt: isoNow(),
  };
  await db.insert(organizations).values(row);
  return row;
}

interface OrganizationLimits {
  monthly_run_limit?: number | null | undefined;
  semantic_judge_monthly_token_budget?: number | null | undefined;
  retention_days?: number | null | undefined;
}

/** Changes only the fields given; `null` returns a field to the plan's or the deployment's default. */
export async function updateOrganization(db: Database, organizationId: string, changes: OrganizationLimits) {
  const set: Partial<OrganizationRow> = {};
  if (changes.monthly_run_limit !== undefined) set.monthlyRunLimit = changes.monthly_run_limit;
  if (changes.semantic_judge_monthly_token_budget !== undefined) set.semanticJudgeMonthlyTokenBudget = changes.semantic_judge_monthly_token_budget;
  if (changes.retention_days !== undefined) set.retentionDays = changes.retention_days;
  const [row] =
    Object.keys(set).length === 0
      ? await db.select().from(organizations).where(eq(organizations.id, organizationId))
      : await db.update(organizations).set(set).where(eq(organizations.id, organizationId)).returning();
  if (!row) throw new ApiError("not_found");
  return row;
}

export async function createProject(
  db: Database,
  input: { organization_id: string; name: string; gate_mode: "advisory" | "enforcing"; semantic_judge?: ProjectRow["semanticJudge"] | undefined },
  /** Runs before the project exists on the primary (its copy on the organization's shard). */
  beforeInsert: (row: ProjectRow) => Promise<void> = async () => undefined,
) {
  const [organization] = await db.select().from(organizations).where(eq(organizations.id, input.organization_id));
  if (!organization) {
    throw new ApiError("validation_error", {
      details: [{ path: "organization_id", message: "No organization has this ID." }],
    });
  }
  const row: ProjectRow = {
    id: newUuid(),
    organizationId: input.organization_id,
    name: input.name,
    gateMode: input.gate_mode,
    semanticJudge: input.semantic_judge ?? null,
    createdAt: isoNow(),
  };
  await beforeInsert(row);
  await db.insert(projects).values(row);
  return row;
}

/** The project settings a review reads: its gate mode and its semantic-judge override (null: none, or no such project). */
export async function projectSettings(db: Database, projectId: string): Promise<Pick<ProjectRow, "gateMode" | "semanticJudge"> | null> {
  const [row] = await db
    .select({ gateMode: projects.gateMode, semanticJudge: projects.semanticJudge })
    .from(projects)
    .where(eq(projects.id, projectId))
    .limit(1);
  return row ?? null;
}

/** Changes only the fields given; runs already reviewed keep the verdicts they have. */
export async function updateProject(
  db: Database,
  projectId: string,
  changes: { gate_mode?: ProjectRow["gateMode"] | undefined; semantic_judge?: ProjectRow["semanticJudge"] | undefined },
) {
  const set: Partial<ProjectRow> = {};
  if (changes.gate_mode !== undefined) set.gateMode = changes.gate_mode;
  if (changes.semantic_judge !== undefined) set.semanticJudge = changes.semantic_judge;
  const [row] =
    Object.keys(set).length === 0
      ? await db.select().from(projects).where(eq(projects.id, projectId))
      : await db.update(projects).set(set).where(eq(projects.id, projectId)).returning();
  if (!row) throw new ApiError("not_found");
  return row;
}

export async function createApiKey(
  db: Database,
  input: {
    project_id: string;
    name: string;
    scopes: Scope[];
    environment: KeyEnvironment;
    rate_limit_per_minute?: number | null | undefined;
  },
) {
  const [project] = await db.select().from(projects).where(eq(projects.id, input.project_id));
  if (!project) {
    throw new ApiError("validation_error", { details: [{ path: "project_id", message: "No project has this ID." }] });
  }
  const { row, secret } = await buildApiKey({
    organizationId: project.organizationId,
    projectId: project.id,
    name: input.name,
    scopes: input.scopes,
    environment: input.environment,
    rateLimitPerMinute: input.rate_limit_per_minute ?? null,
  });
  await db.insert(apiKeys).values(row);
  return { row, secret };
}

export async function revokeApiKey(db: Database, keyId: string) {
  const [existing] = await db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
  if (!existing) throw new ApiError("not_found");
  if (existing.revokedAt) return existing;
  const [updated] = await db.update(apiKeys).set({ revokedAt: isoNow() }).where(eq(apiKeys.id, keyId)).returning();
  return updated!;
}

/**
 * `POST /admin/v1/organizations`: the organization on the control plane, then
 * its placement. A placement list naming a shard this deployment does not
 * bind fails first, before anything is created.
 */
export async function createPlacedOrganization(env: Bindings, body: Parameters<typeof createOrganization>[1]): Promise<OrganizationRow> {
  openShards(env);
  const row = await createOrganization(database(env.DB), body);
  await placeNewOrganization(env, row.id);
  return row;
}

/** One page of an admin list, newest first (db/keyset.ts). */
interface AdminListQuery {
  limit: number;
  cursor?: string | undefined;
}

export const listOrganizations = (db: Database, query: AdminListQuery, secret: string | undefined) =>
  keysetPage(
    (after, n) =>
      db
        .select()
        .from(organizations)
        .where(olderThan(organizations, after))
        .orderBy(...newestFirst(organizations))
        .limit(n),
    { limit: query.limit, cursor: query.cursor, secret, scope: "admin:organizations" },
  );

export const listProjects = (db: Database, query: AdminListQuery & { organization_id?: string | undefined }, secret: string | undefined) =>
  keysetPage(
    (after, n) =>
      db
        .select()
        .from(projects)
        .where(and(query.organization_id ? eq(projects.organizationId, query.organization_id) : undefined, olderThan(projects, after)))
        .orderBy(...newestFirst(projects))
        .limit(n),
    { limit: query.limit, cursor: query.cursor, secret, scope: `admin:projects:${query.organization_id ?? "*"}` },
  );

export const listApiKeys = (db: Database, query: AdminListQuery & { project_id?: string | undefined }, secret: string | undefined) =>
  keysetPage(
    (after, n) =>
      db
        .select()
        .from(apiKeys)
        .where(and(query.project_id ? eq(apiKeys.projectId, query.project_id) : undefined, olderThan(apiKeys, after)))
        .orderBy(...newestFirst(apiKeys))
        .limit(n),
    { limit: query.limit, cursor: query.cursor, secret, scope: `admin:api-keys:${query.project_id ?? "*"}` },
  );
