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
    "\u200b\u200c\u200d\u2060\ufeff\u00ad",
    "ＡＩ＿ＯＵＴＰＵＴ",
    "kivo_live_abcd\u200befgh1234567890",
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
    // Import rows nested past any recursive walk (the Idempotency-Key hash once was one), built as text.
    fc.nat({ max: 12_000 }).map((depth) => `{"rows":[{"ai_output":"a","metadata":${'{"n":'.repeat(depth)}1${"}".repeat(depth)}}]}`),
    fc.string({ maxLength: 200 }),
  );
}

/** Invisible characters a copy-paste can carry into a name or a secret. */
const INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f", "\ufe0f"];
/** Latin letters and a look-alike from Cyrillic or Greek. */
const LOOK_ALIKES: Record<string, string[]> = { a: ["а", "α"], e: ["е", "ε"], o: ["о", "ο"], p: ["р", "ρ"], c: ["с"], i: ["і", "ι"], t: ["т", "τ"], x: ["х", "χ"], s: ["ѕ"] };
const fullWidth = (char: string) => (/[!-~]/.test(char) ? String.fromCharCode(char.charCodeAt(0) + 0xfee0) : char);

/** Inserts invisible characters between the characters of `text`. */
const sprinkleInvisible = (text: string) =>
  fc.array(fc.tuple(fc.nat({ max: text.length }), fc.constantFrom(...INVISIBLE)), { maxLength: 3 }).map((inserts) => {
    const chars = [...text];
    for (const [at, char] of inserts.sort(([a], [b]) => b - a)) chars.splice(Math.min(at, chars.length), 0, char);
    return chars.join("");
  });

/** One of `names`, spelled the way a client might: any case, camelCase, other separators, full-width, look-alikes, invisible characters. */
export function disguisedName(names: readonly string[]): fc.Arbitrary<string> {
  return fc
    .record({
      name: fc.constantFrom(...names),
      style: fc.constantFrom("snake", "camel", "pascal", "kebab", "dotted", "spaced", "upper"),
      perChar: fc.array(fc.constantFrom("keep", "upper", "full", "alike"), { minLength: 40, maxLength: 40 }),
    })
    .chain(({ name, style, perChar }) => {
      const words = name.split("_");
      const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
      const joined = {
        snake: words.join("_"),
        camel: words[0] + words.slice(1).map(cap).join(""),
        pascal: words.map(cap).join(""),
        kebab: words.join("-"),
        dotted: words.join("."),
        spaced: words.join(" "),
        upper: words.join("_").toUpperCase(),
      }[style];
      const spelled = [...joined]
        .map((char, i) => {
          const how = perChar[i % perChar.length];
          const lower = char.toLowerCase();
          if (how === "upper") return char.toUpperCase();
          if (how === "full") return fullWidth(char);
          if (how === "alike" && LOOK_ALIKES[lower]) return LOOK_ALIKES[lower]![0]!;
          return char;
        })
        .join("");
      return sprinkleInvisible(spelled);
    });
}

/** A credential of a shape Kivo refuses, possibly with invisible characters inside. */
export const disguisedCredential = fc
  .constantFrom(
    `kivo_live_${"a1B2".repeat(8)}`,
    `KIVO_TEST_${"A1B2".repeat(8)}`,
    `kivo_admin_${"a1B2".repeat(8)}`,
    `whsec_${"a1B2".repeat(8)}`,
    `sk-proj-${"a1B2c3D4".repeat(4)}`,
    `sk-ant-api03-${"a1B2c3D4".repeat(4)}`,
    "AIzaSy0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "postgres://kivo:s3cret-pw@db.internal/kivo",
    `sk_live_${"a1B2".repeat(6)}`,
  )
  .chain(sprinkleInvisible);

/** Wraps `value` under `key` inside 0–5 levels of objects and arrays. */
export const buried = (key: string, value: unknown) =>
  fc.array(fc.oneof(fc.constant("array"), fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "__proto__")), { maxLength: 5 }).map((levels) =>
    levels.reduceRight<unknown>((inner, level) => (level === "array" ? [inner] : { [level]: inner }), { [key]: value }),
  );

/** The JSON Schema keywords the document uses, as the contract fuzzer reads them. */
export interface ContractSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, ContractSchema | boolean>;
  required?: string[];
  additionalProperties?: ContractSchema | boolean;
  propertyNames?: ContractSchema;
  maxProperties?: number;
  items?: ContractSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: ContractSchema[];
  oneOf?: ContractSchema[];
  allOf?: ContractSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  contentMediaType?: string;
  contentSchema?: ContractSchema;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

const printable = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,é€🙂"), maxLength: 40 });

/**
 * Values the document's schema accepts, generated from it (types, enums,
 * lengths, patterns, formats, item and property counts, oneOf/anyOf/allOf):
 * the inputs of the property that a valid request is never refused. Sizes
 * stay small; the contract fuzzer checks each value with a validator too.
 */
