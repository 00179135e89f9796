/**
 * `npm run api`: rewrite the API report of every public entry point (packages/<pkg>/etc/*.api.md)
 * from the built .d.ts files. Run it after `npm run build` whenever an export changed, review the
 * diff and commit it with a changeset (docs/api.md). `npm run api -- --check` only compares.
 */
import { runApiReports } from "./lib/apiReport.js";

const mode = process.argv.includes("--check") ? "check" : "update";
const started = Date.now();
const results = runApiReports(mode);
let failed = false;
for (const r of results) {
  const name = r.entry.reportPath.slice(r.entry.reportPath.indexOf("packages/"));
  if (r.changed) console.log(mode === "update" ? `updated ${name}` : `export changed: ${name} (built: ${r.builtReport})`);
  for (const p of r.problems) console.error(`${name}: ${p}`);
  if (r.problems.length > 0 || (mode === "check" && r.changed)) failed = true;
}
console.log(`${results.length} API reports ${mode === "update" ? "written" : "checked"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failed) {
  if (mode === "check") console.error("export changed: run `npm run build && npm run api` and commit the report (docs/api.md)");
  process.exitCode = 1;
}
