#!/usr/bin/env node
// The Enterprise Worker CLI (README, "Enterprise Worker"). Runs on Node 22 or later, which runs
// this TypeScript directly: `npm run worker -- review --packet p.json --out reports`.
import { main } from "../src/worker-cli/main.ts";

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
