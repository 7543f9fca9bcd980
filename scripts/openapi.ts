// Writes openapi/openapi.json from the route definitions (the same document
// GET /openapi.json serves). A test fails when the committed copy is stale.
import { mkdirSync, writeFileSync } from "node:fs";
import { createApp } from "../src/app.ts";
import { buildOpenApiDocument } from "../src/openapi.ts";

const target = new URL("../openapi/openapi.json", import.meta.url);
mkdirSync(new URL(".", target), { recursive: true });
writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(createApp()), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
