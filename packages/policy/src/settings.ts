import { environments, type Environment } from "@hearth/core";
import { parseApprovals, type ParsedApprovals } from "./approvals.js";
import { baselineFromStackExport, parseBaseline, type Baseline } from "./baseline.js";
import { engineNames, type HearthPolicy } from "./definition.js";
import { isSensitiveKey } from "./sensitive.js";
import { enforcementLevels, riskClasses, sites, type EnforcementLevel, type RiskClass, type Site } from "./types.js";

/** Spend caps for a cloud stack. */
export interface SpendCaps {
  /** Allowed hcloud server types and DigitalOcean droplet sizes, e.g. ["cx23", "s-1vcpu-1gb"]. */
  readonly serverTypes?: readonly string[];
  /** Most servers and droplets the stack may hold. */
  readonly maxServers?: number;
  /** Most public IPs (hcloud primary IPs and DigitalOcean reserved IPs) the stack may hold. */
  readonly maxPublicIps?: number;
}

/** One stack config key as `pulumi config --json` reports it (the value is never kept). */
export interface ConfigKeyInfo {
  readonly key: string;
  readonly secret: boolean;
}

/**
 * Everything the policies know about the stack, read from the policy pack config.
 * Each policy receives only its own section of the `--policy-pack-config` file, so
 * `expandPolicyConfig` copies the shared fields into every section that needs them.
 */
export interface PolicyContext {
  readonly environment?: Environment;
  readonly site?: Site;
  readonly approvals: ParsedApprovals;
  /** Changes at or above this class need an approval. @default "high" */
  readonly approvalThreshold: RiskClass;
  readonly caps?: SpendCaps;
  readonly baseline?: Baseline;
  /** Credential-named stack config keys and whether each is a secret. */
  readonly configKeys?: readonly ConfigKeyInfo[];
  readonly now: Date;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** Reads one policy's config section (what `args.getConfig()` returns) into a context. */
export function readContext(raw: Record<string, unknown>, now: Date = new Date()): PolicyContext {
  const caps = raw.caps !== null && typeof raw.caps === "object" ? (raw.caps as Record<string, unknown>) : undefined;
  const configKeys = Array.isArray(raw.configKeys)
    ? (raw.configKeys as unknown[]).filter((k): k is ConfigKeyInfo => !!k && typeof (k as ConfigKeyInfo).key === "string" && typeof (k as ConfigKeyInfo).secret === "boolean")
    : undefined;
  const baseline = parseBaseline(raw.baseline);
  const serverTypes = Array.isArray(caps?.serverTypes) ? (caps!.serverTypes as unknown[]).filter((t): t is string => typeof t === "string") : undefined;
  const maxServers = count(caps?.maxServers);
  const maxPublicIps = count(caps?.maxPublicIps);
  const environment = oneOf(raw.environment, environments);
  const site = oneOf(raw.site, sites);
  return {
    ...(environment ? { environment } : {}),
    ...(site ? { site } : {}),
    approvals: parseApprovals(raw.approvals),
    approvalThreshold: oneOf(raw.approvalThreshold, riskClasses) ?? "high",
    ...(caps
      ? { caps: { ...(serverTypes ? { serverTypes } : {}), ...(maxServers !== undefined ? { maxServers } : {}), ...(maxPublicIps !== undefined ? { maxPublicIps } : {}) } }
      : {}),
    ...(baseline ? { baseline } : {}),
    ...(configKeys ? { configKeys } : {}),
    now,
  };
}

/** The per-stack settings file a team keeps beside each stack (`policy/<stack>.json`). */
export interface StackPolicySettings {
  readonly environment?: Environment;
  readonly site?: Site;
  readonly approvals?: readonly unknown[];
  readonly approvalThreshold?: RiskClass;
  readonly caps?: SpendCaps;
  /** Per-policy enforcement overrides: { "hearth-spend-caps": "advisory" }. */
  readonly enforcement?: Readonly<Record<string, EnforcementLevel>>;
}

/** Which shared fields each policy's config section carries. */
export type ContextField = "environment" | "site" | "approvals" | "approvalThreshold" | "caps" | "baseline" | "configKeys";

/**
 * Builds the `--policy-pack-config` JSON: one section per policy with its enforcement level and the
 * shared fields it reads. `baseline` comes from `baselineFromStackExport`, `configKeys` from
 * `configKeysFromPulumiConfig`.
 */
export function expandPolicyConfig(
  settings: StackPolicySettings,
  policies: readonly Pick<HearthPolicy, "name" | "contextFields" | "validateResource" | "validateStack">[],
  generated: { readonly baseline?: Baseline; readonly configKeys?: readonly ConfigKeyInfo[] } = {},
): Record<string, Record<string, unknown>> {
  const known = new Set(policies.map((p) => p.name));
  for (const [name, level] of Object.entries(settings.enforcement ?? {})) {
    if (!known.has(name)) throw new Error(`enforcement: unknown policy "${name}"; known: ${[...known].join(", ")}`);
    if (!(enforcementLevels as readonly string[]).includes(level)) throw new Error(`enforcement.${name}: "${level}" is not one of ${enforcementLevels.join(", ")}`);
  }
  const values: Record<ContextField, unknown> = {
    environment: settings.environment,
    site: settings.site,
    approvals: settings.approvals,
    approvalThreshold: settings.approvalThreshold,
    caps: settings.caps,
    baseline: generated.baseline,
    configKeys: generated.configKeys,
  };
  const out: Record<string, Record<string, unknown>> = {};
  for (const policy of policies) {
    const section: Record<string, unknown> = {};
    const level = settings.enforcement?.[policy.name];
    if (level) section.enforcementLevel = level;
    for (const field of policy.contextFields) if (values[field] !== undefined) section[field] = values[field];
    const names = engineNames(policy);
    for (const name of [names.resource, names.stack]) if (name) out[name] = section;
  }
  return out;
}

/**
 * Reads `pulumi config --json` output (values of secrets are shown as "[secret]" without
 * --show-secrets) into the credential-named keys and whether each is secret. Values are dropped.
 */
export function configKeysFromPulumiConfig(json: unknown): ConfigKeyInfo[] {
  if (json === null || typeof json !== "object") return [];
  return Object.entries(json as Record<string, { secret?: unknown }>)
    .filter(([key]) => isSensitiveKey(key))
    .map(([key, v]) => ({ key, secret: v?.secret === true }));
}

/**
 * Everything `hearth-policy-config` does, minus file I/O: the stack's settings plus (optionally)
 * `pulumi stack export` and `pulumi config --json` output in, the `--policy-pack-config` JSON out.
 */
export function buildPolicyConfig(
  policies: readonly Pick<HearthPolicy, "name" | "contextFields" | "validateResource" | "validateStack">[],
  input: { readonly settings: StackPolicySettings; readonly stateExport?: unknown; readonly pulumiConfig?: unknown },
): Record<string, Record<string, unknown>> {
  return expandPolicyConfig(input.settings, policies, {
    ...(input.stateExport !== undefined ? { baseline: baselineFromStackExport(input.stateExport) } : {}),
    ...(input.pulumiConfig !== undefined ? { configKeys: configKeysFromPulumiConfig(input.pulumiConfig) } : {}),
  });
}
