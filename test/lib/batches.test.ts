import { describe, expect, it } from "vitest";
import { sendInBatches, settleAll } from "../../src/lib/batches.ts";

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
