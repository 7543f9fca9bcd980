import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { nullableRef } from "../../schemas/nullable.ts";
import { TimestampSchema } from "../../schemas/common.ts";
import { type MoveState, MOVE_PAGE_ROWS, advanceMove, moveState, startMove } from "../../services/tenancy/shard-move.ts";
import { defineRoute } from "../define.ts";
import { IdParamSchema, withRequestId } from "./schema.ts";

/**
 * Steps of a move one request takes (each a page of at most MOVE_PAGE_ROWS
 * rows, or the flip): about five D1 queries each, well inside a Worker
 * invocation's limits. A larger organization takes several requests.
 */
const STEPS_PER_REQUEST = 50;

const ShardNameSchema = z
  .string()
  .regex(/^DB(_SHARD_[1-9][0-9]*)?$/, "Must be a D1 binding name: `DB` or `DB_SHARD_<n>`.")
  .openapi({ description: "A D1 shard binding this deployment declares (docs/scale.md, \"Shards\").", example: "DB_SHARD_1" });

const ShardMoveSchema = z
  .object({
    source: ShardNameSchema,
    target: ShardNameSchema,
    phase: z.enum(["draining", "copying", "cleaning"]).openapi({
      description:
        "`draining`: writes are refused (`503 organization_moving`) and the copy waits for writes already under way; `copying`: rows are copied to `target`, writes still refused, reads served from `source`; `cleaning`: the placement names `target`, which serves reads and writes, and the source's rows are being deleted.",
    }),
    copy_after: TimestampSchema.openapi({ description: "When the copy starts: the pause plus `drain_seconds`." }),
    rows_done: z.number().int().openapi({ description: "Rows copied so far while copying, deleted so far while cleaning." }),
    started_at: TimestampSchema,
    updated_at: TimestampSchema,
  })
  .openapi("ShardMove");

const PlacementSchema = withRequestId({
  organization_id: z.string().uuid(),
  shard: ShardNameSchema.openapi({ description: "The shard that serves the organization's requests now." }),
  move: nullableRef(ShardMoveSchema).openapi({ description: "The move under way, or `null`." }),
}).openapi("OrganizationPlacement");

const MovePlacementBodySchema = z.strictObject({
  shard: ShardNameSchema,
  drain_seconds: z.number().int().min(0).max(600).default(30).openapi({
    description:
      "Seconds between pausing the organization's writes and starting the copy, for writes already under way to land on the source. Used when the move starts; ignored when it continues.",
  }),
});

export const getPlacementRoute = defineRoute({
  method: "get",
  path: "/admin/v1/organizations/{organizationId}/placement",
  operationId: "adminGetOrganizationPlacement",
  tags: ["Admin"],
  summary: "Show where an organization's data is",
  description: "The shard serving the organization, and the move to another shard if one is under way.",
  auth: { admin: true },
  request: { params: IdParamSchema("organizationId") },
  responses: {
    200: { description: "The placement.", content: { "application/json": { schema: PlacementSchema } } },
  },
});

export const movePlacementRoute = defineRoute({
  method: "post",
  path: "/admin/v1/organizations/{organizationId}/placement",
  operationId: "adminMoveOrganization",
  tags: ["Admin"],
  summary: "Move an organization to another shard",
  description: `Moves the organization's data to the D1 shard \`shard\` without stopping its reads (docs/scale.md, "Moving an organization"). The first call pauses its writes, which answer \`503 organization_moving\` with \`Retry-After\` until the copy is done; queued work waits. Each call then does a bounded part of the move (at most ${STEPS_PER_REQUEST} pages of ${MOVE_PAGE_ROWS} rows) and answers \`202\` with its progress while there is more: call again with the same body, after \`Retry-After\`, until it answers \`200\` with \`move: null\`. A call that failed or was cut off is continued by the next one; nothing is lost or copied twice. The placement flips to the new shard in one write once every row is there; the old shard's rows are deleted after that. Moving to the shard the organization is on answers \`200\` at once; moving elsewhere while a move is under way answers \`409 shard_move_in_progress\`.`,
  auth: { admin: true },
  errors: ["shard_move_in_progress"],
  request: {
    params: IdParamSchema("organizationId"),
    body: { required: true, content: { "application/json": { schema: MovePlacementBodySchema } } },
  },
  responses: {
    200: { description: "The organization is on `shard`; no move is under way.", content: { "application/json": { schema: PlacementSchema } } },
    202: {
      description: "The move is under way: call again after `Retry-After`.",
      headers: z.object({ "Retry-After": z.string().openapi({ description: "Seconds to wait before the next call." }) }),
      content: { "application/json": { schema: PlacementSchema } },
    },
  },
});

function placementView(state: MoveState) {
  const { move } = state;
  return {
    organization_id: state.organizationId,
    shard: state.shard,
    move: move && {
      source: move.source,
      target: move.target,
      phase: move.phase,
      copy_after: move.copyAfter,
      rows_done: move.rowsDone,
      started_at: move.startedAt,
      updated_at: move.updatedAt,
    },
  };
}

export function registerAdminPlacements(app: OpenAPIHono<AppEnv>) {
  app.openapi(getPlacementRoute, async (c) => {
    const state = await moveState(c.env, c.req.valid("param").organizationId as string);
    return c.json({ ...placementView(state), request_id: c.get("requestId") }, 200);
  });

  app.openapi(movePlacementRoute, async (c) => {
    const organizationId = c.req.valid("param").organizationId as string;
    const { shard, drain_seconds } = c.req.valid("json");
    const started = await startMove(c.env, organizationId, shard, { drainSeconds: drain_seconds }).catch((error: unknown) => {
      // A shard this deployment does not bind is the operator's input, not a server fault.
      if (error instanceof Error && /does not bind/.test(error.message)) throw invalidShard(shard);
      throw error;
    });
    const state = started.move ? await advanceMove(c.env, organizationId, { maxSteps: STEPS_PER_REQUEST }) : started;
    const body = { ...placementView(state), request_id: c.get("requestId") };
    if (!state.move) return c.json(body, 200);
    const untilCopy = Math.ceil((Date.parse(state.move.copyAfter) - Date.now()) / 1000);
    c.header("Retry-After", String(state.move.phase === "draining" ? Math.max(1, untilCopy) : 1));
    return c.json(body, 202);
  });
}

function invalidShard(shard: string) {
  return new ApiError("validation_error", {
    message: `This deployment declares no D1 binding named ${shard}.`,
    details: [{ path: "shard", message: `This deployment declares no D1 binding named ${shard}.` }],
  });
}
