import { type IncomingHttpHeaders, request as httpRequest, createServer } from "node:http";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { expect } from "vitest";

// The served OpenAPI document as a contract every client in the e2e suite is
// held to: a proxy in front of wrangler dev records each exchange, and every
// response body is validated (ajv, JSON Schema 2020-12, as OpenAPI 3.1 uses)
// against the schema the document gives for its operation, status and media
// type. An undocumented status or media type is a failure too.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, any>;

export interface Exchange {
  method: string;
  path: string;
  /** What the client sent (optional so that hand-made exchanges need not invent it). */
  requestHeaders?: IncomingHttpHeaders;
  status: number;
  contentType: string;
  body: string;
}

interface Operation {
  method: string;
  template: string;
  operationId: string;
  pattern: RegExp;
  literalLength: number;
}

const pointer = (...segments: string[]) =>
  segments.map((segment) => encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

export class Contract {
  readonly document: Json;
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[];

  constructor(document: Json) {
    this.document = document;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(document, "kivo");
    this.operations = Object.entries(document.paths as Json).flatMap(([template, methods]) =>
      Object.entries(methods as Json).map(([method, operation]) => ({
        method: method.toUpperCase(),
        template,
        operationId: (operation as Json).operationId as string,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
        literalLength: template.replace(/\{[^}]+\}/g, "").length,
      })),
    );
  }

  static async load(baseUrl: string): Promise<Contract> {
    const response = await fetch(`${baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    return new Contract((await response.json()) as Json);
  }

  /** The documented operation a request hit: the most specific template that matches. */
  operation(method: string, path: string): Operation | undefined {
    const bare = path.split("?")[0]!;
    return this.operations
      .filter((operation) => operation.method === method && operation.pattern.test(bare))
      .sort((a, b) => b.literalLength - a.literalLength)[0];
  }

  /** What is wrong with one exchange, measured against the document; empty when it conforms. */
  problems(exchange: Exchange): string[] {
    const where = `${exchange.method} ${exchange.path} → ${exchange.status}`;
    const operation = this.operation(exchange.method, exchange.path);
    if (!operation) return [`${where}: no documented operation`];
    const responses = this.document.paths[operation.template][operation.method.toLowerCase()].responses as Json;
    const status = String(exchange.status);
    if (!responses[status]) return [`${where}: status ${status} is not documented for ${operation.operationId}`];
    const mediaType = exchange.contentType.split(";")[0]!.trim().toLowerCase();
    const content = responses[status].content as Json | undefined;
    if (!content) return exchange.body === "" ? [] : [`${where}: a body where the document has none`];
    if (!content[mediaType]) return [`${where}: ${mediaType || "no content type"} is not documented (${Object.keys(content).join(", ")})`];
    let body: unknown = exchange.body;
    const schemaRef = `kivo#/${pointer("paths", operation.template, operation.method.toLowerCase(), "responses", status, "content", mediaType, "schema")}`;
    if (mediaType === "application/x-ndjson") {
      // JSON Lines: the body is text, and each line must be what the schema's contentSchema describes.
      const validateLine = this.ajv.getSchema(`${schemaRef}/contentSchema`);
      if (!validateLine) return [`${where}: JSON Lines without a contentSchema for their lines`];
      return exchange.body
        .split("\n")
        .filter((line) => line !== "")
        .flatMap((line, index) => {
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch {
            return [`${where}: line ${index + 1} is not JSON`];
          }
          return validateLine(value) ? [] : (validateLine.errors ?? []).map((error) => `${where} line ${index + 1}: ${error.instancePath || "/"} ${error.message}`);
        });
    }
    if (mediaType.endsWith("json")) {
      try {
        body = JSON.parse(exchange.body);
      } catch {
        return [`${where}: the body is not JSON`];
      }
    }
    const validate = this.ajv.getSchema(schemaRef);
    if (!validate) return [`${where}: no schema at ${schemaRef}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${where} (${operation.operationId}): ${error.instancePath || "/"} ${error.message}`);
  }
}

function decoded(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === "gzip") return gunzipSync(body);
  if (encoding === "br") return brotliDecompressSync(body);
  if (encoding === "deflate") return inflateSync(body);
  return body;
}

/**
 * A forwarding proxy that keeps each exchange. It passes the client's Host
 * header through, so the URLs Kivo builds from the request origin (polling
 * URLs, report links) lead back through the proxy.
 */
export async function contractProxy(target: string) {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers as IncomingHttpHeaders,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          exchanges.push({
            method: req.method ?? "",
            path: req.url ?? "",
            requestHeaders: req.headers,
            status: answer.statusCode ?? 0,
            contentType: String(answer.headers["content-type"] ?? ""),
            body: decoded(body, answer.headers["content-encoding"]).toString("utf8"),
          });
          const headers = { ...answer.headers };
          delete headers["transfer-encoding"];
          headers["content-length"] = String(body.length);
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Fails with every non-conforming response listed; returns the operation IDs that were exercised. */
export function expectAllDocumented(contract: Contract, exchanges: readonly Exchange[]): string[] {
  expect(exchanges.length).toBeGreaterThan(0);
  expect(exchanges.flatMap((exchange) => contract.problems(exchange))).toEqual([]);
  return exchanges.map((exchange) => contract.operation(exchange.method, exchange.path)!.operationId);
}
