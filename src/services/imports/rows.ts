import Papa from "papaparse";
import { type ErrorDetail, ApiError, issuesToDetails } from "../../errors.ts";
import { type ReviewRunInput, LIMITS, ReviewRunInputSchema } from "../../schemas/review-run-input.ts";
import type { IntendedUse, Strictness } from "../../schemas/enums.ts";
import { illFormedStringPaths, isWellFormed } from "../../lib/well-formed.ts";

/**
 * Turns an import request into validated review-run inputs, row by row
 * (README, "Imports"). Pure: no bindings, no I/O. A problem with the request as a whole (too
 * many rows, CSV headers that map to nothing, data that is not JSON at all)
 * throws an ApiError, so nothing is created; a problem with one row becomes a
 * validation error on that row, and its neighbours are unaffected.
 */

export const IMPORT_MEDIA_TYPES = ["application/json", "application/x-ndjson", "text/csv"] as const;
export type ImportMediaType = (typeof IMPORT_MEDIA_TYPES)[number];

export const MAX_IMPORT_ROWS = 1000;
/** Far deeper than any valid row (metadata nests 3 levels inside it); deeper ones are refused before anything walks them. */
export const ROW_MAX_DEPTH = 32;

export const ROW_ERROR_CODES = ["invalid_json", "invalid_row", "validation_error", "duplicate_external_id"] as const;
export type RowErrorCode = (typeof ROW_ERROR_CODES)[number];

/** Enough to fix a row, and bounded so that 1,000 bad rows still fit one D1 row. */
export const ERRORS_PER_ROW = 3;
const MESSAGE_CHARS = 200;

export interface RowError {
  row: number;
  external_id: string | null;
  path: string;
  code: RowErrorCode;
  message: string;
}

export interface AcceptedRow {
  /** Position among the import's rows, from 1. */
  row: number;
  input: ReviewRunInput;
}

export interface ImportRequest {
  media_type: ImportMediaType;
  rows?: unknown[];
  data?: string;
  intended_use?: IntendedUse;
  strictness?: Strictness;
  field_mapping?: Record<string, string>;
}

export interface ValidatedImport {
  rowCount: number;
  accepted: AcceptedRow[];
  /** Ordered by row; every rejected row has at least one. */
  errors: RowError[];
}

type Problem = Omit<RowError, "row" | "external_id">;

/** A row as read from the request, before the review-run rules. */
interface RawRow {
  row: number;
  value: unknown;
  /** Set when the row could not even be read (a JSONL line that is not JSON, a ragged CSV record). */
  problems?: Problem[];
}

/** Row fields a CSV column can carry, by name or through `field_mapping`. */
export const CSV_FIELDS = [
  "external_id",
  "question",
  "ai_output",
  "intended_use",
  "strictness",
  "metadata",
  "sources",
  "source_title",
  "source_content",
  "source_uri",
  "source_citation_label",
] as const;
export const NUMBERED_SOURCE_COLUMN = /^source_([1-9][0-9]?)_(title|content|uri|citation_label)$/;

export function isMappableField(name: string): boolean {
  return (CSV_FIELDS as readonly string[]).includes(name) || NUMBERED_SOURCE_COLUMN.test(name);
}

export function validateImport(request: ImportRequest): ValidatedImport {
  const rawRows = readRows(request);
  if (rawRows.length === 0) {
    throw requestError(request.rows ? "rows" : "data", "The import has no rows; send between 1 and 1,000.");
  }
  if (rawRows.length > MAX_IMPORT_ROWS) {
    throw requestError(
      request.rows ? "rows" : "data",
      `The import has ${rawRows.length.toLocaleString("en")} rows; at most ${MAX_IMPORT_ROWS.toLocaleString("en")} are accepted per request. Split the file.`,
    );
  }

  const accepted: AcceptedRow[] = [];
  const errors: RowError[] = [];
  const firstRowOf = new Map<string, number>();
  for (const raw of rawRows) {
    const externalId = externalIdOf(raw.value);
    const reject = (problems: Problem[]) =>
      errors.push(
        ...problems.slice(0, ERRORS_PER_ROW).map((problem) => ({
          row: raw.row,
          external_id: externalId,
          path: problem.path,
          code: problem.code,
          message: problem.message.length > MESSAGE_CHARS ? `${problem.message.slice(0, MESSAGE_CHARS - 1)}…` : problem.message,
        })),
      );

    const result = raw.problems ? { problems: raw.problems } : (illFormed(raw.value) ?? validateRow(raw.value, request));
    if ("problems" in result) {
      reject(result.problems);
      continue;
    }
    // Only accepted rows claim an external_id, so a bad row never costs a later good one its place.
    const id = result.input.external_id;
    const first = id ? firstRowOf.get(id) : undefined;
    if (first !== undefined) {
      reject([
        {
          path: "external_id",
          code: "duplicate_external_id",
          message: `Row ${first} already has this external_id; each external_id may appear once per import.`,
        },
      ]);
      continue;
    }
    if (id) firstRowOf.set(id, raw.row);
    accepted.push({ row: raw.row, input: result.input });
  }
  return { rowCount: rawRows.length, accepted, errors };
}

