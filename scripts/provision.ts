// Creates the Cloudflare resources a deployed environment of wrangler.toml
// names (D1 database, R2 bucket, queues and their dead-letter queues), then
// prints what to paste and what to run next. The names come from wrangler.toml
// itself, so the two cannot drift. Safe to run again: what exists is kept.
//
//   npx wrangler login                       # once
//   npm run provision -- staging             # or production
//   npm run provision -- staging --dry-run   # print the commands only
//
// The deploy guide is docs/deploy.md.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { unstable_readConfig } from "wrangler";

const root = new URL("..", import.meta.url).pathname;
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const [environment, ...flags] = process.argv.slice(2);
const dryRun = flags.includes("--dry-run");

/** Secrets the Worker reads, and how to set each (a random value is generated and never printed). */
const SECRETS = [
  { name: "KIVO_ADMIN_TOKEN", why: "the operator's token for /admin/v1 (keep a copy for `npm run keys`)", random: false },
  { name: "KIVO_SIGNING_SECRET", why: "signs list cursors and reviewer links, seals webhook secrets", random: true },
  { name: "WORKER_CREDENTIAL_SECRET", why: "signs Enterprise Worker credentials", random: true },
  { name: "STRIPE_SECRET_KEY", why: "billing (optional: without it the billing endpoints answer 503)", random: false },
  { name: "STRIPE_WEBHOOK_SECRET", why: "Stripe's webhook signing secret (optional, with billing)", random: false },
  { name: "KIVO_JUDGE_API_KEY", why: "the semantic judge's endpoint key (optional, openai-compatible judge only)", random: false },
];

if (environment !== "staging" && environment !== "production") {
  console.error("Usage: npm run provision -- <staging|production> [--dry-run]");
  process.exit(2);
}

interface Config {
  name: string;
  d1_databases: { binding: string; database_name?: string }[];
  r2_buckets: { bucket_name?: string }[];
  queues: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
}
const config = unstable_readConfig({ config: join(root, "wrangler.toml"), env: environment }) as Config;
const databases = config.d1_databases.map((database) => database.database_name!);
const buckets = config.r2_buckets.map((bucket) => bucket.bucket_name!);
const queues = [
  ...new Set([
    ...(config.queues.producers ?? []).map((producer) => producer.queue),
    ...(config.queues.consumers ?? []).flatMap((consumer) => [consumer.queue, ...(consumer.dead_letter_queue ? [consumer.dead_letter_queue] : [])]),
  ]),
];

/** Runs one wrangler command; "already exists" counts as done. Returns its output. */
function run(args: string[]): string {
  console.log(`$ npx wrangler ${args.join(" ")}`);
  if (dryRun) return "";
  const result = spawnSync(wrangler, args, { cwd: root, encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0 && !/already exists|already taken|already in use/i.test(output)) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${output}`);
  }
  if (result.status !== 0) console.log("  (already exists)");
  return output;
}

const ids = new Map<string, string>();
for (const database of databases) {
  const created = run(["d1", "create", database]);
  const id =
    /"?database_id"?\s*[:=]\s*"([0-9a-f-]{36})"/.exec(created)?.[1] ??
    (dryRun ? undefined : /"uuid"\s*:\s*"([0-9a-f-]{36})"/.exec(run(["d1", "info", database, "--json"]))?.[1]);
  if (id) ids.set(database, id);
}
for (const bucket of buckets) run(["r2", "bucket", "create", bucket]);
for (const queue of queues) run(["queues", "create", queue]);

const env = `--env ${environment}`;
console.log(`
Done${dryRun ? " (dry run: nothing was created)" : ""}. Next, for ${config.name}:

1. In wrangler.toml, under [[env.${environment}.d1_databases]], set:
${databases.map((database) => `     database_id = "${ids.get(database) ?? "<the id wrangler d1 create printed>"}"   # ${database}`).join("\n")}
2. Set the secrets (each command reads the value from stdin; nothing is echoed):
${SECRETS.map((secret) =>
  secret.random
    ? `     node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))" | npx wrangler secret put ${secret.name} ${env}   # ${secret.why}`
    : `     npx wrangler secret put ${secret.name} ${env}   # ${secret.why}`,
).join("\n")}
3. Apply the database migrations, then deploy:
     npx wrangler d1 migrations apply DB --remote ${env}
     npx wrangler deploy ${env}
4. Create an organization, a project and a key on the deployed Worker:
     KIVO_API_BASE_URL=https://<the URL deploy printed> KIVO_ADMIN_TOKEN=<the token you set> npm run keys -- org create --name "My team" --plan enterprise
   then \`project create\` and \`key create --scopes all\` (docs/deploy.md).`);
