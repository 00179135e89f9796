import type { Sandbox } from "@hearth/sandbox";

/** Violations already reported, per sandbox, so each is reported once. */
const seen = new Map<Sandbox, number>();

/**
 * From now on, every sandbox started in this worker is watched. Uses the sandbox's global
 * start hook (`Symbol.for("hearth.sandbox.started")`, SANDBOX_STARTED_HOOK in @hearth/sandbox)
 * so that test files which never start a sandbox do not load it.
 */
export function watchSandboxes(): void {
  (globalThis as Record<symbol, unknown>)[Symbol.for("hearth.sandbox.started")] = (sb: Sandbox) => seen.set(sb, 0);
}

/**
 * Fail if the sandbox's exchanges departed from the official API descriptions since the last
 * check (docs/sandbox.md, Conformance), or if they were not checked at all.
 */
export async function assertConformant(sb: Sandbox): Promise<void> {
  const report = sb.conformance();
  if (!report.enabled && report.requested) throw new Error(`the sandbox's conformance was not checked: ${report.reason ?? "disabled"}`);
  const fresh = report.violations.slice(seen.get(sb) ?? 0);
  seen.set(sb, report.violations.length);
  if (!fresh.length) return;
  const { formatViolations } = await import("@hearth/sandbox");
  throw new Error(`the sandbox saw exchanges that depart from the official API descriptions:\n${formatViolations(fresh)}`);
}

/** Stop watching a sandbox (a test that made it fail on purpose and checked that). */
export function forget(sb: Sandbox): void {
  seen.delete(sb);
}

/** Check every watched sandbox; all problems in one error. */
export async function assertAllConformant(): Promise<void> {
  const problems: string[] = [];
  for (const sb of [...seen.keys()]) {
    try {
      await assertConformant(sb);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) throw new Error(problems.join("\n"));
}
