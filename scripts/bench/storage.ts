// Storage section of `npm run bench`: what one run costs in D1 and R2, and
// whether reads stay flat as the database grows. Against a real `wrangler
// dev` on loopback (local D1 and R2):
//
// 1. creates RUNS real runs through the API (the API bench's packet: two
//    sources, a three-sentence output), reviewed through the queue, and
//    measures D1 bytes per run with SQLite's dbstat (table and index pages,
//    and the payload bytes in them) and R2 bytes per run from the local
//    bucket's object sizes;
// 2. stops wrangler, grows review_runs to each size
//    in SIZES by copying those runs under new IDs and older timestamps, starts
//    it again on the same state, and times GET run / list / claims / claim
//    report, sequentially, p50 and p95.
// Copies have no R2 objects, so only the real runs are read whole.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type LocalKivo, persistDir, startLocalKivo } from "../lib/local-kivo.ts";
import { ms, summarize } from "../lib/stats.ts";
import { SUPPORT_PACKET } from "./packet.ts";

const RUNS = 500;
const SIZES = (process.env.BENCH_STORAGE_SIZES ?? "10000,100000").split(",").map(Number);
const SAMPLES = 60;
const CONCURRENCY = 16;

const PACKET = { ...SUPPORT_PACKET, metadata: { workflow: "support_answer", ticket: "T-1042" } };

/** The tables (and their indexes) that grow with every hosted run. */
const RUN_TABLES = ["review_runs", "review_artifacts", "report_links", "idempotency_keys"];

function sqliteFile(kivo: LocalKivo, kind: "d1" | "r2"): string {
  const dir = join(persistDir(kivo.stateDir), "v3", kind, kind === "d1" ? "miniflare-D1DatabaseObject" : "miniflare-R2BucketObject");
  const file = readdirSync(dir).find((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
  if (!file) throw new Error(`no local ${kind} database under ${dir}`);
  return join(dir, file);
}

interface Footprint {
  pages: number;
  payload: number;
  byObject: Map<string, { pages: number; payload: number }>;
}

/** Bytes of the run tables and their indexes, as dbstat counts them. */
function d1Footprint(file: string): Footprint {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const owners = new Map(
      (db.prepare("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')").all() as { name: string; tbl_name: string }[]).map(
        (row) => [row.name, row.tbl_name],
      ),
    );
    const rows = db.prepare("SELECT name, sum(pgsize) AS pages, sum(payload) AS payload FROM dbstat GROUP BY name").all() as {
      name: string;
      pages: number;
      payload: number;
    }[];
    const byObject = new Map<string, { pages: number; payload: number }>();
    for (const row of rows) {
      if (RUN_TABLES.includes(owners.get(row.name) ?? "")) byObject.set(row.name, { pages: row.pages, payload: row.payload });
    }
    const sum = (field: "pages" | "payload") => [...byObject.values()].reduce((total, entry) => total + entry[field], 0);
    return { pages: sum("pages"), payload: sum("payload"), byObject };
  } finally {
    db.close();
  }
}

function r2Objects(file: string): { kind: string; count: number; bytes: number }[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db
      .prepare(
        `SELECT CASE WHEN key LIKE '%/artifacts/%' THEN 'artifacts' WHEN key LIKE '%/sources/%' THEN 'sources' ELSE 'other' END AS kind,
                count(*) AS count, sum(size) AS bytes
         FROM _mf_objects GROUP BY kind`,
      )
      .all() as { kind: string; count: number; bytes: number }[];
  } finally {
    db.close();
  }
}

/** Copies of the completed runs until review_runs holds `total` rows. */
function growTo(file: string, total: number): number {
  const db = new DatabaseSync(file);
  try {
    const current = (db.prepare("SELECT count(*) AS n FROM review_runs").get() as { n: number }).n;
    const missing = total - current;
    if (missing <= 0) return current;
    db.exec("BEGIN");
    db.exec("CREATE TEMP TABLE clones AS SELECT id AS source_id, 0 AS n FROM review_runs WHERE 0");
    // Copy number n of run k gets a fresh run ID and a created_at n·3 s earlier than the oldest run, so it sorts after every real one.
    db.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)
       INSERT INTO clones SELECT r.id, seq.n FROM seq JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS c FROM review_runs WHERE status = 'completed') r
       ON r.k = (seq.n - 1) % r.c`,
    ).run(missing);
    db.exec(`CREATE TEMP TABLE mapping AS SELECT source_id, n,
      'run_' || lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))) AS new_id
      FROM clones`);
    const oldest = (db.prepare("SELECT min(created_at) AS t FROM review_runs").get() as { t: string }).t;
    const columns = (db.prepare("SELECT name FROM pragma_table_info('review_runs')").all() as { name: string }[]).map((row) => row.name);
    const shifted = (name: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', '${oldest}', '-' || (m.n * 3) || ' seconds') AS ${name}`;
    const select = columns.map((name) =>
      name === "id" ? "m.new_id" : ["created_at", "updated_at", "started_at", "completed_at"].includes(name) ? shifted(name) : `r.${name}`,
    );
    db.exec(`INSERT INTO review_runs (${columns.join(", ")}) SELECT ${select.join(", ")} FROM mapping m JOIN review_runs r ON r.id = m.source_id`);
    db.exec("DROP TABLE clones; DROP TABLE mapping; COMMIT");
    return total;
  } finally {
    db.close();
  }
}