/**
 * A JSON line, a JSON array in `data` or a CSV JSON cell can spell a lone
 * surrogate (`"\ud800"`) that no UTF-8 body could carry; stored, it would be
 * rewritten, as the JSON body check explains (middleware/well-formed-body.ts).
 */
function illFormed(value: unknown): { problems: Problem[] } | null {
  const paths = illFormedStringPaths(value, ERRORS_PER_ROW);
  if (paths.length === 0) return null;
  return {
    problems: paths.map((path) => ({
      path: path === "(root)" ? "(row)" : path,
      code: "validation_error" as const,
      message: "Contains a lone UTF-16 surrogate (e.g. `\\ud800`); send well-formed text.",
    })),
  };
}

function validateRow(value: unknown, request: ImportRequest): { input: ReviewRunInput } | { problems: Problem[] } {
  if (!isPlainObject(value)) {
    return { problems: [{ path: "(row)", code: "invalid_row", message: `Each row must be a JSON object, not ${describe(value)}.` }] };
  }
  const candidate: Record<string, unknown> = { ...value };
  // Request-level defaults fill only what the row leaves out.
  if (candidate.intended_use == null && request.intended_use) candidate.intended_use = request.intended_use;
  if (candidate.strictness == null && request.strictness) candidate.strictness = request.strictness;
  const parsed = ReviewRunInputSchema.safeParse(candidate);
  if (parsed.success) return { input: parsed.data };
  return {
    problems: issuesToDetails(parsed.error.issues).map((detail) => ({
      path: detail.path === "(root)" ? "(row)" : detail.path,
      code: "validation_error" as const,
      message: detail.message,
    })),
  };
}

function readRows(request: ImportRequest): RawRow[] {
  if (request.rows) return mapJsonFields(request.rows.map((value, i) => ({ row: i + 1, value })), request);
  const data = stripBom(request.data ?? "");
  switch (request.media_type) {
    case "application/x-ndjson":
      return mapJsonFields(readJsonLines(data), request);
    case "text/csv":
      return readCsv(data, request);
    case "application/json":
      return mapJsonFields(readJsonArray(data), request);
  }
}

/** The fields a JSON row carries under their own names: those of `POST /v1/review-runs`. */
const JSON_ROW_FIELDS: ReadonlySet<string> = new Set(Object.keys(ReviewRunInputSchema.shape));
/** Field names listed in `mapping.columns`: enough to recognise a file, bounded however many rows invent their own. */
const MAX_LISTED_NAMES = 100;

/**
 * JSON rows are matched to fields by their names, as CSV columns are
 * (planColumns). When the rows use names that are not row fields and, among
 * all rows, no name gives `ai_output`, a source or `intended_use` (nor a
 * default), every row would fail the same way: the request fails as a whole
 * with `mapping_required`, naming the field names found and the fields
 * missing. Without such names, a row that lacks a field is that row's
 * problem. With `field_mapping`, the rows are read as CSV records are: mapped
 * names give their fields (flat source names such as `source_title` build a
 * source, added to any `sources` array), same-named fields are kept and
 * other names are ignored.
 */
