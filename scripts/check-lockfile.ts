// Fails when package-lock.json is in a form that a newcomer's first
// `npm install` would rewrite. npm 11 records `libc` on platform-specific
// packages (sharp's glibc/musl builds); npm 10, which Node 22 ships, drops
// those fields, so a lockfile written by npm 11 shows up modified after a fresh
// clone. Without them both versions leave the file as it is (npm 11 then also
// fetches the musl builds, which are small and unused).
import { readFileSync } from "node:fs";

const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8")) as {
  packages: Record<string, Record<string, unknown>>;
};
const withLibc = Object.entries(lock.packages)
  .filter(([, entry]) => "libc" in entry)
  .map(([name]) => name);
if (withLibc.length > 0) {
  console.error(
    `package-lock.json records libc for ${withLibc.length} packages (${withLibc.slice(0, 3).join(", ")}, …), which npm 10 removes on install.\n` +
      "Rewrite it in the form every npm keeps: npx -y npm@10 install --package-lock-only --no-audit --no-fund",
  );
  process.exit(1);
}
console.log("package-lock.json: stable under npm 10 and 11");
