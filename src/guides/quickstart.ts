export const QUICKSTART = `## Quickstart

Three calls take an AI answer from submitted to explained. Every example reads \`KIVO_API_BASE_URL\` (this server, or \`http://127.0.0.1:8787\` under \`npm run dev\`) and \`KIVO_API_KEY\`.

1. **Submit** the output and the sources it should stick to. \`Prefer: wait=5\` asks for an inline review; without it the answer is \`202\` with a \`polling_url\`.

   \`\`\`sh
   curl -sS "$KIVO_API_BASE_URL/v1/review-runs" \\
     -H "Authorization: Bearer $KIVO_API_KEY" -H "Content-Type: application/json" -H "Prefer: wait=5" \\
     -d '{"ai_output": "Customers can request refunds for any order within 60 days.",
          "sources": [{"title": "Refund policy", "content": "Customers may request a refund within 30 days of purchase."}],
          "intended_use": "customer_facing"}'
   \`\`\`

2. **Read the verdict**: \`safe_use_status\` and \`gate_verdict.verdict\` (here \`needs_repair\`: the answer says 60 days where the policy says 30).

3. **Read why**, claim by claim (\`GET /v1/review-runs/{id}/claims\`), or the report a reviewer reads (\`GET /v1/review-runs/{id}/claim-report?format=markdown\`, or \`format=html\`).

The official SDKs (\`sdks/typescript\`, \`sdks/python\`) wrap these calls with retries, polling and typed errors: \`kivo.reviewRuns.createAndWait(...)\`.
`;
