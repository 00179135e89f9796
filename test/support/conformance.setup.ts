import { formatViolations, onSandboxStart, type Sandbox } from "@hearth/sandbox";
import { afterAll, afterEach } from "vitest";

/**
 * Every test that starts a sandbox fails if an exchange departed from the official API
 * descriptions (docs/sandbox.md, Conformance). Runs after the test's own teardown, so a
 * sandbox stopped there is still checked; a sandbox kept across tests is checked after each
 * test for the violations that test added.
 */
const watched = new Map<Sandbox, number>();
onSandboxStart((sb) => watched.set(sb, 0));

function failOnNewViolations(): void {
  const problems: string[] = [];
  for (const [sb, seen] of watched) {
    const report = sb.conformance();
    if (!report.enabled && report.requested) problems.push(`conformance was not checked: ${report.reason ?? "disabled"}`);
    const fresh = report.violations.slice(seen);
    watched.set(sb, report.violations.length);
    if (fresh.length) problems.push(formatViolations(fresh));
  }
  if (problems.length) throw new Error(`the sandbox saw exchanges that depart from the official API descriptions:\n${problems.join("\n")}`);
}

afterEach(failOnNewViolations);
afterAll(failOnNewViolations);
