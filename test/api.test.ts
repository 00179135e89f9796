/**
 * The public API of every package is what its committed API report says (docs/api.md): the
 * built .d.ts of each public entry point must match packages/<pkg>/etc/<report>.api.md. A changed
 * export fails here until its report is regenerated (`npm run build && npm run api`) and the diff
 * is committed, so every change to what users can import is a visible, reviewed change.
 *
 * Reads dist/: `npm test` builds first; alone, run `npm run build` before this file.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { apiEntries, repoRoot, runApiReports, type ApiResult } from "../scripts/lib/apiReport.js";

const entries = apiEntries();
let results: Map<string, ApiResult>;

/** The lines only in the committed report (-) and only in the built one (+), at most `max`. */
function changedLines(committed: string, built: string, max = 40): string {
  const a = committed.split("\n");
  const b = built.split("\n");
  const inA = new Set(a);
  const inB = new Set(b);
  const lines = [...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`)];
  return lines.length > max ? [...lines.slice(0, max), `... ${lines.length - max} more`].join("\n") : lines.join("\n");
}

describe("API reports", () => {
  beforeAll(() => {
    results = new Map(runApiReports("check", entries).map((r) => [r.entry.reportName, r]));
  }, 120_000);

  it("covers every public entry point of every package, and no internal one", () => {
    const names = entries.map((e) => `${e.pkg} ${e.subpath}`);
    for (const pkg of ["core", "kit", "proxmox", "hcloud", "digitalocean", "gateway", "catalog", "policy", "sandbox"]) expect(names).toContain(`${pkg} .`);
    expect(names.filter((n) => n.endsWith("/internal"))).toEqual([]);
  });

  it("every package lists its exports by name (no `export *` in src/index.ts or src/internal.ts)", () => {
    const barrels = readdirSync(join(repoRoot, "packages")).flatMap((pkg) =>
      ["index.ts", "internal.ts"].map((f) => join(repoRoot, "packages", pkg, "src", f)).filter((p) => existsSync(p)),
    );
    expect(barrels.length).toBeGreaterThanOrEqual(9);
    const star = barrels.filter((p) => /^\s*export\s+(type\s+)?\*/m.test(readFileSync(p, "utf8"))).map((p) => relative(repoRoot, p));
    expect(star, "list the exports by name: every name in src/index.ts is public API (docs/api.md)").toEqual([]);
  });

  it.each(entries.map((e) => [relative(repoRoot, e.reportPath), e] as const))("%s matches the built declarations", (report, entry) => {
    const result = results.get(entry.reportName);
    expect(result, `no result for ${report}`).toBeDefined();
    if (result === undefined) return;
    expect(result.problems, `API Extractor problems in ${report}`).toEqual([]);
    if (!existsSync(entry.reportPath)) {
      expect.fail(`export changed: ${report} does not exist yet; run \`npm run api\` and commit the report (docs/api.md)`);
    }
    if (result.changed) {
      const diff = changedLines(readFileSync(entry.reportPath, "utf8"), readFileSync(result.builtReport, "utf8"));
      expect.fail(
        `export changed: run \`npm run api\` and commit the report (docs/api.md).\n` +
          `${report} differs from the built declarations (${relative(repoRoot, result.builtReport)}):\n${diff}`,
      );
    }
  });
});
