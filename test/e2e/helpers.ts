import { spawn } from "node:child_process";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import { inject } from "vitest";

/** What the global setup started (see `setup/wrangler-dev.ts`). */
export const kivo = {
  baseUrl: inject("kivoApiBaseUrl"),
  apiKey: inject("kivoApiKey"),
  adminToken: inject("kivoAdminToken"),
  projectId: inject("kivoProjectId"),
};

export const root = new URL("../..", import.meta.url).pathname;

export async function api(path: string, init: { method?: string; key?: string; json?: unknown } = {}) {
  const response = await fetch(`${kivo.baseUrl}${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers: {
      Authorization: `Bearer ${init.key ?? kivo.apiKey}`,
      ...(init.json === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
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
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/kivo-worker.ts", ...args], {
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
