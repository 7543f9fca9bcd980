// Operator CLI over the admin API of a running Kivo (local or deployed).
//   KIVO_API_BASE_URL=… KIVO_ADMIN_TOKEN=… npm run keys -- <command>
// Commands:
//   org create --name NAME [--plan free|pro|enterprise]
//   org list
//   org move ORG_ID --shard DB_SHARD_<n>|DB [--drain-seconds N]   (repeats the call until the move is done; docs/scale.md)
//   project create --org ORG_ID --name NAME
//   project list [--org ORG_ID]
//   key create --project PROJECT_ID --name NAME --scopes a,b [--environment live|test] [--rate-limit N]
//   key list [--project PROJECT_ID]
//   key revoke KEY_ID
import { SCOPES } from "../src/services/tenancy/scopes.ts";

const [resource, action, ...rest] = process.argv.slice(2);
const base = process.env.KIVO_API_BASE_URL ?? "http://127.0.0.1:8787";
const token = process.env.KIVO_ADMIN_TOKEN;

function flag(name: string): string | undefined {
  const index = rest.indexOf(`--${name}`);
  return index >= 0 ? rest[index + 1] : undefined;
}

async function send(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json()) as { error?: { code: string; message: string }; move?: { phase: string; rows_done: number } | null };
  if (!response.ok) throw new Error(`${response.status} ${json.error?.code}: ${json.error?.message}`);
  return { response, json };
}

async function request(method: string, path: string, body?: unknown): Promise<unknown> {
  return (await send(method, path, body)).json;
}

/** Calls the move until it answers 200, waiting `Retry-After` between calls (each call does a bounded part). */
async function move(organizationId: string | undefined, shard: string | undefined, drainSeconds: string | undefined): Promise<unknown> {
  if (!organizationId || !shard) throw new Error("Usage: npm run keys -- org move ORG_ID --shard DB_SHARD_<n> [--drain-seconds N]");
  const body = { shard, ...(drainSeconds ? { drain_seconds: Number(drainSeconds) } : {}) };
  for (;;) {
    const { response, json } = await send("POST", `/admin/v1/organizations/${organizationId}/placement`, body);
    if (response.status === 200) return json;
    console.error(`${json.move?.phase}: ${json.move?.rows_done} rows`);
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get("Retry-After") ?? "1") * 1000));
  }
}

async function main(): Promise<unknown> {
  if (!token) throw new Error("Set KIVO_ADMIN_TOKEN (see .dev.vars for the local one).");
  const query = (params: Record<string, string | undefined>) => {
    const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
    return entries.length ? `?${new URLSearchParams(entries)}` : "";
  };
  switch (`${resource} ${action}`) {
    case "org create":
      return request("POST", "/admin/v1/organizations", { name: flag("name"), plan: flag("plan") ?? "free" });
    case "org list":
      return request("GET", "/admin/v1/organizations");
    case "org move":
      return move(rest[0], flag("shard"), flag("drain-seconds"));
    case "project create":
      return request("POST", "/admin/v1/projects", { organization_id: flag("org"), name: flag("name") });
    case "project list":
      return request("GET", `/admin/v1/projects${query({ organization_id: flag("org") })}`);
    case "key create": {
      const scopes = flag("scopes") === "all" ? [...SCOPES] : (flag("scopes") ?? "").split(",").filter(Boolean);
      const rateLimit = flag("rate-limit");
      return request("POST", "/admin/v1/api-keys", {
        project_id: flag("project"),
        name: flag("name") ?? "operator key",
        scopes,
        environment: flag("environment") ?? "live",
        ...(rateLimit ? { rate_limit_per_minute: Number(rateLimit) } : {}),
      });
    }
    case "key list":
      return request("GET", `/admin/v1/api-keys${query({ project_id: flag("project") })}`);
    case "key revoke":
      return request("POST", `/admin/v1/api-keys/${rest[0]}/revoke`, {});
    default:
      throw new Error("Usage: npm run keys -- <org|project|key> <create|list|revoke|move> [options] (see scripts/keys.ts)");
  }
}

main().then(
  (result) => console.log(JSON.stringify(result, null, 2)),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
