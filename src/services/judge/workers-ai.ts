import { JudgeError, type JudgeCompletion, type JudgePrompt, type SemanticJudge } from "./judge.ts";

/** The part of the `AI` binding the judge uses; any model name the account can run. */
export interface AiBinding {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

export const DEFAULT_WORKERS_AI_MODEL = "@cf/openai/gpt-oss-120b";

interface WorkersAiAnswer {
  // Chat Completions models (gpt-oss) answer `choices`; the older text-generation models `response`.
  choices?: Array<{ message?: { content?: unknown } }>;
  response?: unknown;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function workersAiJudge(ai: AiBinding, model: string): SemanticJudge {
  return {
    provider: "workers-ai",
    model,
    async complete(prompt: JudgePrompt, signal: AbortSignal): Promise<JudgeCompletion> {
      let answer: WorkersAiAnswer;
      try {
        answer = (await ai.run(model, {
          temperature: 0,
          max_tokens: 4096,
          response_format: { type: "json_schema", json_schema: prompt.schema },
          messages: [
            { role: "system", content: prompt.system },
            { role: "user", content: prompt.user },
          ],
        })) as WorkersAiAnswer;
      } catch (error) {
        if (signal.aborted) throw new JudgeError("timeout", "The judge did not answer in time.");
        const capacity = /capacity|rate|429/i.test((error as Error).message ?? "");
        throw new JudgeError(capacity ? "rate_limited" : "provider_error", `Workers AI failed (${(error as Error).name}).`);
      }
      const content = answer?.choices?.[0]?.message?.content ?? answer?.response;
      // JSON mode may hand back the parsed object instead of its text.
      const text = typeof content === "string" ? content : content === undefined || content === null ? "" : JSON.stringify(content);
      return {
        text,
        usage: answer?.usage ? { input_tokens: answer.usage.prompt_tokens ?? 0, output_tokens: answer.usage.completion_tokens ?? 0 } : null,
      };
    },
  };
}
