import { ERRORS, type ErrorCode } from "../errors.ts";

const cell = (text: string) => text.replace(/\|/g, "\\|");

export const ERRORS_GUIDE = `## Errors

Every error answer has one shape, with the request ID also in the \`X-Request-Id\` header:

\`\`\`json
{"error": {"code": "validation_error", "message": "The request body failed validation.",
           "details": [{"path": "sources.0.content", "message": "Required."}],
           "doc_url": "https://api.trykivo.co/docs/errors#validation_error"},
 "request_id": "req_01hw87p6jkh5ezf9zr9de6d3a9"}
\`\`\`

Branch on \`code\` (stable), never on \`message\` (worded for people, may change). \`details\` names each field that failed. \`doc_url\` links to the code's entry on this server's catalogue, [/docs/errors](/docs/errors). Quote \`request_id\` to support. Retry \`429\` after \`Retry-After\`, and \`500\`/\`503\` with backoff (creates with the same \`Idempotency-Key\`); other codes need a change to the request first.

| code | status | meaning | fix |
|---|---|---|---|
${(Object.entries(ERRORS) as [ErrorCode, (typeof ERRORS)[ErrorCode]][])
  .map(([code, entry]) => `| \`${code}\` | ${entry.status} | ${cell(entry.message)} | ${cell(entry.fix)} |`)
  .join("\n")}
`;
