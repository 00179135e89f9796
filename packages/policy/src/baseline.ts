import { createHash } from "node:crypto";
import { containsStateSecret, isSensitiveKey, plaintextCredentialPaths } from "./sensitive.js";
import { UNKNOWN, type ChangeKind, type ResourceView } from "./types.js";

/**
 * What the pack knows about the previous state of one resource. The engine does not tell a policy
 * pack what operation it plans (create, update, replace, delete), so CI hands the pack a baseline
 * made from `pulumi stack export` and the pack compares the proposed state against it.
 * Values are stored as short hashes, never in clear; secret values are marked "secret".
 */
export interface BaselineResource {
  readonly urn: string;
  readonly type: string;
  /** False for component resources (their outputs are compared instead of inputs). */
  readonly custom: boolean;
  /** Top-level input key -> hash of its value, or "secret". */
  readonly inputs: Readonly<Record<string, string>>;
  /** For components only: top-level output key -> hash, or "secret". */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Credential-named values stored in plain text in the previous state. */
  readonly plaintextCredentials?: readonly string[];
}

export interface Baseline {
  readonly resources: readonly BaselineResource[];
}

const secretMarker = "secret";

function canonical(value: unknown): unknown {
  if (value === UNKNOWN) return { "<unknown>": true };
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** A short, stable hash of a value (sorted keys); equal values give equal hashes. */
export function hashValue(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(value)) ?? "undefined").digest("hex").slice(0, 16);
}

function hashMap(props: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k.startsWith("__") || v === undefined) continue;
    // Credential-named values are never hashed: a short hash of a weak password could be guessed.
    out[k] = containsStateSecret(v) || isSensitiveKey(k) ? secretMarker : hashValue(v);
  }
  return out;
}

interface ExportedResource {
  urn?: unknown;
  type?: unknown;
  custom?: unknown;
  delete?: unknown;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/**
 * Builds a baseline from the JSON printed by `pulumi stack export` (with or without
 * `--show-secrets`: secret values are never copied, only marked). The root stack resource and
 * resources pending deletion are left out.
 */
export function baselineFromStackExport(exported: unknown): Baseline {
  const deployment = (exported as { deployment?: { resources?: unknown } } | null)?.deployment;
  const resources = Array.isArray(deployment?.resources) ? (deployment!.resources as ExportedResource[]) : [];
  return {
    resources: resources
      .filter((r) => typeof r.urn === "string" && typeof r.type === "string" && r.type !== "pulumi:pulumi:Stack" && r.delete !== true)
      .map((r) => {
        const custom = r.custom === true;
        const plaintext = plaintextCredentialPaths(r.inputs ?? {});
        return {
          urn: r.urn as string,
          type: r.type as string,
          custom,
          inputs: hashMap(r.inputs),
          ...(custom ? {} : { outputs: hashMap(r.outputs) }),
          ...(plaintext.length > 0 ? { plaintextCredentials: plaintext } : {}),
        };
      }),
  };
}

/** Reads a baseline from policy config; anything malformed gives undefined (no baseline). */
export function parseBaseline(raw: unknown): Baseline | undefined {
  if (raw === null || typeof raw !== "object" || !Array.isArray((raw as Baseline).resources)) return undefined;
  const resources = (raw as Baseline).resources.filter(
    (r) => r && typeof r.urn === "string" && typeof r.type === "string" && r.inputs !== null && typeof r.inputs === "object",
  );
  return { resources };
}

/** The change the pack infers for one resource, with the top-level keys that differ. */
export interface InferredChange {
  readonly change: ChangeKind;
  readonly changedKeys: readonly string[];
}

/**
 * Compares a resource's proposed state with the baseline. `which` says whether `resource.props`
 * holds inputs (resource validation) or outputs (stack validation of components).
 * Secret values cannot be compared (the baseline only marks them): a change to a secret alone is
 * not seen. Without a baseline the change is `unknown`.
 */
export function inferChange(
  resource: Pick<ResourceView, "urn" | "props">,
  baseline: Baseline | undefined,
  replaceKeys: readonly string[] = [],
  which: "inputs" | "outputs" = "inputs",
): InferredChange {
  if (!baseline) return { change: "unknown", changedKeys: [] };
  const before = baseline.resources.find((r) => r.urn === resource.urn);
  if (!before) return { change: "create", changedKeys: [] };
  const old = (which === "outputs" ? before.outputs : before.inputs) ?? {};
  const now = hashMap(resource.props);
  const keys = new Set([...Object.keys(old), ...Object.keys(now)]);
  const changedKeys = [...keys].filter((k) => old[k] !== secretMarker && old[k] !== now[k]).sort();
  if (changedKeys.length === 0) return { change: "same", changedKeys };
  return { change: changedKeys.some((k) => replaceKeys.includes(k)) ? "replace" : "update", changedKeys };
}

/** Baseline resources that are gone from the proposed stack: the plan deletes them. */
export function deletedResources(baseline: Baseline | undefined, present: readonly { urn: string }[]): BaselineResource[] {
  if (!baseline) return [];
  const urns = new Set(present.map((r) => r.urn));
  return baseline.resources.filter((r) => !urns.has(r.urn));
}
