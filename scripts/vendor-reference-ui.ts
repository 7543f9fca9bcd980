// Copies the API reference UI (Scalar's standalone bundle) from its npm
// tarball into public/docs/, where the Worker serves it as a static asset, and
// writes its name and Subresource Integrity hash to src/routes/meta/reference-ui.ts.
// Vendored rather than installed: the package pulls ~290 dependencies (Vue and
// the rest) while the Worker needs this one self-contained file, and /docs must
// work offline. `npm pack` checks the tarball against the registry's integrity
// hash. Usage: npm run docs:vendor [-- 1.77.0]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PACKAGE = "@scalar/api-reference";
const root = new URL("..", import.meta.url).pathname;
const version = process.argv[2] ?? (await import("../src/routes/meta/reference-ui.ts")).REFERENCE_UI.version;

const work = mkdtempSync(join(tmpdir(), "kivo-reference-ui-"));
try {
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", `${PACKAGE}@${version}`, "--json", "--pack-destination", work], { encoding: "utf8" }),
  ) as { filename: string; integrity: string; version: string }[];
  execFileSync("tar", ["xzf", join(work, packed!.filename), "-C", work, "package/dist/browser/standalone.js", "package/package.json"]);
  const bundle = readFileSync(join(work, "package/dist/browser/standalone.js"));
  const license = (JSON.parse(readFileSync(join(work, "package/package.json"), "utf8")) as { license: string }).license;

  const file = `scalar-api-reference-${packed!.version}.js`;
  for (const old of readdirSync(join(root, "public/docs")).filter((name) => name.startsWith("scalar-api-reference-"))) {
    rmSync(join(root, "public/docs", old));
  }
  writeFileSync(join(root, "public/docs", file), bundle);
  const integrity = `sha384-${createHash("sha384").update(bundle).digest("base64")}`;
  writeFileSync(
    join(root, "src/routes/meta/reference-ui.ts"),
    `// Written by scripts/vendor-reference-ui.ts: the vendored reference UI in public/docs/.
export const REFERENCE_UI = {
  package: ${JSON.stringify(PACKAGE)},
  version: ${JSON.stringify(packed!.version)},
  license: ${JSON.stringify(license)},
  /** The tarball's integrity as npm published it. */
  tarballIntegrity: ${JSON.stringify(packed!.integrity)},
  file: ${JSON.stringify(file)},
  /** Subresource Integrity of the file, checked by the browser. */
  integrity: ${JSON.stringify(integrity)},
} as const;
`,
  );
  console.log(`public/docs/${file} (${PACKAGE}@${packed!.version}, ${license}), ${bundle.length} bytes, ${integrity}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
