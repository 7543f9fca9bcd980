import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { reviewRuns } from "../../db/schema.ts";
import type { GateVerdict } from "../../schemas/review-artifacts.ts";
import type { RowError } from "./rows.ts";
import { type ImportRow, importExternalIdsKey, importRunId } from "./store.ts";
import { parseJson } from "../review-runs/store.ts";

export const RESULT_FORMATS = ["jsonl", "csv"] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** A row's outcome: its run's status, `rejected` (a validation error) or `not_created` (the import stopped before its run). */
export type ResultStatus = "queued" | "processing" | "completed" | "failed" | "cancelled" | "rejected" | "not_created";

/** One line of `GET /v1/imports/{importId}/results`: what a support team joins back by `external_id`. */
export interface ResultLine {
  row: number;
  external_id: string | null;
  review_run_id: string | null;
  status: ResultStatus;
  safe_use_status: string | null;
  verdict: string | null;
  claim_count: number | null;
  unsupported_claim_count: number | null;
  reasons: { code: string; message: string }[];
  error_code: string | null;
  error_message: string | null;
}

export const RESULT_COLUMNS = [
  "row",
  "external_id",
  "review_run_id",
  "status",
  "safe_use_status",
  "verdict",
  "claim_count",
  "unsupported_claim_count",
  "reasons",
  "error_code",
  "error_message",
] as const satisfies readonly (keyof ResultLine)[];

/** The gate's first reasons are its worst; three say why without repeating the report. */
const TOP_REASONS = 3;
/** Rows looked up per query: their run IDs plus the project and import stay under D1's 100 bound parameters. */
const WINDOW = 90;

const runColumns = {
  id: reviewRuns.id,
  externalId: reviewRuns.externalId,
  status: reviewRuns.status,
  safeUseStatus: reviewRuns.safeUseStatus,
  gateVerdict: reviewRuns.gateVerdict,
  claimCount: reviewRuns.claimCount,
  unsupportedClaimCount: reviewRuns.unsupportedClaimCount,
  errorCode: reviewRuns.errorCode,
  errorMessage: reviewRuns.errorMessage,
};

/**
 * Streams one line per row of the import, in row order, from `fromRow` on (to
 * resume an interrupted download). Runs are read a window of rows at a time,
 * so memory stays bounded by the window, not the import.
 */
export function importResults(
  db: Database,
  sources: R2Bucket,
  row: ImportRow,
  format: ResultFormat,
  fromRow = 1,
): ReadableStream<Uint8Array> {
  const errorsByRow = new Map<number, RowError[]>();
  for (const error of parseJson<RowError[]>(row.validationErrors) ?? []) {
    errorsByRow.set(error.row, [...(errorsByRow.get(error.row) ?? []), error]);
  }
  const encoder = new TextEncoder();
  let next = Math.max(1, fromRow);
  let headerSent = format !== "csv";
  // Read once, and only if a row without a run comes up.
  let stagedIds: Promise<Record<string, string>> | undefined;
  const externalIds = () =>
    (stagedIds ??= sources
      .get(importExternalIdsKey(row.projectId, row.id))
      .then(async (object) => ((await object?.json()) as Record<string, string> | undefined) ?? {})
      // Without it the rows are still listed, by row number only.
      .catch(() => ({})));

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(`${RESULT_COLUMNS.join(",")}\r\n`));
        return;
      }
      if (next > row.rowCount) {
        controller.close();
        return;
      }
      const window = Array.from({ length: Math.min(WINDOW, row.rowCount - next + 1) }, (_, i) => next + i);
      next += window.length;
      const lines = await windowLines(db, row, window, errorsByRow, externalIds);
      controller.enqueue(encoder.encode(lines.map((line) => (format === "csv" ? csvLine(line) : `${JSON.stringify(line)}\n`)).join("")));
    },
  });
}

async function windowLines(
  db: Database,
  row: ImportRow,
  window: number[],
  errorsByRow: Map<number, RowError[]>,
  externalIds: () => Promise<Record<string, string>>,
): Promise<ResultLine[]> {
  const accepted = window.filter((n) => !errorsByRow.has(n));
  const runIds = new Map(await Promise.all(accepted.map(async (n) => [n, await importRunId(row.id, n)] as const)));
  const runs =
    runIds.size === 0
      ? []
      : await db
          .select(runColumns)
          .from(reviewRuns)
          .where(and(eq(reviewRuns.projectId, row.projectId), eq(reviewRuns.importId, row.id), inArray(reviewRuns.id, [...runIds.values()])));
  const runById = new Map(runs.map((run) => [run.id, run]));
  const uncreated = accepted.some((n) => !runById.has(runIds.get(n)!)) ? await externalIds() : {};

  return window.map((n): ResultLine => {
    const errors = errorsByRow.get(n);
    const empty = { safe_use_status: null, verdict: null, claim_count: null, unsupported_claim_count: null, reasons: [] };
    if (errors) {
      return {
        row: n,
        external_id: errors[0]!.external_id,
        review_run_id: null,
        status: "rejected",
        ...empty,
        error_code: errors[0]!.code,
        error_message: errors.map((error) => `${error.path}: ${error.message}`).join("; "),
      };
    }
    const runId = runIds.get(n)!;
    const run = runById.get(runId);
    if (!run) {
      return { row: n, external_id: uncreated[String(n)] ?? null, review_run_id: null, status: "not_created", ...empty, error_code: null, error_message: null };
    }
    const verdict = parseJson<GateVerdict>(run.gateVerdict);
    return {
      row: n,
      external_id: run.externalId,
      review_run_id: run.id,
      status: run.status as ResultStatus,
      safe_use_status: run.safeUseStatus,
      verdict: verdict?.verdict ?? null,
      claim_count: run.status === "completed" ? run.claimCount : null,
      unsupported_claim_count: run.status === "completed" ? run.unsupportedClaimCount : null,
      reasons: (verdict?.reasons ?? []).slice(0, TOP_REASONS).map(({ code, message }) => ({ code, message })),
      error_code: run.errorCode,
      error_message: run.errorMessage,
    };
  });
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(line: ResultLine): string {
  const cells = RESULT_COLUMNS.map((column) =>
    column === "reasons" ? line.reasons.map((reason) => `${reason.code}: ${reason.message}`).join("; ") : line[column],
  );
  return `${cells.map(csvField).join(",")}\r\n`;
}
