// A local organization, project and API key with every scope, written straight
// into a local D1 database with `wrangler d1 execute` (no running Worker needed).
import { buildApiKey } from "../../src/services/tenancy/auth.ts";
import { SCOPES } from "../../src/services/tenancy/scopes.ts";

export interface LocalTenant {
  organization_id: string;
  project_id: string;
  api_key_id: string;
  api_key: string;
  api_key_hash: string;
  display_prefix: string;
}

export async function newLocalTenant(name = "local development"): Promise<LocalTenant> {
  const organizationId = crypto.randomUUID();
  const projectId = crypto.randomUUID();
  const { row, secret } = await buildApiKey({
    organizationId,
    projectId,
    name,
    scopes: [...SCOPES],
    environment: "test",
  });
  return {
    organization_id: organizationId,
    project_id: projectId,
    api_key_id: row.id,
    api_key: secret,
    api_key_hash: row.keyHash,
    display_prefix: row.displayPrefix,
  };
}

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Idempotent: INSERT OR IGNORE keeps restarts harmless, and the UPDATEs
 * re-assert the generous local plan (README, "Limits and billing") in case something changed it.
 */
export function seedTenantSql(tenant: LocalTenant): string {
  const now = sqlString(new Date().toISOString());
  const scopes = sqlString(JSON.stringify([...SCOPES]));
  const org = sqlString(tenant.organization_id);
  const project = sqlString(tenant.project_id);
  const key = sqlString(tenant.api_key_id);
  return `
INSERT OR IGNORE INTO organizations (id, name, plan, monthly_run_limit, created_at)
  VALUES (${org}, 'Local development', 'enterprise', 1000000, ${now});
UPDATE organizations SET plan = 'enterprise', monthly_run_limit = 1000000 WHERE id = ${org};
INSERT OR IGNORE INTO projects (id, organization_id, name, gate_mode, created_at)
  VALUES (${project}, ${org}, 'Local project', 'advisory', ${now});
INSERT OR IGNORE INTO api_keys (id, organization_id, project_id, name, key_hash, display_prefix, scopes, rate_limit_per_minute, created_at)
  VALUES (${key}, ${org}, ${project}, 'local development', ${sqlString(tenant.api_key_hash)}, ${sqlString(tenant.display_prefix)}, ${scopes}, 100000, ${now});
UPDATE api_keys SET revoked_at = NULL, scopes = ${scopes}, rate_limit_per_minute = 100000 WHERE id = ${key};
`;
}
