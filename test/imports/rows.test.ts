import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors.ts";
import { type ImportRequest, validateImport } from "../../src/services/imports/rows.ts";
import { importRunId } from "../../src/services/imports/store.ts";
import { CHUNK_MAX_ROWS, CHUNK_MAX_SOURCES, planChunks } from "../../src/services/imports/create.ts";
import { row } from "../helpers/imports.ts";

const csv = (data: string, extra: Partial<ImportRequest> = {}) => validateImport({ media_type: "text/csv", data, ...extra });

function requestError(request: ImportRequest): ApiError {
  try {
    validateImport(request);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  expect.fail("expected a request-level error");
}

describe("CSV rows (RFC 4180)", () => {
  it("reads quoted cells with commas, doubled quotes, CRLF and LF line breaks inside them, after a BOM", () => {
    const data =
      "\uFEFF external_id , AI_Output ,Source_Title,source_content,intended_use\r\n" +
      '1,"Says ""hi"", twice",Guide,"line one\r\nline two\nline three", customer_facing \r\n' +
      "\r\n" +
      ",,,,\r\n" +
      "2,Plain,Guide,Text,internal_draft";
    const { rowCount, accepted, errors } = csv(data);
    expect(errors).toEqual([]);
    expect(rowCount).toBe(2);
    expect(accepted.map((r) => r.input)).toEqual([
      expect.objectContaining({
        external_id: "1",
        ai_output: 'Says "hi", twice',
        sources: [{ title: "Guide", content: "line one\r\nline two\nline three", media_type: "text/plain" }],
        intended_use: "customer_facing",
      }),
      expect.objectContaining({ external_id: "2", ai_output: "Plain" }),
    ]);
  });

  it("treats an empty cell as absent, so the request's defaults and the field's own default apply", () => {
    const { accepted } = csv("ai_output,source_title,source_content,intended_use,strictness,question\nx,t,c,,,\n", {
      intended_use: "eval_only",
    });
    expect(accepted[0]!.input).toMatchObject({ intended_use: "eval_only", strictness: "standard" });
    expect(accepted[0]!.input.question).toBeUndefined();
  });

  it("orders numbered sources by number and skips a number left empty in a row", () => {
    const { accepted } = csv(
      "ai_output,source_2_title,source_2_content,source_10_title,source_10_content,source_1_title,source_1_content,source_1_uri,intended_use\n" +
        "x,Two,second,Ten,tenth,One,first,https://example.com/1,internal_draft\n" +
        "y,,,Ten,tenth,One,first,,internal_draft\n",
    );
    expect(accepted[0]!.input.sources.map((s) => [s.title, s.uri ?? null])).toEqual([
      ["One", "https://example.com/1"],
      ["Two", null],
      ["Ten", null],
    ]);
    expect(accepted[1]!.input.sources.map((s) => s.title)).toEqual(["One", "Ten"]);
  });

  it("keeps three records three rows when a file mixes CRLF, LF and lone CR line endings", () => {
    const data =
      "external_id,ai_output,source_title,source_content,intended_use\r\n" +
      'a,One,Guide,"kept\r\nas sent\rinside",internal_draft\n' +
      "b,Two,Guide,Text,internal_draft\r" +
      "c,Three,Guide,Text,internal_draft\r\n" +
      "d,Four,Guide,Text,bogus\r";
    const { rowCount, accepted, errors } = csv(data);
    expect(rowCount).toBe(4);
    expect(accepted.map((r) => [r.row, r.input.external_id, r.input.ai_output])).toEqual([
      [1, "a", "One"],
      [2, "b", "Two"],
      [3, "c", "Three"],
    ]);
    expect(accepted[0]!.input.sources[0]!.content).toBe("kept\r\nas sent\rinside");
    expect(errors).toEqual([expect.objectContaining({ row: 4, external_id: "d", path: "intended_use" })]);
  });

  it("rejects only the record with an unterminated quote (which runs to the end of the file)", () => {
    const { accepted, errors } = csv('ai_output,source_title,source_content,intended_use\nok,t,c,internal_draft\nbad,"t,c,internal_draft\nlost,t,c,internal_draft\n');
    expect(accepted).toHaveLength(1);
    expect(errors).toEqual([{ row: 2, external_id: null, path: "(row)", code: "invalid_row", message: expect.stringContaining("Quoted field unterminated") }]);
  });

  it("prefers field_mapping over a column named after the field", () => {
    const { accepted } = csv("ai_output,answer,source_title,source_content,intended_use\nold,new,t,c,internal_draft\n", {
      field_mapping: { ai_output: "Answer" },
    });
    expect(accepted[0]!.input.ai_output).toBe("new");
  });

  it("asks for a mapping when a field's column appears twice", () => {
    const error = requestError({ media_type: "text/csv", data: "ai_output,ai_output,sources,intended_use\na,b,[],internal_draft\n" });
    expect(error.code).toBe("mapping_required");
    expect(error.details?.map((d) => d.path)).toEqual(["columns", "ai_output", "ai_output"]);
  });
});

describe("row-level rules", () => {
  it("lets a later valid row keep an external_id whose first row was rejected", () => {
    const { accepted, errors } = validateImport({
      media_type: "application/json",
      rows: [row(1, { ai_output: 5 }), row(1), row(1)],
    });
    expect(accepted.map((r) => r.row)).toEqual([2]);
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [1, "validation_error"],
      [3, "duplicate_external_id"],
    ]);
  });

  it("keeps at most three errors per row, with bounded messages", () => {
    const { errors } = validateImport({
      media_type: "application/json",
      rows: [
        { external_id: "e", ai_output: 1, sources: "none", intended_use: "x", strictness: "y", question: 5 },
        row(2, { ["k".repeat(300)]: 1 }),
      ],
    });
    expect(errors.map((e) => e.row)).toEqual([1, 1, 1, 2]);
    expect(errors[3]!.message).toHaveLength(200);
    expect(errors[3]!.message.endsWith("…")).toBe(true);
  });

  it("ends a JSONL line at CRLF, LF or a lone CR", () => {
    const data = `${JSON.stringify(row(1))}\r${JSON.stringify(row(2))}\r\n${JSON.stringify(row(3))}\n{"broken"\r${JSON.stringify(row(5))}`;
    const { rowCount, accepted, errors } = validateImport({ media_type: "application/x-ndjson", data });
    expect(rowCount).toBe(5);
    expect(accepted.map((r) => [r.row, r.input.external_id])).toEqual([
      [1, "row-1"],
      [2, "row-2"],
      [3, "row-3"],
      [5, "row-5"],
    ]);
    expect(errors).toEqual([expect.objectContaining({ row: 4, code: "invalid_json" })]);
  });

  it("numbers JSONL rows by non-blank line", () => {
    const { errors } = validateImport({ media_type: "application/x-ndjson", data: `\n${JSON.stringify(row(1))}\n\n[1]\n` });
    expect(errors).toEqual([{ row: 2, external_id: null, path: "(row)", code: "invalid_row", message: "Each row must be a JSON object, not an array." }]);
  });
});

