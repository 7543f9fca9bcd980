// Starts a real `wrangler dev` (local D1, R2, Queues, Durable Objects) on a
// free loopback port with its own fresh state directory, migrated and seeded
// with an API key holding every scope. Used by the end-to-end tests, the
// benchmarks and the load script; never by the Worker itself.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBase62 } from "../../src/lib/crypto.ts";
import { newLocalTenant, seedTenantSql, type LocalTenant } from "./local-tenant.ts";

export interface LocalKivo {
  baseUrl: string;
  apiKey: string;
  adminToken: string;
  tenant: LocalTenant;
  stateDir: string;
  logFile: string;
  /** Stops wrangler dev; the state directory goes too unless `keepState`. */
  stop(options?: { keepState?: boolean }): Promise<void>;
}

/** Where wrangler dev keeps the local D1 database and R2 bucket of a LocalKivo. */
export const persistDir = (stateDir: string) => join(stateDir, "state");

const root = new URL("../..", import.meta.url).pathname;
const wranglerBin = join(root, "node_modules", ".bin", "wrangler");
const quietEnv = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves once no process of the group is left, killing what remains after 5 s. */
async function groupGone(pid: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function wrangler(args: string[]): void {
  const result = spawnSync(wranglerBin, args, { cwd: root, encoding: "utf8", env: quietEnv });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

async function waitUntilHealthy(baseUrl: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early (${child.exitCode}); see ${logFile}`);
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not become healthy within ${timeoutMs} ms; see ${logFile}`);
}

/**
 * `restart` starts wrangler dev again on a stopped LocalKivo's kept state,
 * with the same tenant and secrets (cursors it signed stay valid).
 */
export async function startLocalKivo(
  options: { vars?: Record<string, string>; timeoutMs?: number; restart?: LocalKivo & { vars: Record<string, string> } } = {},
): Promise<LocalKivo & { vars: Record<string, string> }> {
  const stateDir = options.restart?.stateDir ?? mkdtempSync(join(tmpdir(), "kivo-local-"));
  const logFile = join(stateDir, "wrangler-dev.log");
  const persist = ["--persist-to", persistDir(stateDir)];
  wrangler(["d1", "migrations", "apply", "DB", "--local", ...persist]);

  const tenant = options.restart?.tenant ?? (await newLocalTenant());
  const seedFile = join(stateDir, "seed.sql");
  writeFileSync(seedFile, seedTenantSql(tenant));
  wrangler(["d1", "execute", "DB", "--local", ...persist, "--file", seedFile]);

  const adminToken = options.restart?.adminToken ?? `kivo_admin_${randomBase62(32)}`;
  const vars: Record<string, string> = options.restart?.vars ?? {
    KIVO_ENVIRONMENT: "development",
    KIVO_ADMIN_TOKEN: adminToken,
    KIVO_SIGNING_SECRET: randomBase62(48),
    WORKER_CREDENTIAL_SECRET: randomBase62(48),
    ...options.vars,
  };
  // An empty env file keeps a developer's own .dev.vars out of the run.
  const envFile = join(stateDir, "empty.vars");
  writeFileSync(envFile, "");
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const child = spawn(
    wranglerBin,
    [
      "dev",
      "--ip", "127.0.0.1",
      "--port", String(port),
      "--inspector-port", String(inspectorPort),
      "--env-file", envFile,
      "--show-interactive-dev-session=false",
      ...persist,
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    { cwd: root, env: quietEnv, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async ({ keepState = false }: { keepState?: boolean } = {}) => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // already gone
          }
          resolve(undefined);
        }, 5000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      // wrangler can exit before its workerd has let go of the local D1 and
      // R2 files ("database is locked" for a reader right after stop), so
      // wait for the whole process group.
      await groupGone(child.pid);
    }
    if (!keepState) rmSync(stateDir, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(baseUrl, child, logFile, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { baseUrl, apiKey: tenant.api_key, adminToken, tenant, stateDir, logFile, stop, vars };
}
