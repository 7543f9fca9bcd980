/**
 * Structured logs. Only identifiers, codes and counts go in: never request
 * bodies, outputs, source text or credentials. Errors are reduced to their
 * name and stack frames because messages can quote user input.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type LogFields = Record<string, unknown>;
type Fields = LogFields;

// What every line inside one request, queue message or cron run is about
// (request_id, and review_run_id or import_id where known), set once where
// the work starts and added to each line logged within it, however deep.
// AsyncLocalStorage (nodejs_compat) carries it across awaits and into work
// handed to waitUntil.
const context = new AsyncLocalStorage<Fields>();

/** The request (or queue batch, or cron run) being handled, for a queue message to carry to its consumer. */
export function currentRequestId(): string | undefined {
  const id = context.getStore()?.request_id;
  return typeof id === "string" ? id : undefined;
}

/** Runs `work` with `fields` added to every line it logs, on top of the fields already in force. */
export function withLogContext<T>(fields: Fields, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

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
  const line = JSON.stringify({ level, event, ...context.getStore(), ...serialize(fields) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const logger = {
  info: (event: string, fields: Fields = {}) => emit("info", event, fields),
  warn: (event: string, fields: Fields = {}) => emit("warn", event, fields),
  error: (event: string, fields: Fields = {}) => emit("error", event, fields),
};
