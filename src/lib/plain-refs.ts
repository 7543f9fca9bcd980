/**
 * zod-openapi wraps a reference that carries its own description as
 * `allOf: [{$ref}, {description}]`. Several client generators drop operations
 * whose bodies hold such wrappers, and OpenAPI 3.1 (JSON Schema 2020-12) allows
 * annotations beside a `$ref`, so the wrapper becomes `{$ref, description}`.
 * Real composition (`allOf` with properties of its own) is left as it is.
 */
const ANNOTATIONS = new Set(["description", "title", "default", "example", "examples", "deprecated", "readOnly", "writeOnly"]);

function isAnnotationOnly(schema: unknown): schema is Record<string, unknown> {
  return typeof schema === "object" && schema !== null && Object.keys(schema).every((key) => ANNOTATIONS.has(key));
}

export function plainRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(plainRefs) as T;
  if (typeof node !== "object" || node === null) return node;
  const entries = Object.entries(node).map(([key, value]) => [key, plainRefs(value)] as const);
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  const allOf = object.allOf;
  if (Array.isArray(allOf) && allOf.length >= 1 && allOf.filter((part) => !isAnnotationOnly(part)).length === 1) {
    const [reference] = allOf.filter((part) => !isAnnotationOnly(part)) as Record<string, unknown>[];
    if (reference && typeof reference.$ref === "string" && Object.keys(reference).length === 1) {
      const { allOf: _wrapper, ...rest } = object;
      return { $ref: reference.$ref, ...Object.assign({}, ...allOf.filter(isAnnotationOnly)), ...rest } as T;
    }
  }
  return object as T;
}
