// `npm run bench [-- section …]`: speed figures, by section (default: all).
// Figures are measured here, never asserted in tests.
import { benchAccess } from "./bench/access.ts";
import { benchApi } from "./bench/api.ts";
import { benchEngine } from "./bench/engine.ts";
import { benchImports } from "./bench/imports.ts";
import { benchStorage } from "./bench/storage.ts";

const sections: Record<string, () => Promise<unknown>> = {
  engine: benchEngine,
  api: () => benchApi(),
  access: () => benchAccess(),
  imports: () => benchImports(),
  storage: () => benchStorage(),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = wanted.filter((name) => !(name in sections));
if (unknown.length > 0) {
  console.error(`Unknown section(s): ${unknown.join(", ")}. Sections: ${Object.keys(sections).join(", ")}.`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(sections)) await sections[name]!();
