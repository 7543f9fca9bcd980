/**
 * Structured logs. Only identifiers, codes and counts go in: never request
 * bodies, outputs, source text or credentials. Errors are reduced to their
 * name and stack frames because messages can quote user input.
 */
type Fields = Record<string, unknown>;

function serialize(fields: Fields): Fields {
  const out: Fields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      out[key] = { name: value.name, frames: (value.stack ?? "").split("\n").slice(1, 8).map((l) => l.trim()) };
    } else {
      out[key] = value;
    }
  }
  return out;
}

function emit(level: "info" | "warn" | "error", event: string, fields: Fields): void {
  const line = JSON.stringify({ level, event, ...serialize(fields) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const logger = {
  info: (event: string, fields: Fields = {}) => emit("info", event, fields),
  warn: (event: string, fields: Fields = {}) => emit("warn", event, fields),
  error: (event: string, fields: Fields = {}) => emit("error", event, fields),
};
