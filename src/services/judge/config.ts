import { database } from "../../db/client.ts";
import { projectSettings } from "../tenancy/tenancy.ts";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import type { JudgeSelection } from "../../review/judge-merge.ts";
import { currentJudgeBudget } from "./budget.ts";
import type { JudgeProviderName, SemanticJudge } from "./judge.ts";
import { openAiCompatibleJudge } from "./openai-compatible.ts";
import { DEFAULT_JUDGE_OPTIONS, type JudgeRunOptions } from "./run.ts";
import { DEFAULT_WORKERS_AI_MODEL, workersAiJudge } from "./workers-ai.ts";

// Which judge a run gets: the project's setting when it has one, else the
// deployment's `KIVO_JUDGE_PROVIDER`, else none.

export const JUDGE_SETTINGS = ["off", "workers-ai", "openai-compatible"] as const;
export type JudgeSetting = (typeof JUDGE_SETTINGS)[number];

export type ResolvedJudge =
  | { kind: "off" }
  | { kind: "judge"; judge: SemanticJudge; options: JudgeRunOptions }
  | { kind: "not_configured"; provider: JudgeProviderName; model: string };

const isSetting = (value: string | undefined): value is JudgeSetting => (JUDGE_SETTINGS as readonly string[]).includes(value ?? "");

function number(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(parsed) ? Math.min(max, Math.max(min, parsed)) : fallback;
}

export function judgeOptionsFrom(env: Pick<Bindings, "KIVO_JUDGE_SELECTION" | "KIVO_JUDGE_CONFIDENCE_BELOW" | "KIVO_JUDGE_TIMEOUT_MS">): JudgeRunOptions {
  const selection: JudgeSelection = env.KIVO_JUDGE_SELECTION === "strict_all" ? "strict_all" : "uncertain";
  return {
    selection,
    confidenceBelow: number(env.KIVO_JUDGE_CONFIDENCE_BELOW, DEFAULT_JUDGE_OPTIONS.confidenceBelow, 0, 1),
    timeoutMs: number(env.KIVO_JUDGE_TIMEOUT_MS, DEFAULT_JUDGE_OPTIONS.timeoutMs, 100, 120_000),
  };
}

/**
 * For `semantic_judge: "required"` at create time: refuses the run up front
 * when the project has no configured judge, or when the organization's token
 * budget for the period is used up (a judge that would be skipped anyway).
 */
export async function assertJudgeAvailable(env: Bindings, owner: { projectId: string; organizationId: string }): Promise<void> {
  const project = await projectSettings(database(env.DB), owner.projectId);
  if (resolveJudge(env, project?.semanticJudge ?? null).kind !== "judge") throw new ApiError("semantic_judge_unavailable");
  const { period, budget } = await currentJudgeBudget(env, owner.organizationId);
  if (budget.exhausted) {
    throw new ApiError("semantic_judge_budget_exhausted", {
      message:
        `The run requires the semantic judge, but the organization's token budget is used up: ` +
        `${budget.spend.input_tokens + budget.spend.output_tokens} of ${budget.limit} tokens until ${period.end}. Nothing was created. ` +
        `Send "semantic_judge": "auto" to have the run reviewed by the deterministic engine alone.`,
    });
  }
}

/** The deployment's judge settings; `npm run eval -- --judge` reads the same names from the shell. */
export type JudgeEnv = Pick<
  Bindings,
  | "KIVO_JUDGE_PROVIDER"
  | "KIVO_JUDGE_MODEL"
  | "KIVO_JUDGE_BASE_URL"
  | "KIVO_JUDGE_API_KEY"
  | "KIVO_JUDGE_SELECTION"
  | "KIVO_JUDGE_CONFIDENCE_BELOW"
  | "KIVO_JUDGE_TIMEOUT_MS"
  | "AI"
>;

export function resolveJudge(env: JudgeEnv, projectSetting: string | null): ResolvedJudge {
  const own = projectSetting ?? undefined;
  const setting: JudgeSetting = isSetting(own) ? own : isSetting(env.KIVO_JUDGE_PROVIDER) ? env.KIVO_JUDGE_PROVIDER : "off";
  if (setting === "off") return { kind: "off" };
  const options = judgeOptionsFrom(env);
  if (setting === "workers-ai") {
    const model = env.KIVO_JUDGE_MODEL || DEFAULT_WORKERS_AI_MODEL;
    if (!env.AI) return { kind: "not_configured", provider: setting, model };
    return { kind: "judge", judge: workersAiJudge(env.AI, model), options };
  }
  const model = env.KIVO_JUDGE_MODEL ?? "";
  if (!env.KIVO_JUDGE_BASE_URL || !model) return { kind: "not_configured", provider: setting, model };
  return { kind: "judge", judge: openAiCompatibleJudge({ baseUrl: env.KIVO_JUDGE_BASE_URL, model, apiKey: env.KIVO_JUDGE_API_KEY }), options };
}
