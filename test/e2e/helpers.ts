import { spawn } from "node:child_process";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import { inject } from "vitest";
import type { z } from "zod";
import { documented } from "../helpers/documented.ts";

/** What the global setup started (see `setup/wrangler-dev.ts`). */
export const kivo = {
  baseUrl: inject("kivoApiBaseUrl"),
  apiKey: inject("kivoApiKey"),
  adminToken: inject("kivoAdminToken"),
  projectId: inject("kivoProjectId"),
};

export const root = new URL("../..", import.meta.url).pathname;

type ApiInit = { method?: string; key?: string; json?: unknown };

/**
 * One request to wrangler dev. With a schema, the answer must be the one that
 * schema documents (nothing missing, nothing undocumented) and comes typed by it.
 */
export async function api(path: string, init?: ApiInit): Promise<{ status: number; body: unknown }>;
export async function api<Schema extends z.ZodType>(path: string, init: ApiInit, schema: Schema): Promise<{ status: number; body: z.output<Schema> }>;
export async function api(path: string, init: ApiInit = {}, schema?: z.ZodType) {
  const response = await fetch(`${kivo.baseUrl}${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers: {
      Authorization: `Bearer ${init.key ?? kivo.apiKey}`,
      ...(init.json === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  const body: unknown = await response.json();
  return { status: response.status, body: schema ? documented(schema, body) : body };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A forwarding proxy in front of wrangler dev that keeps every request it
 * saw, byte for byte: what a client sent is exactly what crossed the wire.
 */
export async function recordingProxy(target: string) {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: body.toString("utf8") });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !["host", "connection", "content-length"].includes(name)) headers.set(name, String(value));
    }
    try {
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      // fetch already decoded the body, so its encoding and length no longer apply.
      const responseHeaders = Object.fromEntries(
        [...upstream.headers].filter(([name]) => !["content-encoding", "content-length", "transfer-encoding"].includes(name)),
      );
      res.writeHead(upstream.status, responseHeaders);
      res.end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs `kivo-worker` as a customer would: a separate Node process with only the environment given. */
export function runWorkerCli(args: string[], env: Record<string, string> = {}) {
  return runNodeScript("bin/kivo-worker.ts", args, env);
}

/** Runs one of the repository's Node entry points (a script, the CLI) in its own process, with only the environment given. */
export function runNodeScript(script: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface JudgeStandInCall {
  path: string;
  authorization: string | undefined;
  body: { model: string; temperature: number; messages: Array<{ role: string; content: string }> };
  claims: Array<{ claim_id: string; text: string }>;
}

/**
 * A local stand-in for an OpenAI-compatible server (Ollama, vLLM, …) on
 * loopback: `verdictFor` plays the model, one verdict per claim it is sent;
 * every answer reports 500 prompt and 60 completion tokens.
 */
export async function startJudgeStandIn(verdictFor: (claim: { claim_id: string; text: string }) => Record<string, unknown>) {
  const received: JudgeStandInCall[] = [];
  const server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      const body = JSON.parse(raw) as JudgeStandInCall["body"];
      const claims = (JSON.parse(body.messages[1]!.content) as { claims: JudgeStandInCall["claims"] }).claims;
      received.push({ path: request.url ?? "", authorization: request.headers.authorization, body, claims });
      const verdicts = claims.map((c) => ({ claim_id: c.claim_id, ...verdictFor(c) }));
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ choices: [{ message: { role: "assistant", content: JSON.stringify({ verdicts }) } }], usage: { prompt_tokens: 500, completion_tokens: 60 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/v1`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
