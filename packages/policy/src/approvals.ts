import { changeKinds, type ChangeKind } from "./types.js";

/**
 * A recorded approval for high-risk changes, kept in the stack's policy settings:
 *
 * ```json
 * { "by": "alice", "at": "2026-11-20T09:00:00Z", "reference": "CHG-1042",
 *   "resources": ["urn:pulumi:home::*::proxmoxve:index/vmLegacy:VmLegacy::db-*"],
 *   "expires": "2026-11-27T09:00:00Z", "changes": ["replace"] }
 * ```
 */
export interface Approval {
  /** Who approved. */
  readonly by: string;
  /** When it was approved; an approval dated in the future does not count yet. */
  readonly at: Date;
  /** A ticket, pull request or change number a reader can look up. */
  readonly reference: string;
  /** URN glob patterns: `*` matches any run of characters, `?` one character. */
  readonly resources: readonly string[];
  /** The approval covers changes strictly before this instant. */
  readonly expires: Date;
  /** The kinds of change covered. @default every kind */
  readonly changes?: readonly ChangeKind[];
}

/** The result of reading the approvals list: usable approvals and why the others were dropped. */
export interface ParsedApprovals {
  readonly approvals: readonly Approval[];
  readonly problems: readonly string[];
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

/**
 * Reads raw approval entries. Malformed entries never count: they are dropped and described
 * in `problems` so the refusal can say why an approval did not apply.
 */
export function parseApprovals(raw: unknown): ParsedApprovals {
  if (raw === undefined || raw === null) return { approvals: [], problems: [] };
  if (!Array.isArray(raw)) return { approvals: [], problems: ["approvals must be a list of { by, at, reference, resources, expires }"] };
  const approvals: Approval[] = [];
  const problems: string[] = [];
  raw.forEach((entry: unknown, i) => {
    const where = `approvals[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${where} is not an object`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const missing: string[] = [];
    if (!nonEmpty(e.by)) missing.push("by (who approved)");
    if (!nonEmpty(e.reference)) missing.push("reference (ticket or PR)");
    const at = parseDate(e.at);
    if (!at) missing.push("at (ISO 8601 time, e.g. 2026-11-20T09:00:00Z)");
    const expires = parseDate(e.expires);
    if (!expires) missing.push("expires (ISO 8601 time)");
    const resources = e.resources;
    if (!Array.isArray(resources) || resources.length === 0 || !resources.every(nonEmpty)) missing.push("resources (non-empty list of URN patterns)");
    let changes: ChangeKind[] | undefined;
    if (e.changes !== undefined) {
      if (!Array.isArray(e.changes) || e.changes.length === 0 || !e.changes.every((c) => (changeKinds as readonly unknown[]).includes(c))) {
        missing.push("changes (a list of create, update, replace, delete)");
      } else changes = e.changes as ChangeKind[];
    }
    if (at && expires && expires.getTime() <= at.getTime()) missing.push("expires after at");
    if (missing.length > 0) {
      problems.push(`${where}${nonEmpty(e.reference) ? ` (${e.reference})` : ""} ignored: needs ${missing.join(", ")}`);
      return;
    }
    approvals.push({
      by: e.by as string,
      at: at!,
      reference: e.reference as string,
      resources: resources as string[],
      expires: expires!,
      ...(changes ? { changes } : {}),
    });
  });
  return { approvals, problems };
}

/** Turns a URN glob into an anchored RegExp: `*` any run of characters, `?` exactly one, the rest literal. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (const ch of pattern) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

/** True when the glob matches the URN. */
export function urnMatches(pattern: string, urn: string): boolean {
  return globToRegExp(pattern).test(urn);
}

/** What an approval has to cover. */
export interface ApprovalTarget {
  readonly urn: string;
  readonly change: ChangeKind;
}

/** Why an approval does or does not cover a target, for messages and tests. */
export type Coverage = "covers" | "not-yet-valid" | "expired" | "no-matching-resource" | "change-not-covered";

/** Checks one approval against one change at `now`. Valid from `at` (inclusive) until `expires` (exclusive). */
export function coverage(approval: Approval, target: ApprovalTarget, now: Date): Coverage {
  if (now.getTime() < approval.at.getTime()) return "not-yet-valid";
  if (now.getTime() >= approval.expires.getTime()) return "expired";
  if (!approval.resources.some((p) => urnMatches(p, target.urn))) return "no-matching-resource";
  if (approval.changes && !approval.changes.includes(target.change)) return "change-not-covered";
  return "covers";
}

/** The first approval covering the change, or undefined. */
export function findApproval(approvals: readonly Approval[], target: ApprovalTarget, now: Date): Approval | undefined {
  return approvals.find((a) => coverage(a, target, now) === "covers");
}

/** Explains for a refusal why each approval naming this resource did not count. */
export function explainMisses(approvals: readonly Approval[], target: ApprovalTarget, now: Date): string[] {
  return approvals
    .map((a) => ({ a, c: coverage(a, target, now) }))
    .filter(({ c }) => c !== "covers" && c !== "no-matching-resource")
    .map(({ a, c }) => `${a.reference} by ${a.by}: ${c === "expired" ? `expired at ${a.expires.toISOString()}` : c === "not-yet-valid" ? `valid only from ${a.at.toISOString()}` : `does not cover a ${target.change}`}`);
}
