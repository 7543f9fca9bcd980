import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { runProcess } from "./clients.ts";
import { root } from "./helpers.ts";

// The deployed environments of wrangler.toml must bind everything the local
// configuration binds (Wrangler does not inherit bindings), with names the
// queue handler recognises, and `npm run provision` must create exactly those
// resources. Nothing here talks to Cloudflare: the script runs with --dry-run.

interface Bindings {
  name: string;
  vars: Record<string, string>;
  d1_databases: { binding: string; database_name?: string }[];
  r2_buckets: { binding: string; bucket_name?: string }[];
  queues: { producers?: { binding: string; queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string; max_retries?: number }[] };
  durable_objects: { bindings: { name: string; class_name: string }[] };
}

const read = (env?: string) => unstable_readConfig({ config: join(root, "wrangler.toml"), ...(env ? { env } : {}) }) as unknown as Bindings;
const local = read();

describe.each(["staging", "production"])("wrangler.toml [env.%s]", (environment) => {
  const deployed = read(environment);
  const suffix = deployed.vars.KIVO_QUEUE_SUFFIX ?? "";

  it("binds what the local configuration binds, its queues named with the environment's KIVO_QUEUE_SUFFIX", () => {
    expect(deployed.vars.KIVO_ENVIRONMENT).toBe(environment);
    expect(deployed.d1_databases.map((d) => d.binding)).toEqual(local.d1_databases.map((d) => d.binding));
    expect(deployed.r2_buckets.map((b) => b.binding)).toEqual(local.r2_buckets.map((b) => b.binding));
    expect(deployed.durable_objects.bindings).toEqual(local.durable_objects.bindings);
    expect(deployed.queues.producers?.map((p) => [p.binding, p.queue])).toEqual(local.queues.producers?.map((p) => [p.binding, `${p.queue}${suffix}`]));
    expect(deployed.queues.consumers).toEqual(
      local.queues.consumers?.map((c) => ({ ...c, queue: `${c.queue}${suffix}`, ...(c.dead_letter_queue ? { dead_letter_queue: `${c.dead_letter_queue}${suffix}` } : {}) })),
    );
  });

  it("is what npm run provision creates, and the script says what to do next", async () => {
    const result = await runProcess(process.execPath, ["scripts/provision.ts", environment, "--dry-run"], {});
    expect(result.code, result.stderr).toBe(0);
    const created = [...result.stdout.matchAll(/^\$ npx wrangler (d1 create|r2 bucket create|queues create) (\S+)$/gm)].map(([, kind, name]) => `${kind} ${name}`);
    const queues = [...new Set(deployed.queues.consumers!.flatMap((c) => [c.queue, ...(c.dead_letter_queue ? [c.dead_letter_queue] : [])]))];
    expect(created.sort()).toEqual(
      [
        ...deployed.d1_databases.map((d) => `d1 create ${d.database_name}`),
        ...deployed.r2_buckets.map((b) => `r2 bucket create ${b.bucket_name}`),
        ...queues.map((queue) => `queues create ${queue}`),
      ].sort(),
    );
    expect(result.stdout).toContain(`[[env.${environment}.d1_databases]]`);
    expect(result.stdout).toContain(`npx wrangler d1 migrations apply DB --remote --env ${environment}`);
    expect(result.stdout).toContain(`npx wrangler deploy --env ${environment}`);
    for (const secret of ["KIVO_ADMIN_TOKEN", "KIVO_SIGNING_SECRET", "WORKER_CREDENTIAL_SECRET"]) {
      expect(result.stdout).toContain(`npx wrangler secret put ${secret} --env ${environment}`);
    }
  });
});
