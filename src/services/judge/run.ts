import type { ReviewInput, ReviewResult } from "../../review/index.ts";
import {
  judgeRequestFor,
  mergeJudgement,
  recordJudgeUnavailable,
  selectClaimsForJudge,
  type JudgeSelectionOptions,
  type JudgeUsage,
  type JudgeVerdict,
} from "../../review/judge-merge.ts";
import { cacheKey, fromPositions, toPositions, type JudgeCache } from "./cache.ts";
import { JudgeError, type SemanticJudge } from "./judge.ts";
import { JUDGE_PROMPT_VERSION, judgePrompt, parseJudgeAnswer } from "./prompt.ts";

// The second stage of a review: ask the judge about the claims the engine was
// unsure of, and merge what it says. Whatever goes wrong, the run keeps the
// engine's verdict and records why; a judge never fails a run.

export interface JudgeRunOptions extends JudgeSelectionOptions {
  /** The whole stage's budget, retry included. */
  timeoutMs: number;
}

export const DEFAULT_JUDGE_OPTIONS: JudgeRunOptions = { selection: "uncertain", confidenceBelow: 0.7, timeoutMs: 20_000 };

const addUsage = (a: JudgeUsage | null, b: JudgeUsage | null): JudgeUsage | null =>
  a === null ? b : b === null ? a : { input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens };

function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A provider that ignores the signal must not hold the run past its budget.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new JudgeError("timeout", "The judge did not answer in time."));
    }, timeoutMs);
  });
  return Promise.race([work(controller.signal), deadline]).finally(() => clearTimeout(timer));
}

export interface JudgeHooks {
  /** Where answers are kept, and the scope (the project) they may be reused in. */
  cache?: { store: JudgeCache; scope: string };
  /** Asked before a call to the provider (not for a cache hit, which costs nothing); false skips the judge: its budget is spent. */
  admit?: () => Promise<boolean>;
  /** Told of every run that reached the provider, answered or not, so usage is counted where it was spent. */
  onCall?: (spent: { attempts: number; usage: JudgeUsage | null }) => Promise<void>;
}

export async function judgeReview(
  judge: SemanticJudge,
  input: ReviewInput,
  result: ReviewResult,
  options: JudgeRunOptions,
  hooks: JudgeHooks = {},
): Promise<ReviewResult> {
  const { cache } = hooks;
  const identity = { provider: judge.provider, model: judge.model };
  const claimIds = selectClaimsForJudge(result, input.strictness, options);
  if (claimIds.length === 0) return recordJudgeUnavailable(result, { status: "skipped", ...identity, reason: "no_claims_to_judge" });

  const request = judgeRequestFor(input, result, claimIds);
  const key = cache ? await cacheKey(cache.scope, { prompt_version: JUDGE_PROMPT_VERSION, ...identity }, request) : null;
  const cached = key && cache ? await cache.store.get(key) : null;
  if (cached) {
    // The first answer's attempts and usage are kept, so a redelivered run stores the same bytes.
    return mergeJudgement(input, result, request, fromPositions(request, cached.verdicts), { identity, attempts: cached.attempts, usage: cached.usage });
  }
  if (hooks.admit && !(await hooks.admit())) {
    return recordJudgeUnavailable(result, { status: "unavailable", ...identity, reason: "budget_exhausted", claims_sent: 0, attempts: 0, usage: null });
  }
  const prompt = judgePrompt(request);
  let attempts = 0;
  let usage: JudgeUsage | null = null;
  try {
    const verdicts = await withDeadline(async (signal) => {
      // One retry, and only for an answer that is not the JSON asked for.
      for (;;) {
        attempts++;
        const completion = await judge.complete(prompt, signal);
        usage = addUsage(usage, completion.usage);
        const parsed: JudgeVerdict[] | null = parseJudgeAnswer(completion.text);
        if (parsed !== null) return parsed;
        if (attempts >= 2) throw new JudgeError("malformed_output", "The judge's answer was not the requested JSON, twice.");
      }
    }, options.timeoutMs);
    if (key && cache) await cache.store.put(key, { verdicts: toPositions(request, verdicts), attempts, usage });
    await hooks.onCall?.({ attempts, usage });
    return mergeJudgement(input, result, request, verdicts, { identity, attempts, usage });
  } catch (error) {
    const reason = error instanceof JudgeError ? error.reason : "provider_error";
    if (attempts > 0) await hooks.onCall?.({ attempts, usage });
    return recordJudgeUnavailable(result, { status: "unavailable", ...identity, reason, claims_sent: claimIds.length, attempts, usage });
  }
}
