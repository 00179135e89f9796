/**
 * The API reports of Hearth's packages (docs/api.md): one API Extractor report per public entry
 * point, checked in as packages/<pkg>/etc/<report>.api.md. `npm run api` rewrites them from the
 * built .d.ts files (dist/); test/api.test.ts compares the built .d.ts with the committed reports
 * and fails when an export changed without its report.
 *
 * Every entry point in a package's package.json `exports` gets a report ("." is <pkg>.api.md,
 * "./client" is <pkg>-client.api.md), except "./internal", which is not covered by semver.
 * One TypeScript program serves every report (CompilerState), so the check costs one compile.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage } from "@microsoft/api-extractor";

export const repoRoot = resolve(__dirname, "../..");

/** Where a check writes the reports it built, for `diff` against the committed ones. */
export const apiTempDir = join(repoRoot, ".hearth/api");

/** Subpath exports that are not public API: no report, no semver (docs/api.md). */
export const internalSubpaths: readonly string[] = ["./internal"];

export interface ApiEntry {
  /** Package folder name under packages/. */
  readonly pkg: string;
  /** The subpath in package.json `exports` ("." or "./client"). */
  readonly subpath: string;
  /** Report file name: "core.api.md", "catalog-client.api.md". */
  readonly reportName: string;
  /** packages/<pkg>/etc/<reportName>, the committed report. */
  readonly reportPath: string;
  /** The built declaration file of the entry (ESM types). */
  readonly dtsPath: string;
}

interface ExportTarget {
  readonly import?: { readonly types?: string };
}

/** Every public entry point of every package under packages/, in a stable order. */
export function apiEntries(root = repoRoot): ApiEntry[] {
  const entries: ApiEntry[] = [];
  for (const pkg of readdirSync(join(root, "packages")).sort()) {
    const pkgDir = join(root, "packages", pkg);
    const manifestPath = join(pkgDir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports?: Record<string, ExportTarget> };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (internalSubpaths.includes(subpath)) continue;
      const types = target.import?.types;
      if (types === undefined) throw new Error(`packages/${pkg}/package.json: exports["${subpath}"] has no import.types; every entry point needs its .d.ts`);
      const reportName = subpath === "." ? `${pkg}.api.md` : `${pkg}-${subpath.replace(/^\.\//, "").replace(/\//g, "-")}.api.md`;
      entries.push({ pkg, subpath, reportName, reportPath: join(pkgDir, "etc", reportName), dtsPath: join(pkgDir, types) });
    }
  }
  return entries;
}

/** The outcome for one entry point. */
export interface ApiResult {
  readonly entry: ApiEntry;
  /** The built .d.ts differs from the committed report (check), or the report was rewritten (update). */
  readonly changed: boolean;
  /** Where the report built from dist/ was written (the committed path on update). */
  readonly builtReport: string;
  /** API Extractor errors and warnings (missing exports, unresolved references). */
  readonly problems: readonly string[];
}

/**
 * Builds the report of every entry from dist/. `update` rewrites the committed reports;
 * otherwise they are left alone and the fresh ones go to .hearth/api/ for comparison.
 */
export function runApiReports(mode: "check" | "update", entries = apiEntries()): ApiResult[] {
  const missing = entries.filter((e) => !existsSync(e.dtsPath));
  if (missing.length > 0) {
    throw new Error(`no built declarations for ${missing.map((e) => e.dtsPath.slice(repoRoot.length + 1)).join(", ")}: run \`npm run build\` first`);
  }
  mkdirSync(apiTempDir, { recursive: true });
  const configs = entries.map((entry) => ({ entry, config: extractorConfig(entry) }));
  const first = configs[0];
  if (first === undefined) return [];
  const compilerState = CompilerState.create(first.config, { additionalEntryPoints: entries.map((e) => e.dtsPath) });
  return configs.map(({ entry, config }) => {
    if (mode === "update") mkdirSync(join(repoRoot, "packages", entry.pkg, "etc"), { recursive: true });
    const problems: string[] = [];
    const result = Extractor.invoke(config, {
      localBuild: mode === "update",
      compilerState,
      messageCallback: (message: ExtractorMessage) => {
        if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) {
          // Its own "the report changed / was not copied / was created" notes: reported as `changed`.
          if (!String(message.messageId).startsWith("console-api-report-")) {
            const where = message.sourceFilePath ? ` (${message.sourceFilePath.slice(repoRoot.length + 1)}:${message.sourceFileLine ?? 0})` : "";
            problems.push(`${message.messageId}: ${message.text}${where}`);
          }
        }
        message.handled = true;
      },
    });
    return {
      entry,
      changed: result.apiReportChanged,
      builtReport: mode === "update" ? entry.reportPath : join(apiTempDir, entry.reportName),
      problems,
    };
  });
}

function extractorConfig(entry: ApiEntry): ExtractorConfig {
  const pkgDir = join(repoRoot, "packages", entry.pkg);
  return ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath: join(pkgDir, "package.json"),
    configObject: {
      projectFolder: pkgDir,
      mainEntryPointFilePath: entry.dtsPath,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            lib: ["ES2022"],
            types: ["node"],
            strict: true,
            skipLibCheck: true,
          },
          files: [entry.dtsPath],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.reportName,
        reportFolder: join(pkgDir, "etc"),
        reportTempFolder: apiTempDir,
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: "lf",
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          // Hearth does not mark release stages (@public/@beta): every exported name is public.
          "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
          // Undocumented members and {@link} targets in doc comments are a review matter, not an
          // API change.
          "ae-undocumented": { logLevel: ExtractorLogLevel.None },
          "ae-unresolved-link": { logLevel: ExtractorLogLevel.None },
          // A public signature that uses a type the entry does not export (users cannot name it):
          // written into the report as a warning line, so the review sees it.
          "ae-forgotten-export": { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
        },
        // The doc comments are for readers of the source and the editor, not TSDoc-strict.
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
  });
}
