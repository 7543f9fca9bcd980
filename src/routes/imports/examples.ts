// The import examples shown in the OpenAPI document. The request carries both
// rows of examples/fixtures/sample.jsonl so that it matches the 202's counts.

const SAMPLE_ROWS = [
  {
    external_id: "answer_001",
    question: "What is the refund window?",
    ai_output: "Refunds are available for 60 days.",
    sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
    intended_use: "customer_facing",
  },
  {
    external_id: "answer_002",
    question: "Can admins export logs?",
    ai_output: "Admins can export audit logs.",
    sources: [{ title: "Admin guide", content: "Admins can export audit logs from the security workspace." }],
    intended_use: "internal_draft",
  },
] as const;

export const CREATE_IMPORT_EXAMPLE = { media_type: "application/x-ndjson", rows: SAMPLE_ROWS };

export const JSONL_EXAMPLE = `${SAMPLE_ROWS.map((row) => JSON.stringify(row)).join("\n")}\n`;

export const CSV_EXAMPLE = [
  "external_id,question,ai_output,source_title,source_content,intended_use",
  'answer_001,What is the refund window?,Refunds are available for 60 days.,Refund policy,"Customers may request a refund within 30 days of purchase.",customer_facing',
  "answer_002,Can admins export logs?,Admins can export audit logs.,Admin guide,Admins can export audit logs from the security workspace.,internal_draft",
  "",
].join("\r\n");

export const IMPORT_EXAMPLE = {
  id: "import_01hw8894n1v3a9k5sx5v2t3q7b",
  project_id: "9fd60878-b3a3-45ff-9ccf-7504c47a2c21",
  status: "completed",
  capture_method: "upload",
  media_type: "application/x-ndjson",
  row_count: 2,
  accepted_count: 2,
  rejected_count: 0,
  validation_errors: [],
  created_at: "2026-04-27T16:22:00.000Z",
  updated_at: "2026-04-27T16:22:00.000Z",
  completed_at: "2026-04-27T16:22:00.000Z",
  error_code: null,
  error_message: null,
  mapping: null,
  review_run_ids: ["run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f", "run_3a7b2bf6-bd90-4da2-9b0e-22f807b6f83c"],
  review_progress: {
    runs_created: 2,
    reviewed: 0,
    failed: 0,
    cancelled: 0,
    pending: 2,
    by_safe_use_status: { verified_for_use: 0, verified_with_limits: 0, needs_review: 0, needs_repair: 0, blocked: 0 },
    last_reviewed_at: null,
    all_reviewed: false,
  },
  request_id: "req_01hw889zps5gr7q8m7jqt2wzc2",
} as const;

const RESULT_LINES = [
  {
    row: 1,
    external_id: "answer_001",
    review_run_id: "run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f",
    status: "completed",
    safe_use_status: "needs_repair",
    verdict: "needs_repair",
    claim_count: 1,
    unsupported_claim_count: 1,
    reasons: [{ code: "contradicted", message: "Refund policy states 30 days, not 60 days." }],
    error_code: null,
    error_message: null,
  },
  {
    row: 2,
    external_id: "answer_002",
    review_run_id: "run_3a7b2bf6-bd90-4da2-9b0e-22f807b6f83c",
    status: "completed",
    safe_use_status: "verified_for_use",
    verdict: "allow",
    claim_count: 1,
    unsupported_claim_count: 0,
    reasons: [],
    error_code: null,
    error_message: null,
  },
] as const;

export const RESULTS_JSONL_EXAMPLE = `${RESULT_LINES.map((line) => JSON.stringify(line)).join("\n")}\n`;

export const RESULTS_CSV_EXAMPLE = [
  "row,external_id,review_run_id,status,safe_use_status,verdict,claim_count,unsupported_claim_count,reasons,error_code,error_message",
  "1,answer_001,run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f,completed,needs_repair,needs_repair,1,1,\"contradicted: Refund policy states 30 days, not 60 days.\",,",
  "2,answer_002,run_3a7b2bf6-bd90-4da2-9b0e-22f807b6f83c,completed,verified_for_use,allow,1,0,,,",
  "",
].join("\r\n");