function mapJsonFields(rows: RawRow[], request: ImportRequest): RawRow[] {
  const mapping = request.field_mapping;
  const names = new Set<string>();
  for (const { value } of rows) if (isPlainObject(value)) for (const name of Object.keys(value)) names.add(name);
  const mappedNames = new Set(Object.values(mapping ?? {}));
  const problems: ErrorDetail[] = [];
  for (const [field, name] of Object.entries(mapping ?? {})) {
    if (!names.has(name)) problems.push({ path: `field_mapping.${field}`, message: `No row has a field named "${name}".`, field });
  }
  // A mapped field comes from its mapped name only; the others from their own.
  const has = (field: string) => names.has(mapping?.[field] ?? field);
  const groups = sourceGroupsOf(mapping ?? {});
  const unknown = [...names].filter((name) => !JSON_ROW_FIELDS.has(name) && !mappedNames.has(name));

  const missing = (field: string, message: string) => problems.push({ path: field, message, field });
  if (!has("ai_output")) missing("ai_output", "No row has an ai_output field: rename yours, or map it with field_mapping.ai_output.");
  for (const [prefix, group] of groups) {
    if (group.title === undefined) missing(`${prefix}_title`, `${prefix} fields need ${prefix}_title and ${prefix}_content.`);
    if (group.content === undefined) missing(`${prefix}_content`, `${prefix} fields need ${prefix}_title and ${prefix}_content.`);
  }
  const completeSource = [...groups.values()].some((group) => group.title !== undefined && group.content !== undefined && names.has(group.title) && names.has(group.content));
  if (!has("sources") && !completeSource && groups.size === 0) {
    missing("sources", "No row has a sources field (an array of {title, content}): rename yours, or map it with field_mapping.sources (or source_title and source_content).");
  }
  if (!has("intended_use") && !request.intended_use) {
    missing("intended_use", "No row has an intended_use field and there is no intended_use default: add one, or send intended_use with the request.");
  }
  if (problems.length > 0 && (mapping !== undefined || unknown.length > 0)) {
    const columns = [...names].slice(0, MAX_LISTED_NAMES);
    throw new ApiError("mapping_required", {
      message: `The rows' field names cannot be mapped to review-run fields (${[...new Set(problems.map((p) => p.field as string))].join(", ")}). Nothing was created; rename the fields or send field_mapping.`,
      details: [{ path: "columns", message: `Field names found: ${columns.map((c) => JSON.stringify(c)).join(", ") || "none"}.`, columns }, ...problems],
    });
  }
  if (!mapping) return rows;
  const fieldOf = new Map(Object.entries(mapping).filter(([field]) => JSON_ROW_FIELDS.has(field)).map(([field, name]) => [name, field]));
  return rows.map((raw) => {
    if (!isPlainObject(raw.value)) return raw;
    const row = raw.value;
    const value: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(row)) {
      const field = fieldOf.get(name) ?? (JSON_ROW_FIELDS.has(name) && !(name in mapping) ? name : undefined);
      if (field !== undefined) value[field] = item;
    }
    const built: Record<string, unknown>[] = [];
    for (const group of groups.values()) {
      const source: Record<string, unknown> = {};
      for (const part of ["title", "content", "uri", "citation_label"] as const) {
        const name = group[part];
        if (name !== undefined && row[name] !== undefined && row[name] !== "") source[part] = row[name];
      }
      if (source.title !== undefined || source.content !== undefined) built.push(source);
    }
    if (built.length > 0) value.sources = Array.isArray(value.sources) ? [...value.sources, ...built] : value.sources === undefined ? built : value.sources;
    return { ...raw, value };
  });
}

/** The flat source fields of a mapping (`source_title`, `source_2_content`, …), grouped by source, in number order. */
function sourceGroupsOf(mapping: Record<string, string>): Map<string, Partial<Record<"title" | "content" | "uri" | "citation_label", string>>> {
  const groups = new Map<string, Partial<Record<"title" | "content" | "uri" | "citation_label", string>>>();
  const entries = Object.entries(mapping).flatMap(([field, name]) => {
    const numbered = NUMBERED_SOURCE_COLUMN.exec(field);
    if (numbered) return [{ order: Number(numbered[1]), prefix: `source_${numbered[1]}`, part: numbered[2]!, name }];
    const single = /^source_(title|content|uri|citation_label)$/.exec(field);
    return single ? [{ order: 0, prefix: "source", part: single[1]!, name }] : [];
  });
  for (const { prefix, part, name } of entries.sort((a, b) => a.order - b.order)) groups.set(prefix, { ...groups.get(prefix), [part]: name });
  return groups;
}

function readJsonArray(data: string): RawRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (error) {
    throw requestError("data", `data is not valid JSON (${errorText(error)}); with media_type application/json send a JSON array of rows.`);
  }
  if (!Array.isArray(parsed)) throw requestError("data", `With media_type application/json, data must hold a JSON array of rows, not ${describe(parsed)}.`);
  return parsed.map((value, i) => ({ row: i + 1, value }));
}

