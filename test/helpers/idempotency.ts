import { env } from "cloudflare:workers";
import { vi } from "vitest";

/**
 * Runs `work` while D1 refuses the separate write that records an
 * Idempotency-Key's answer after the create (`UPDATE idempotency_keys … .run()`),
 * as a timeout would once the created resource is already committed. An answer
 * written in the create's own batch is not affected.
 */
export async function withLostAnswerWrite<T>(work: () => Promise<T>): Promise<T> {
  const realPrepare = env.DB.prepare.bind(env.DB);
  const spy = vi.spyOn(env.DB, "prepare").mockImplementation((query: string) => {
    const statement = realPrepare(query);
    if (!query.startsWith("UPDATE idempotency_keys")) return statement;
    const bind = statement.bind.bind(statement);
    statement.bind = (...values: unknown[]) => {
      const bound = bind(...values);
      bound.run = async () => {
        throw new Error("D1_ERROR: storage operation exceeded timeout");
      };
      return bound;
    };
    return statement;
  });
  try {
    return await work();
  } finally {
    spy.mockRestore();
  }
}