async function api(kivo: LocalKivo, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${kivo.apiKey}`);
  const response = await fetch(`${kivo.baseUrl}${path}`, { ...init, headers });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${init.method ?? "GET"} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

async function createRuns(kivo: LocalKivo, count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        const body = await api(kivo, "/v1/review-runs", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
          body: JSON.stringify(PACKET),
        });
        ids.push((JSON.parse(body) as { review_run: { id: string } }).review_run.id);
      }
    }),
  );
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    const open = await Promise.all(["queued", "processing"].map((status) => api(kivo, `/v1/review-runs?status=${status}&limit=1`)));
    if (open.every((page) => (JSON.parse(page) as { items: unknown[] }).items.length === 0)) return ids;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the runs were not all reviewed within 10 minutes");
}

async function time(samples: number, request: (i: number) => Promise<unknown>) {
  const durations: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await request(i);
    durations.push(performance.now() - started);
  }
  return summarize(durations);
}

async function latencies(kivo: LocalKivo, runIds: string[]) {
  const pick = (i: number) => runIds[(i * 7919) % runIds.length]!;
  // A cursor 50 pages (1,000 runs) deep, reused: list pages must cost the same anywhere.
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const body = JSON.parse(await api(kivo, `/v1/review-runs?limit=20${cursor ? `&cursor=${cursor}` : ""}`)) as { next_cursor: string | null };
    cursor = body.next_cursor;
  }
  for (let i = 0; i < 10; i++) await api(kivo, `/v1/review-runs/${pick(i)}`); // warm-up
  return {
    "GET run": await time(SAMPLES, (i) => api(kivo, `/v1/review-runs/${pick(i)}`)),
    "list, first page": await time(SAMPLES, () => api(kivo, "/v1/review-runs?limit=20")),
    "list, page 51": await time(SAMPLES, () => api(kivo, `/v1/review-runs?limit=20&cursor=${cursor}`)),
    "list, status filter": await time(SAMPLES, () => api(kivo, "/v1/review-runs?limit=20&status=completed")),
    "GET claims": await time(SAMPLES, (i) => api(kivo, `/v1/review-runs/${pick(i)}/claims`)),
    "GET claim-report": await time(SAMPLES, (i) => api(kivo, `/v1/review-runs/${pick(i)}/claim-report`)),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`;

export async function benchStorage(): Promise<Record<string, unknown>> {
  let kivo = await startLocalKivo();
  try {
    const before = d1Footprint(sqliteFile(kivo, "d1"));
    const runIds = await createRuns(kivo, RUNS);
    await kivo.stop({ keepState: true });
    const after = d1Footprint(sqliteFile(kivo, "d1"));
    const objects = r2Objects(sqliteFile(kivo, "r2"));

    console.log(`\nStorage (wrangler dev on loopback; ${RUNS} runs of the API bench's packet, each created with an Idempotency-Key and reviewed)`);
    const idempotency = [...after.byObject]
      .filter(([name]) => name.includes("idempotency_keys"))
      .reduce((sum, [name, { pages }]) => sum + pages - (before.byObject.get(name)?.pages ?? 0), 0);
    const total = after.pages - before.pages;
    console.log(
      `  D1 per run: ${kb((total - idempotency) / RUNS)} of pages for the run (target ≤ 2 KB), ` +
        `plus ${kb(idempotency / RUNS)} for its Idempotency-Key record until the cron purges it after 24 h; ${kb((after.payload - before.payload) / RUNS)} of payload in all`,
    );
    for (const [name, { pages, payload }] of after.byObject) {
      const was = before.byObject.get(name) ?? { pages: 0, payload: 0 };
      if (pages === was.pages && payload === was.payload) continue;
      console.log(`    ${name.padEnd(36)} ${kb((pages - was.pages) / RUNS).padStart(9)} pages  ${kb((payload - was.payload) / RUNS).padStart(9)} payload`);
    }
    for (const { kind, count, bytes } of objects) {
      console.log(`  R2 ${kind.padEnd(9)} ${(count / RUNS).toFixed(2)} objects per run, ${kb(bytes / RUNS)} per run (${kb(bytes / count)} per object)`);
    }

    const figures: Record<string, unknown> = { d1BytesPerRun: (total - idempotency) / RUNS, idempotencyBytesPerRun: idempotency / RUNS, r2: objects };
    for (const size of SIZES) {
      growTo(sqliteFile(kivo, "d1"), size);
      kivo = await startLocalKivo({ restart: kivo });
      const measured = await latencies(kivo, runIds);
      await kivo.stop({ keepState: true });
      figures[`latency@${size}`] = measured;
      console.log(`  with ${size.toLocaleString("en")} runs in the database (sequential, n=${SAMPLES}):`);
      for (const [name, { p50, p95 }] of Object.entries(measured)) console.log(`    ${name.padEnd(22)} p50 ${ms(p50)}  p95 ${ms(p95)}`);
    }
    return figures;
  } finally {
    await kivo.stop();
  }
}
