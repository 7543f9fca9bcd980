// Operator CLI over the admin API of a running Kivo (local or deployed).
//   KIVO_API_BASE_URL=… KIVO_ADMIN_TOKEN=… npm run keys -- <command>
// Commands:
//   org create --name NAME [--plan free|pro|enterprise]
//   org list
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

async function request(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await response.json()) as { error?: { code: string; message: string } };
  if (!response.ok) throw new Error(`${response.status} ${json.error?.code}: ${json.error?.message}`);
  return json;
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
      throw new Error("Usage: npm run keys -- <org|project|key> <create|list|revoke> [options] (see scripts/keys.ts)");
  }
}

main().then(
  (result) => console.log(JSON.stringify(result, null, 2)),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