describe("chunks and run IDs", () => {
  it("splits accepted rows into chunks bounded by rows and by sources", () => {
    const one = { input: { sources: [1] } };
    const fifty = { input: { sources: Array.from({ length: 50 }, () => 1) } };
    expect(planChunks(Array.from({ length: 250 }, () => one)).map((c) => c.length)).toEqual([CHUNK_MAX_ROWS, CHUNK_MAX_ROWS, 50]);
    const heavy = planChunks(Array.from({ length: 20 }, () => fifty));
    expect(heavy.map((c) => c.length)).toEqual([8, 8, 4]);
    expect(heavy.every((c) => c.reduce((n, r) => n + r.input.sources.length, 0) <= CHUNK_MAX_SOURCES)).toBe(true);
  });

  it("derives the same UUID v4-shaped run ID for the same import and row, and different ones otherwise", async () => {
    const a = await importRunId("import_01hw8894n1v3a9k5sx5v2t3q7b", 1);
    expect(a).toMatch(/^run_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await importRunId("import_01hw8894n1v3a9k5sx5v2t3q7b", 1)).toBe(a);
    expect(await importRunId("import_01hw8894n1v3a9k5sx5v2t3q7b", 2)).not.toBe(a);
    expect(await importRunId("import_01hw8894n1v3a9k5sx5v2t3q7c", 1)).not.toBe(a);
  });
});
