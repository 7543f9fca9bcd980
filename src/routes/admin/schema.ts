import { z } from "@hono/zod-openapi";
import { NOT_BLANK } from "../../schemas/review-run-input.ts";
import { nullableRef } from "../../schemas/nullable.ts";
import { JUDGE_SETTINGS } from "../../services/judge/config.ts";
import { SCOPES } from "../../services/tenancy/scopes.ts";
import { PLANS, PLAN_NAMES, RETENTION_DAYS } from "../../services/billing/plans.ts";
import { RequestIdSchema, TimestampSchema } from "../../schemas/common.ts";

export const PlanSchema = z.enum(["free", "pro", "enterprise"]).openapi("Plan");
export const ScopeSchema = z.enum(SCOPES).openapi("Scope");

export const OrganizationSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    plan: PlanSchema,
    monthly_run_limit: z.number().int().nullable(),
    semantic_judge_monthly_token_budget: z.number().int().nullable().openapi({
      description:
        "The semantic judge's tokens (input plus output) per usage period for this organization. `null` follows the deployment's `KIVO_JUDGE_MONTHLY_TOKEN_BUDGET` (no cap when that is unset too); `0` lets no run reach a model.",
      example: 5_000_000,
    }),
    retention_days: z.number().int().nullable().openapi({
      description: `Days its review runs and imports are kept before the cron deletes them; \`null\` keeps the plan's default (${PLAN_NAMES.map((plan) => `${plan} ${PLANS[plan].retentionDays}`).join(", ")}).`,
    }),
    created_at: TimestampSchema,
  })
  .openapi("Organization");

export const SemanticJudgeSettingSchema = z.enum(JUDGE_SETTINGS).openapi("SemanticJudgeSetting", {
  description:
    "The semantic judge for the project's runs (docs/engine.md). `null` follows the deployment's `KIVO_JUDGE_PROVIDER`; a provider the deployment has not configured leaves runs with the deterministic verdict.",
});

export const ProjectSchema = z
  .object({
    id: z.string().uuid(),
    organization_id: z.string().uuid(),
    name: z.string(),
    gate_mode: z.enum(["advisory", "enforcing"]),
    semantic_judge: SemanticJudgeSettingSchema.nullable(),
    created_at: TimestampSchema,
  })
  .openapi("Project");

export const ApiKeySchema = z
  .object({
    id: z.string().uuid(),
    organization_id: z.string().uuid(),
    project_id: z.string().uuid(),
    name: z.string(),
    display_prefix: z.string().openapi({ example: "kivo_live_Ab3d" }),
    scopes: z.array(ScopeSchema),
    rate_limit_per_minute: z.number().int().nullable(),
    created_at: TimestampSchema,
    last_used_at: nullableRef(TimestampSchema),
    revoked_at: nullableRef(TimestampSchema),
  })
  .openapi("ApiKey");

const MonthlyRunLimitSchema = z.number().int().min(0).max(10_000_000).nullable();
const TokenBudgetSchema = z.number().int().min(0).max(1_000_000_000_000).nullable();
const RetentionDaysSchema = z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max).nullable();

export const CreateOrganizationBodySchema = z.strictObject({
  name: z.string().regex(NOT_BLANK, "Must not be only whitespace.").trim().min(1).max(200),
  plan: PlanSchema.default("free"),
  monthly_run_limit: MonthlyRunLimitSchema.optional(),
  semantic_judge_monthly_token_budget: TokenBudgetSchema.optional(),
  retention_days: RetentionDaysSchema.optional(),
});

export const UpdateOrganizationBodySchema = z.strictObject({
  monthly_run_limit: MonthlyRunLimitSchema.optional(),
  semantic_judge_monthly_token_budget: TokenBudgetSchema.optional(),
  retention_days: RetentionDaysSchema.optional(),
});

export const CreateProjectBodySchema = z.strictObject({
  organization_id: z.string().uuid(),
  name: z.string().regex(NOT_BLANK, "Must not be only whitespace.").trim().min(1).max(200),
  gate_mode: z.enum(["advisory", "enforcing"]).default("advisory"),
  semantic_judge: SemanticJudgeSettingSchema.nullable().default(null),
});

export const UpdateProjectBodySchema = z.strictObject({
  gate_mode: z.enum(["advisory", "enforcing"]).optional(),
  semantic_judge: SemanticJudgeSettingSchema.nullable().optional(),
});

export const CreateApiKeyBodySchema = z.strictObject({
  project_id: z.string().uuid(),
  name: z.string().regex(NOT_BLANK, "Must not be only whitespace.").trim().min(1).max(200),
  scopes: z.array(ScopeSchema).min(1),
  environment: z.enum(["live", "test"]).default("live"),
  rate_limit_per_minute: z.number().int().min(1).max(1_000_000).nullable().optional(),
});

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});

export const IdParamSchema = (name: string) =>
  z.object({ [name]: z.string().max(100).openapi({ param: { name, in: "path" } }) });

export const withRequestId = <T extends z.ZodRawShape>(shape: T) =>
  z.object({ ...shape, request_id: RequestIdSchema });

export const listOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable(), has_more: z.boolean(), request_id: RequestIdSchema });
