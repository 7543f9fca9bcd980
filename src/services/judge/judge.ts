// One small interface for every provider: send the judge's prompt, get text
// back. Parsing, validation, the retry and the merge are shared (run.ts), so
// a provider is only transport.

export type JudgeProviderName = "workers-ai" | "openai-compatible";

export interface JudgePrompt {
  system: string;
  user: string;
  /** JSON Schema of the answer, for providers that can enforce it. */
  schema: Record<string, unknown>;
}

export interface JudgeCompletion {
  text: string;
  usage: { input_tokens: number; output_tokens: number } | null;
}

export interface SemanticJudge {
  readonly provider: JudgeProviderName;
  readonly model: string;
  complete(prompt: JudgePrompt, signal: AbortSignal): Promise<JudgeCompletion>;
}

/** Why a judge gave no usable answer; recorded on the run, never shown as a failure. */
export type JudgeFailureReason =
  | "timeout"
  | "rate_limited"
  | "provider_error"
  | "malformed_output"
  | "not_configured"
  | "budget_exhausted";

export class JudgeError extends Error {
  readonly reason: JudgeFailureReason;
  constructor(reason: JudgeFailureReason, message: string) {
    super(message);
    this.name = "JudgeError";
    this.reason = reason;
  }
}

/** Maps a provider's HTTP status to the reason recorded on the run. */
export function reasonForStatus(status: number): JudgeFailureReason {
  return status === 429 ? "rate_limited" : "provider_error";
}
