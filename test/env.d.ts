import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../src/index.ts");
    }
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      /** The second shard of the tests (vitest.config.ts). */
      DB_SHARD_1: D1Database;
      KIVO_ADMIN_TOKEN: string;
      FUZZ_RUNS?: string;
      FUZZ_SEED?: string;
    }
  }
}
