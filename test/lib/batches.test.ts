import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { deleteAll, putAll, sendInBatches, settleAll } from "../../src/lib/batches.ts";

describe("sendInBatches", () => {
  it("sends 250 messages as batches of 100, 100 and 50, in order", async () => {
    const batches: number[][] = [];
    const recorder = { sendBatch: async (messages: { body: number }[]) => void batches.push(messages.map((m) => m.body)) };
    const messages = Array.from({ length: 250 }, (_, i) => ({ body: i }));
    await sendInBatches(recorder as unknown as Queue<number>, messages);
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(messages.map((m) => m.body));
  });
});

describe("settleAll", () => {
  it("throws the first failure only after every task has finished", async () => {
    const finished: string[] = [];
    const first = new Error("first");
    const tasks = [
      Promise.reject(first),
      new Promise<void>((resolve) => setTimeout(() => resolve(void finished.push("slow write")), 20)),
      Promise.reject(new Error("second")),
    ];
    await expect(settleAll(tasks)).rejects.toBe(first);
    expect(finished).toEqual(["slow write"]);
  });
});

describe("putAll", () => {
  const objects = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}/${i}`, body: `object ${i}`, contentType: "text/plain" }));
  const stored = async (prefix: string) => (await env.SOURCES.list({ prefix: `${prefix}/` })).objects.map((o) => o.key).sort();

  /** The bucket, except that puts of `failing` keys fail after the others have been written. */
  const failingOn = (failing: string) =>
    ({
      put: async (key: string, body: string, options: R2PutOptions) => {
        if (key === failing) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          throw new Error("put failed");
        }
        return env.SOURCES.put(key, body, options);
      },
      delete: (keys: string[]) => env.SOURCES.delete(keys),
    }) as unknown as R2Bucket;

  it("writes every object with its content type and returns their keys", async () => {
    const keys = await putAll(env.SOURCES, objects("put-all/ok", 3));
    expect(keys).toEqual(["put-all/ok/0", "put-all/ok/1", "put-all/ok/2"]);
    expect(await stored("put-all/ok")).toEqual(keys);
    const first = await env.SOURCES.get("put-all/ok/0");
    expect([await first!.text(), first!.httpMetadata?.contentType]).toEqual(["object 0", "text/plain"]);
  });

  it("deletes what it wrote when one put fails, and throws that failure", async () => {
    await expect(putAll(failingOn("put-all/fail/1"), objects("put-all/fail", 4))).rejects.toThrow("put failed");
    expect(await stored("put-all/fail")).toEqual([]);
  });

  it("keeps what it wrote when told not to roll back", async () => {
    await expect(putAll(failingOn("put-all/keep/1"), objects("put-all/keep", 3), { rollBack: false })).rejects.toThrow("put failed");
    expect(await stored("put-all/keep")).toEqual(["put-all/keep/0", "put-all/keep/2"]);
  });

  it("deleteAll removes more keys than one R2 delete takes", async () => {
    const many = objects("delete-all", 1005);
    await putAll(env.SOURCES, many);
    await deleteAll(env.SOURCES, many.map((o) => o.key));
    expect(await stored("delete-all")).toEqual([]);
  });
});
