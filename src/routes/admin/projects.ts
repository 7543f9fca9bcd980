import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { controlDbOf } from "../../middleware/auth.ts";
import { copyProjectToShard } from "../../services/tenancy/placement.ts";
import { createProject, listProjects, projectView, updateProject } from "../../services/tenancy/tenancy.ts";
import { defineRoute } from "../define.ts";
import { CreateProjectBodySchema, IdParamSchema, ListQuerySchema, ProjectSchema, UpdateProjectBodySchema, listOf, withRequestId } from "./schema.ts";

export const createProjectRoute = defineRoute({
  method: "post",
  path: "/admin/v1/projects",
  operationId: "adminCreateProject",
  tags: ["Admin"],
  summary: "Create a project",
  auth: { admin: true },
  request: { body: { required: true, content: { "application/json": { schema: CreateProjectBodySchema } } } },
  responses: {
    201: { description: "The project.", content: { "application/json": { schema: withRequestId(ProjectSchema.shape) } } },
  },
});

export const listProjectsRoute = defineRoute({
  method: "get",
  path: "/admin/v1/projects",
  operationId: "adminListProjects",
  tags: ["Admin"],
  summary: "List projects",
  auth: { admin: true },
  errors: ["invalid_cursor"],
  request: { query: ListQuerySchema.extend({ organization_id: z.string().uuid().optional() }) },
  responses: {
    200: { description: "A page of projects.", content: { "application/json": { schema: listOf(ProjectSchema) } } },
  },
});

export const updateProjectRoute = defineRoute({
  method: "patch",
  path: "/admin/v1/projects/{projectId}",
  operationId: "adminUpdateProject",
  tags: ["Admin"],
  summary: "Update a project",
  description:
    "Changes the fields given: `gate_mode`, and `semantic_judge` (`null` follows the deployment's `KIVO_JUDGE_PROVIDER`). Runs reviewed from then on use the new settings.",
  auth: { admin: true },
  request: {
    params: IdParamSchema("projectId"),
    body: { required: true, content: { "application/json": { schema: UpdateProjectBodySchema } } },
  },
  responses: {
    200: { description: "The project.", content: { "application/json": { schema: withRequestId(ProjectSchema.shape) } } },
  },
});

export function registerAdminProjects(app: OpenAPIHono<AppEnv>) {
  app.openapi(createProjectRoute, async (c) => {
    const row = await createProject(controlDbOf(c), c.req.valid("json"), (project) => copyProjectToShard(c.env, project));
    return c.json({ ...projectView(row), request_id: c.get("requestId") }, 201);
  });

  app.openapi(updateProjectRoute, async (c) => {
    const row = await updateProject(controlDbOf(c), c.req.valid("param").projectId as string, c.req.valid("json"));
    return c.json({ ...projectView(row), request_id: c.get("requestId") }, 200);
  });

  app.openapi(listProjectsRoute, async (c) => {
    const { page, hasMore, nextCursor } = await listProjects(controlDbOf(c), c.req.valid("query"), c.env.KIVO_SIGNING_SECRET);
    return c.json(
      { items: page.map(projectView), next_cursor: nextCursor, has_more: hasMore, request_id: c.get("requestId") },
      200,
    );
  });
}
