import { tenantEnv } from "../../src/db/shards.ts";
import type { Bindings, TenantEnv } from "../../src/env.ts";

/**
 * Bindings for calling a tenant-scoped service directly. The harness creates
 * every organization on the primary database (KIVO_D1_PLACEMENT is unset in
 * tests), so that is the shard; test/storage/shards.test.ts places them elsewhere.
 */
export const onPrimary = <T extends Pick<Bindings, "DB">>(bindings: T): T & Pick<TenantEnv, "TENANT_DB"> => ({ ...bindings, ...tenantEnv(bindings as unknown as Bindings, bindings.DB) });
