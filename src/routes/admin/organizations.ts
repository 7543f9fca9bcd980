import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { controlDbOf } from "../../middleware/auth.ts";
import { createPlacedOrganization, listOrganizations, organizationView, updateOrganization } from "../../services/tenancy/tenancy.ts";
import { defineRoute } from "../define.ts";
import {
  CreateOrganizationBodySchema,
  IdParamSchema,
  ListQuerySchema,
  OrganizationSchema,
  UpdateOrganizationBodySchema,
  listOf,
  withRequestId,
} from "./schema.ts";

const OrganizationResponseSchema = withRequestId(OrganizationSchema.shape);

export const createOrganizationRoute = defineRoute({
  method: "post",
  path: "/admin/v1/organizations",
  operationId: "adminCreateOrganization",
  tags: ["Admin"],
  summary: "Create an organization",
  auth: { admin: true },
  request: { body: { required: true, content: { "application/json": { schema: CreateOrganizationBodySchema } } } },
  responses: {
    201: { description: "The organization.", content: { "application/json": { schema: OrganizationResponseSchema } } },
  },
});

export const listOrganizationsRoute = defineRoute({
  method: "get",
  path: "/admin/v1/organizations",
  operationId: "adminListOrganizations",
  tags: ["Admin"],
  summary: "List organizations",
  auth: { admin: true },
  errors: ["invalid_cursor"],
  request: { query: ListQuerySchema },
  responses: {
    200: { description: "A page of organizations.", content: { "application/json": { schema: listOf(OrganizationSchema) } } },
  },
});

export const updateOrganizationRoute = defineRoute({
  method: "patch",
  path: "/admin/v1/organizations/{organizationId}",
  operationId: "adminUpdateOrganization",
  tags: ["Admin"],
  summary: "Update an organization",
  description:
    "Changes the fields given: `monthly_run_limit` (`null` = the plan's allowance), `semantic_judge_monthly_token_budget` (`null` = the deployment's `KIVO_JUDGE_MONTHLY_TOKEN_BUDGET`) and `retention_days` (`null` = the plan's default). Limits apply at once, to the current period; a shorter retention applies from the next cron pass, which deletes the runs and imports now past it.",
  auth: { admin: true },
  request: {
    params: IdParamSchema("organizationId"),
    body: { required: true, content: { "application/json": { schema: UpdateOrganizationBodySchema } } },
  },
  responses: {
    200: { description: "The organization.", content: { "application/json": { schema: OrganizationResponseSchema } } },
  },
});

export function registerAdminOrganizations(app: OpenAPIHono<AppEnv>) {
  app.openapi(createOrganizationRoute, async (c) => {
    const row = await createPlacedOrganization(c.env, c.req.valid("json"));
    return c.json({ ...organizationView(row), request_id: c.get("requestId") }, 201);
  });

  app.openapi(updateOrganizationRoute, async (c) => {
    const row = await updateOrganization(controlDbOf(c), c.req.valid("param").organizationId as string, c.req.valid("json"));
    return c.json({ ...organizationView(row), request_id: c.get("requestId") }, 200);
  });

  app.openapi(listOrganizationsRoute, async (c) => {
    const { page, hasMore, nextCursor } = await listOrganizations(controlDbOf(c), c.req.valid("query"), c.env.KIVO_SIGNING_SECRET);
    return c.json(
      { items: page.map(organizationView), next_cursor: nextCursor, has_more: hasMore, request_id: c.get("requestId") },
      200,
    );
  });
}
