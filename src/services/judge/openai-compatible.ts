import { JudgeError, reasonForStatus, type JudgeCompletion, type JudgePrompt, type SemanticJudge } from "./judge.ts";

// Chat Completions over HTTP: OpenAI, Azure OpenAI, vLLM, Ollama and the
// llama.cpp server all answer this shape.

export interface OpenAiCompatibleOptions {
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string | undefined;
  maxOutputTokens?: number;
}

interface ChatCompletionBody {
  choices?: Array<{ message?: { content?: unknown } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function openAiCompatibleJudge(options: OpenAiCompatibleOptions): SemanticJudge {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  return {
    provider: "openai-compatible",
    model: options.model,
    async complete(prompt: JudgePrompt, signal: AbortSignal): Promise<JudgeCompletion> {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers,
          signal,
          body: JSON.stringify({
            model: options.model,
            temperature: 0,
            max_tokens: options.maxOutputTokens ?? 4096,
            // json_object rather than json_schema: every server listed above accepts it.
            response_format: { type: "json_object" },
            messages: [
              { role: "system", content: prompt.system },
              { role: "user", content: prompt.user },
            ],
          }),
        });
      } catch (error) {
        if (signal.aborted) throw new JudgeError("timeout", "The judge did not answer in time.");
        throw new JudgeError("provider_error", `The judge endpoint could not be reached (${(error as Error).name}).`);
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new JudgeError(reasonForStatus(response.status), `The judge endpoint answered ${response.status}.`);
      }
      let body: ChatCompletionBody;
      try {
        body = (await response.json()) as ChatCompletionBody;
      } catch {
        throw new JudgeError("malformed_output", "The judge endpoint answered something other than JSON.");
      }
      const content = body.choices?.[0]?.message?.content;
      return {
        text: typeof content === "string" ? content : "",
        usage: body.usage ? { input_tokens: body.usage.prompt_tokens ?? 0, output_tokens: body.usage.completion_tokens ?? 0 } : null,
      };
    },
  };
}
