// The seed's import example (000_b8909999a0d5327e.txt), shown in the OpenAPI
// document. The request carries both rows of the seed's sample.jsonl so that it
// matches the 202's counts; the fields the seed leaves out are filled in.

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
  request_id: "req_01hw889zps5gr7q8m7jqt2wzc2",
} as const;