/** One row per non-blank line; a line that is not JSON is that row's problem only. */
function readJsonLines(data: string): RawRow[] {
  const rows: RawRow[] = [];
  // A raw CR cannot occur inside a JSON line (JSON escapes it), so each of CRLF, LF and a lone CR ends a line.
  for (const [index, line] of data.split(/\r\n|\r|\n/).entries()) {
    if (line.trim() === "") continue;
    const row = rows.length + 1;
    try {
      rows.push({ row, value: JSON.parse(line) });
    } catch (error) {
      rows.push({
        row,
        value: undefined,
        problems: [{ path: "(row)", code: "invalid_json", message: `Line ${index + 1} is not valid JSON: ${errorText(error)}.` }],
      });
    }
  }
  return rows;
}

interface SourceColumns {
  title?: number;
  content?: number;
  uri?: number;
  citation_label?: number;
}

interface ColumnPlan {
  fields: Map<string, number>;
  single: SourceColumns;
  numbered: [number, SourceColumns][];
}

/**
 * Record breaks (CRLF, LF or a lone CR) as LF, outside quoted fields only:
 * papaparse guesses one line ending per file, so a file whose rows were
 * pasted together from different tools would otherwise merge records. Line
 * breaks inside quoted cells are the cell's text and stay as sent. A quote
 * opens a quoted field only at the start of a field, as in papaparse.
 */
export function normalizeRecordBreaks(data: string): string {
  if (!data.includes("\r")) return data;
  let out = "";
  let from = 0;
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < data.length; i++) {
    const char = data[i];
    if (quoted) {
      if (char === '"') {
        if (data[i + 1] === '"') i++;
        else quoted = false;
      }
      continue;
    }
    if (char === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (char === "\r") {
      out += `${data.slice(from, i)}\n`;
      if (data[i + 1] === "\n") i++;
      from = i + 1;
      fieldStart = true;
    } else {
      fieldStart = char === "," || char === "\n";
    }
  }
  return out + data.slice(from);
}

/** RFC 4180 via papaparse: quoted fields, doubled quotes, embedded newlines, any mix of CRLF, LF and CR. */
function readCsv(data: string, request: ImportRequest): RawRow[] {
  const parsed = Papa.parse<string[]>(normalizeRecordBreaks(data), { delimiter: ",", newline: "\n", skipEmptyLines: "greedy" });
  const [header, ...records] = parsed.data;
  if (!header) return [];
  const columns = header.map((name) => name.trim());
  const plan = planColumns(columns, request);

  const parseErrors = new Map<number, string>();
  for (const error of parsed.errors) {
    if (error.row !== undefined && !parseErrors.has(error.row)) parseErrors.set(error.row, error.message);
  }
  if (parseErrors.has(0)) throw requestError("data", `The CSV header cannot be read: ${parseErrors.get(0)}.`);

  return records.map((record, i) => {
    const row = i + 1;
    const parseError = parseErrors.get(row);
    if (parseError) {
      return { row, value: undefined, problems: [{ path: "(row)", code: "invalid_row", message: `${parseError}; check the quotes in this record.` }] };
    }
    if (record.length !== columns.length) {
      return {
        row,
        value: undefined,
        problems: [
          { path: "(row)", code: "invalid_row", message: `This record has ${record.length} fields; the header has ${columns.length}.` },
        ],
      };
    }
    return csvRecordToRow(row, record, plan);
  });
}

function csvRecordToRow(row: number, record: string[], plan: ColumnPlan): RawRow {
  const cell = (index: number | undefined) => (index === undefined || record[index] === "" ? undefined : record[index]);
  const value: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const field of ["external_id", "question", "ai_output"] as const) {
    const text = cell(plan.fields.get(field));
    if (text !== undefined) value[field] = text;
  }
  // Enum cells often carry stray spaces from spreadsheets.
  for (const field of ["intended_use", "strictness"] as const) {
    const text = cell(plan.fields.get(field))?.trim();
    if (text) value[field] = text;
  }
  const jsonCell = (field: "metadata" | "sources") => {
    const text = cell(plan.fields.get(field));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      problems.push({ path: field, code: "invalid_json", message: `The ${field} column is not valid JSON: ${errorText(error)}.` });
      return undefined;
    }
  };
  const metadata = jsonCell("metadata");
  if (metadata !== undefined) value.metadata = metadata;

  const jsonSources = jsonCell("sources");
  const sources: unknown[] = [];
  if (jsonSources !== undefined) {
    if (Array.isArray(jsonSources)) sources.push(...jsonSources);
    else value.sources = jsonSources;
  }
  for (const columns of [plan.single, ...plan.numbered.map(([, c]) => c)]) {
    const source: Record<string, string> = {};
    for (const part of ["title", "content", "uri", "citation_label"] as const) {
      const text = cell(columns[part]);
      if (text !== undefined) source[part] = text;
    }
    if (source.title !== undefined || source.content !== undefined) sources.push(source);
  }
  if (value.sources === undefined && sources.length > 0) value.sources = sources;
  return problems.length > 0 ? { row, value, problems } : { row, value };
}

