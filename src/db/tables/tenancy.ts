import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const organizations = sqliteTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  plan: text("plan", { enum: ["free", "pro", "enterprise"] }).notNull().default("free"),
  /** Overrides the plan's monthly review-run allowance when set. */
  monthlyRunLimit: integer("monthly_run_limit"),
  /** Overrides the deployment's KIVO_JUDGE_MONTHLY_TOKEN_BUDGET when set: the semantic judge's tokens per usage period. */
  semanticJudgeMonthlyTokenBudget: integer("semantic_judge_monthly_token_budget"),
  createdAt: text("created_at").notNull(),
});

export const projects = sqliteTable(
  "projects",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    gateMode: text("gate_mode", { enum: ["advisory", "enforcing"] }).notNull().default("advisory"),
    /** The semantic judge for this project's runs; null follows the deployment's KIVO_JUDGE_PROVIDER. */
    semanticJudge: text("semantic_judge", { enum: ["off", "workers-ai", "openai-compatible"] }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("projects_organization_idx").on(t.organizationId, t.createdAt)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    name: text("name").notNull(),
    /** SHA-256 of the whole secret, hex. The secret itself is never stored. */
    keyHash: text("key_hash").notNull().unique(),
    /** First characters of the secret, shown in listings to tell keys apart. */
    displayPrefix: text("display_prefix").notNull(),
    /** JSON array of scope strings. */
    scopes: text("scopes").notNull(),
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("api_keys_project_idx").on(t.projectId, t.createdAt)],
);

export const nowSql = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
