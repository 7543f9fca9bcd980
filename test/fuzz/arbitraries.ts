import fc from "fast-check";

/** The slice of an OpenAPI document the fuzzer reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  const?: unknown;
}

export type Components = Record<string, JsonSchema>;

const resolve = (schema: JsonSchema, components: Components): JsonSchema =>
  schema.$ref ? resolve(components[schema.$ref.split("/").pop()!] ?? {}, components) : schema;

/** Strings that have broken parsers before: unicode edge cases, injections, sizes. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\ud800",
    "\u202e\u202d",
    "👩‍👩‍👧‍👦".repeat(50),
    "'; DROP TABLE review_runs; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00%2e%2e",
    "run_00000000-0000-4000-8000-000000000000",
    "9".repeat(400),
    "null",
    "NaN",
  ),
  fc.nat({ max: 300_000 }).map((n) => "x".repeat(n)),
);

export const anyJson = fc.oneof(
  { depthSize: "small" },
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}),
  nastyString,
);

/** Values shaped like the schema: valid ones, so mutations reach deep validation. */
export function fromSchema(schema: JsonSchema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (depth > 4) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => fromSchema(v, components, depth + 1)));
  if (s.allOf) return fromSchema(s.allOf[0]!, components, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const properties = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(properties)) record[key] = fromSchema(value, components, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((key) => key in record) });
    }
    case "array":
      return fc.array(fromSchema(s.items ?? {}, components, depth + 1), { maxLength: 3 });
    case "string":
      return fc.string({ minLength: 1, maxLength: Math.min(s.maxLength ?? 60, 60) });
    case "integer":
      return fc.integer({ min: s.minimum ?? -10, max: Math.min(s.maximum ?? 1000, 1000) });
    case "number":
      return fc.double({ noNaN: true, min: s.minimum ?? -10, max: s.maximum ?? 1000 });
    case "boolean":
      return fc.boolean();
    default:
      return anyJson;
  }
}

/** Replaces one value somewhere in the document with something hostile. */
export function mutate(value: unknown): fc.Arbitrary<unknown> {
  const hostile = fc.oneof(
    anyJson,
    fc.constant(null),
    nastyString,
    fc.nat({ max: 2000 }).map((depth) => {
      let nested: unknown = "bottom";
      for (let i = 0; i < depth; i++) nested = { nested };
      return nested;
    }),
  );
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return hostile;
    return fc.tuple(fc.constantFrom(...keys), fc.boolean(), fc.boolean()).chain(([key, drop, recurse]) => {
      const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...(value as object) };
      if (drop) {
        delete copy[key];
        return fc.constant(copy);
      }
      const replacement = recurse ? mutate(copy[key]) : hostile;
      return replacement.map((next) => ({ ...copy, [key]: next }));
    });
  }
  return hostile;
}

/** A raw body: JSON from the schema, mutated JSON, or text that is not quite JSON. */
export function rawBody(schema: JsonSchema | undefined, components: Components): fc.Arbitrary<string> {
  const valid = schema ? fromSchema(schema, components) : anyJson;
  return fc.oneof(
    valid.map((v) => JSON.stringify(v)),
    valid.chain(mutate).map((v) => JSON.stringify(v)),
    valid.chain((v) => fc.nat().map((cut) => {
      const text = JSON.stringify(v);
      return text.slice(0, cut % Math.max(1, text.length));
    })),
    fc.constantFrom('{"ai_output": "a", "ai_output": 1}', '{"a":1,"a":{"a":[1,2,', "[]", "null", "\ufeff{}", "{}"),
    fc.string({ maxLength: 200 }),
  );
}
