import { z } from "@hono/zod-openapi";

/**
 * A named (component) schema that may be null. `.nullable()` on a registered
 * schema renders as `allOf [$ref, {type: [object, null]}]`, which rejects null;
 * a union renders as `anyOf [$ref, {type: null}]`, which documents it right.
 */
export const nullableRef = <T extends z.ZodTypeAny>(schema: T) => z.union([schema, z.null()]);
