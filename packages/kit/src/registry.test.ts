import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failFor } from "@hearth/core";
import { claimUniqueName } from "./registry.js";

const fail = failFor("BackupPolicy", "nightly");
const name = (max: number) => fc.stringMatching(new RegExp(`^[a-z][a-z0-9_]{0,${max - 1}}$`));

describe("claimUniqueName", () => {
  it("refuses a derived name two components share, in the same provider scope only", () => {
    fc.assert(
      fc.property(name(12), fc.integer({ min: 0, max: 1_000_000 }), (jobName, salt) => {
        const scope = `proxmox:test-${salt}`;
        const other = failFor("BackupPolicy", "other");
        expect(claimUniqueName(fail, "jobId", "backup job id", scope, jobName, 'BackupPolicy "a"')).toBe(jobName);
        expect(claimUniqueName(fail, "jobId", "backup job id", scope, jobName, 'BackupPolicy "a"')).toBe(jobName);
        expect(() => claimUniqueName(other, "jobId", "backup job id", scope, jobName, 'BackupPolicy "b"')).toThrow(/already uses the backup job id/);
        expect(claimUniqueName(other, "jobId", "backup job id", `${scope}-2`, jobName, 'BackupPolicy "b"')).toBe(jobName);
      }),
      { numRuns: 200 },
    );
  });
});
