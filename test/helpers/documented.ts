import { expect } from "vitest";
import type { z } from "zod";

/**
 * A response body read through the schema that documents it: it must parse,
 * and parsing must drop nothing, so an undocumented field (where a leak would
 * hide) fails the test as surely as a missing one. Returns the body typed.
 */
export function documented<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? [], JSON.stringify(body).slice(0, 2000)).toEqual([]);
  expect(parsed.data).toEqual(body);
  return parsed.data as z.output<Schema>;
}
