export const LIFECYCLE = `## The run lifecycle

\`POST /v1/review-runs\` stores the output and its sources and answers \`202\` with the run \`queued\`. A queue consumer then reviews it: \`queued\` → \`processing\` → \`completed\` or \`failed\`. \`GET /v1/review-runs/{id}\` (the \`polling_url\`) shows where it is; poll every \`recommended_poll_interval_seconds\`, or register a webhook for \`review_run.completed\` and \`review_run.failed\` instead.

- **Inline**: \`Prefer: wait=N\` (N ≤ 10) reviews within the request and answers \`200\` with the completed run (\`Preference-Applied: wait=N\`) when the review finishes within N seconds; otherwise the usual \`202\`, and the run completes as if queued.
- **Completed**: the run carries \`safe_use_status\`, \`gate_verdict\` and counts; its claims, verification results and claim report exist from then on (\`404\` before).
- **Failed**: \`error_code\` says why (\`engine_error\`, \`processing_failed\`, \`source_unavailable\`, \`processing_stalled\`). A run Kivo failed is given back to the monthly allowance.
- **Cancelled**: \`POST /v1/review-runs/{id}/cancel\` stops a run that is still \`queued\`; later, \`409 run_not_cancellable\`.
- **Offsets** in claims and spans (\`output_start_offset\`, \`start_offset\`, …) are **UTF-16 code units** into the exact text submitted, end exclusive: JavaScript's \`text.slice(start, end)\` is the quoted span. In Python, whose strings count code points, use \`kivo.utf16_slice(text, start, end)\` (or \`utf16_to_index\`), which gives the same text for emoji and other characters outside the Basic Multilingual Plane.
`;
