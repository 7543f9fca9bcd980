// Another project's run must be indistinguishable from a missing one, timing
// included: both are answered by the same single query. This section measures
// the two 404s side by side against a real wrangler dev.
import { startLocalKivo } from "../lib/local-kivo.ts";
import { ms, summarize } from "../lib/stats.ts";

export async function benchAccess(samples = 200): Promise<Record<string, unknown>> {
  const kivo = await startLocalKivo();
  try {
    const admin = async (path: string, body: unknown) => {
      const response = await fetch(`${kivo.baseUrl}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${kivo.adminToken}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, string>;
    };
    const org = await admin("/admin/v1/organizations", { name: "stranger", plan: "enterprise" });
    const project = await admin("/admin/v1/projects", { organization_id: org.id, name: "stranger" });
    const stranger = await admin("/admin/v1/api-keys", {
      project_id: project.id,
      name: "stranger",
      scopes: ["review_runs:read"],
      environment: "test",
      rate_limit_per_minute: 100000,
    });
    const created = await fetch(`${kivo.baseUrl}/v1/review-runs`, {
      method: "POST",
      headers: { Authorization: `Bearer ${kivo.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        ai_output: "Admins can export audit logs.",
        sources: [{ title: "Admin guide", content: "Admins can export audit logs from the security workspace." }],
        intended_use: "internal_draft",
      }),
    });
    const foreignId = ((await created.json()) as { review_run: { id: string } }).review_run.id;

    const time = async (id: string) => {
      const started = performance.now();
      const response = await fetch(`${kivo.baseUrl}/v1/review-runs/${id}`, { headers: { Authorization: `Bearer ${stranger.secret}` } });
      await response.arrayBuffer();
      if (response.status !== 404) throw new Error(`expected 404, got ${response.status}`);
      return performance.now() - started;
    };
    const foreign: number[] = [];
    const missing: number[] = [];
    // Interleaved, so drift in the machine's load affects both alike.
    for (let i = 0; i < samples; i++) {
      foreign.push(await time(foreignId));
      missing.push(await time(`run_${crypto.randomUUID()}`));
    }
    const figures = { foreign: summarize(foreign), missing: summarize(missing) };
    console.log("\nAccess: another project's run vs a missing run (both 404)");
    console.log(`  another project's run   p50 ${ms(figures.foreign.p50)}  p95 ${ms(figures.foreign.p95)}  (n=${samples})`);
    console.log(`  missing run             p50 ${ms(figures.missing.p50)}  p95 ${ms(figures.missing.p95)}  (n=${samples})`);
    return figures;
  } finally {
    await kivo.stop();
  }
}