export function validFromSchema(input: ContractSchema | boolean, components: Record<string, ContractSchema>, depth = 0): fc.Arbitrary<unknown> {
  if (input === true || input === undefined) return fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), printable);
  if (input === false) return fc.constant(undefined);
  let schema = input;
  while (schema.$ref) schema = { ...components[schema.$ref.split("/").pop()!]!, ...withoutRef(schema) };
  if (schema.allOf) return validFromSchema(schema.allOf.reduce<ContractSchema>((merged, part) => mergeSchemas(merged, part, components), withoutKeys(schema, ["allOf"])), components, depth);
  if (schema.oneOf || schema.anyOf) {
    const branches = (schema.oneOf ?? schema.anyOf)!;
    const base = withoutKeys(schema, ["oneOf", "anyOf"]);
    // A branch with its own type replaces the base; a branch of constraints (required, properties) refines it.
    return fc.oneof(...branches.map((branch) => validFromSchema(branch.type || branch.$ref || branch.enum ? branch : mergeSchemas(base, branch, components), components, depth + 1)));
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (!schema.type && !schema.properties && !schema.additionalProperties) return validFromSchema(true, components, depth);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : ["object"];
  return fc.oneof(...types.map((type) => validOfType(type, schema, components, depth)));
}

function validOfType(type: string, s: ContractSchema, components: Record<string, ContractSchema>, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 });
    case "number":
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: s.minimum ?? -1000, max: s.maximum ?? 100_000 });
    case "string":
      return validString(s, components);
    case "array": {
      const minLength = s.minItems ?? 0;
      return fc.array(validFromSchema(s.items ?? true, components, depth + 1), { minLength, maxLength: Math.min(s.maxItems ?? 3, minLength + 3) });
    }
    default: {
      const properties = Object.entries(s.properties ?? {}).filter(([, value]) => value !== false);
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of properties) record[key] = validFromSchema(value, components, depth + 1);
      const known = fc.record(record, { requiredKeys: [...required].filter((key) => key in record) });
      const extra = s.additionalProperties;
      if (!extra || depth > 4) return known;
      const names = s.propertyNames
        ? (validFromSchema({ type: "string", ...s.propertyNames }, components, depth + 1) as fc.Arbitrary<string>).filter((name) => name.length > 0)
        : printable.filter((name) => name.length > 0);
      const room = Math.max(0, (s.maxProperties ?? 4) - properties.length);
      return fc.tuple(known, fc.dictionary(names.filter((name) => !(name in record)), validFromSchema(extra, components, depth + 1), { maxKeys: Math.min(room, 4) }))
        .map(([fixed, more]) => ({ ...more, ...fixed }));
    }
  }
}

function validString(s: ContractSchema, components: Record<string, ContractSchema> = {}): fc.Arbitrary<string> {
  // A string that carries JSON (a query parameter holding an object) holds a valid value of its content schema.
  if (s.contentMediaType === "application/json" && s.contentSchema) {
    return validFromSchema(s.contentSchema, components).map((value) => JSON.stringify(value)).filter((text) => text.length <= (s.maxLength ?? Infinity));
  }
  if (s.format === "uri") return fc.webUrl({ validSchemes: ["https"] }).filter((url) => url.length <= (s.maxLength ?? 2048));
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((text) => text.length >= (s.minLength ?? 0) && text.length <= (s.maxLength ?? Infinity));
  if (s.format === "date-time") return fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((date) => date.toISOString());
  if (s.format === "uuid") return fc.uuid();
  const minLength = s.minLength ?? 0;
  return fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,é€🙂"), minLength, maxLength: Math.min(s.maxLength ?? 40, minLength + 40) });
}

function withoutRef(schema: ContractSchema): ContractSchema {
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

function withoutKeys(schema: ContractSchema, keys: (keyof ContractSchema)[]): ContractSchema {
  const copy = { ...schema };
  for (const key of keys) delete copy[key];
  return copy;
}

function mergeSchemas(a: ContractSchema, b: ContractSchema, components: Record<string, ContractSchema>): ContractSchema {
  const right = b.$ref ? { ...components[b.$ref.split("/").pop()!]!, ...withoutRef(b) } : b;
  return {
    ...a,
    ...right,
    // `true` adds nothing to what the other schema says of a property; `false` forbids it.
    properties: Object.fromEntries(
      [...new Set([...Object.keys(a.properties ?? {}), ...Object.keys(right.properties ?? {})])].map((key) => {
        const mine = right.properties?.[key];
        return [key, mine === undefined || (mine === true && a.properties?.[key] !== undefined) ? a.properties![key]! : mine];
      }),
    ),
    required: [...new Set([...(a.required ?? []), ...(right.required ?? [])])],
  };
}