/**
 * Decides which column feeds which field: `field_mapping` first, then columns
 * named after the fields (case-insensitively). When `ai_output`, a complete
 * source or `intended_use` (column or default) cannot be found, every row
 * would fail the same way, so the request fails as a whole with
 * `mapping_required`, naming the columns found and the fields missing.
 */
function planColumns(columns: string[], request: ImportRequest): ColumnPlan {
  const byName = new Map<string, number[]>();
  for (const [index, name] of columns.entries()) {
    const key = name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), index]);
  }
  const problems: ErrorDetail[] = [];
  const fields = new Map<string, number>();
  const mapping = request.field_mapping ?? {};

  for (const [field, column] of Object.entries(mapping)) {
    const found = byName.get(column.trim().toLowerCase());
    if (!found) problems.push({ path: `field_mapping.${field}`, message: `Column "${column}" is not in the CSV header.`, field });
    else if (found.length > 1) problems.push({ path: `field_mapping.${field}`, message: `Column "${column}" appears ${found.length} times in the header.`, field });
    else fields.set(field, found[0]!);
  }
  for (const [name, indexes] of byName) {
    if (!isMappableField(name) || name in mapping) continue;
    if (indexes.length > 1) problems.push({ path: name, message: `Column "${name}" appears ${indexes.length} times in the header.`, field: name });
    else fields.set(name, indexes[0]!);
  }

  const missing = (field: string, message: string) => problems.push({ path: field, message, field });
  if (!fields.has("ai_output")) {
    missing("ai_output", "No column maps to ai_output: name a column ai_output or map one with field_mapping.ai_output.");
  }
  if (!fields.has("intended_use") && !request.intended_use) {
    missing("intended_use", "No intended_use column and no intended_use default: add the column, or send intended_use with the request.");
  }

  const single: SourceColumns = {};
  const numbered = new Map<number, SourceColumns>();
  for (const [field, index] of fields) {
    const match = NUMBERED_SOURCE_COLUMN.exec(field);
    if (match) {
      const n = Number(match[1]);
      numbered.set(n, { ...numbered.get(n), [match[2] as keyof SourceColumns]: index });
    } else if (field.startsWith("source_")) {
      single[field.slice("source_".length) as keyof SourceColumns] = index;
    }
  }
  const groups: [string, SourceColumns][] = [
    ["source", single],
    ...[...numbered].sort(([a], [b]) => a - b).map(([n, c]): [string, SourceColumns] => [`source_${n}`, c]),
  ];
  let completeSources = fields.has("sources");
  for (const [prefix, group] of groups) {
    const hasTitle = group.title !== undefined;
    const hasContent = group.content !== undefined;
    if (hasTitle && hasContent) completeSources = true;
    else if (hasTitle) missing(`${prefix}_content`, `${prefix}_title has no ${prefix}_content column to go with it.`);
    else if (hasContent) missing(`${prefix}_title`, `${prefix}_content has no ${prefix}_title column to go with it.`);
    else if (group.uri !== undefined || group.citation_label !== undefined) {
      missing(`${prefix}_content`, `${prefix} columns need ${prefix}_title and ${prefix}_content.`);
    }
  }
  if (!completeSources && !problems.some((p) => String(p.path).startsWith("source"))) {
    missing(
      "sources",
      "No source columns: use a sources column (a JSON array), source_title and source_content, or source_1_title, source_1_content, …; or map yours with field_mapping.",
    );
  }

  if (problems.length > 0) {
    const missingFields = problems.map((p) => p.field as string);
    throw new ApiError("mapping_required", {
      message: `The CSV columns cannot be mapped to review-run fields (${[...new Set(missingFields)].join(", ")}). Nothing was created; rename the columns or send field_mapping.`,
      details: [
        { path: "columns", message: `Columns found: ${columns.map((c) => JSON.stringify(c)).join(", ") || "none"}.`, columns },
        ...problems,
      ],
    });
  }
  return { fields, single, numbered: [...numbered].sort(([a], [b]) => a - b) };
}

function requestError(path: string, message: string): ApiError {
  return new ApiError("validation_error", { message: "The import request failed validation.", details: [{ path, message }] });
}

function externalIdOf(value: unknown): string | null {
  if (!isPlainObject(value) || typeof value.external_id !== "string" || !isWellFormed(value.external_id)) return null;
  return value.external_id.slice(0, LIMITS.externalIdChars);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
