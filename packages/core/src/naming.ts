import type { Fail } from "./errors.js";

/** The label keys Hearth puts on everything it creates. */
export const labelKeys = {
  managedBy: "hearth/managed-by",
  component: "hearth/component",
  stack: "hearth/stack",
  role: "hearth/role",
  gateway: "hearth/gateway",
} as const;

/** Name of a child resource: `${parent}` or `${parent}-${suffix}`. Child names are a public contract. */
export function childName(parent: string, ...suffix: Array<string | number>): string {
  return [parent, ...suffix.map(String)].join("-");
}

const hostnamePattern = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** True for an RFC 1123 host label: lowercase letters, digits and dashes, 1-63 characters. */
export function isHostname(value: string): boolean {
  return hostnamePattern.test(value);
}

/** Checks a host name (VM and server names become host names through cloud-init). */
export function checkHostname(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || !isHostname(value)) {
    fail(field, value, "use 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit");
  }
  return value as string;
}

/**
 * Label syntax, the strictest of the targets so one map works everywhere: the Hetzner Cloud
 * rules (hetznercloud/hcloud-go `hcloud/labels.go` ValidateResourceLabels; the value pattern is
 * also `components/schemas/labels` in ../shared/specs/hcloud-openapi.json): a key is an
 * optional prefix (a DNS-like name, at most 253 characters) and `/`, then a name of 1-63
 * letters, digits, '-', '_' or '.', starting and ending with a letter or digit; a value is
 * empty or the same shape as a name.
 */
const labelKeyPattern = /^(?:(?=.{1,253}\/)[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\/)?[a-zA-Z0-9](?:[-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$/;
const labelValuePattern = /^(?:[a-zA-Z0-9](?:[-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?)?$/;

/** Label keys under this prefix are Hearth's own: set by Hearth, never by a user's labels. */
export const hearthLabelPrefix = "hearth/";

/** Where labels end up; each target has its own tag rules (see {@link tagRules}). */
export type LabelTarget = "hcloud" | "digitalocean" | "proxmox";

/**
 * Tag syntax of the targets that take flat tags rather than key/value labels.
 * - DigitalOcean: "Tags may contain letters, numbers, colons, dashes, and underscores. There is
 *   a limit of 255 characters per tag." (../shared/specs/digitalocean-openapi.json,
 *   `paths./v2/tags.post` request body, `name`).
 * - Proxmox VE: the `tags` of a VM or container have format `pve-tag-list`, each tag a
 *   `pve-tag`, which pve-common checks with `[a-z0-9_][a-z0-9_\-\+\.]*`, case-insensitive
 *   (../shared/specs/pve-api-9.1.3.json `tags` of `/nodes/{node}/qemu`; proxmox/pve-common
 *   src/PVE/JSONSchema.pm `$PVE_TAG_RE`).
 */
export const tagRules = {
  digitalocean: { pattern: /^[A-Za-z0-9:_-]{1,255}$/, rule: "DigitalOcean tags are 1-255 letters, digits, ':', '-' or '_'" },
  proxmox: { pattern: /^[a-z0-9_][a-z0-9_+.-]*$/i, rule: "Proxmox tags start with a letter, digit or '_' and go on with letters, digits, '_', '-', '+' or '.'" },
} as const satisfies Record<Exclude<LabelTarget, "hcloud">, { pattern: RegExp; rule: string }>;

/**
 * Checks a user's label map: an object of string values, keys and values in label syntax, and
 * no key under `hearth/` (Hearth sets those itself; a user label could otherwise pass for
 * Hearth's own, such as `hearth/managed-by` or `hearth/role`). For a target with flat tags, the
 * tags the labels become must be valid there and distinct.
 */
export function checkLabels(fail: Fail, field: string, labels: unknown, target?: LabelTarget): Record<string, string> {
  if (labels === undefined) return {};
  if (labels === null || typeof labels !== "object" || Array.isArray(labels) || isUnknownValue(labels)) {
    fail(field, labels, 'use a map of labels such as { env: "lab" }');
  }
  const map = labels as Record<string, unknown>;
  for (const [key, value] of Object.entries(map)) {
    if (key.startsWith(hearthLabelPrefix)) fail(`${field}.${key}`, key, `keys under "${hearthLabelPrefix}" are Hearth's own labels, set by Hearth; choose another key`);
    if (!labelKeyPattern.test(key)) {
      fail(`${field}.${key}`, key, "label keys are an optional prefix/ (at most 253 characters) plus 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
    if (typeof value !== "string" || !labelValuePattern.test(value)) {
      fail(`${field}.${key}`, value, "label values are empty or up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
  }
  if (target === "digitalocean" || target === "proxmox") checkTagsOf(fail, field, map as Record<string, string>, target);
  return map as Record<string, string>;
}

function isUnknownValue(value: object): boolean {
  return (value as { __pulumiOutput?: unknown }).__pulumiOutput === true || value instanceof Promise;
}

/** Checks that labels flatten to valid, distinct tags of a target. */
function checkTagsOf(fail: Fail, field: string, labels: Record<string, string>, target: "digitalocean" | "proxmox"): void {
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(labels)) {
    const tag = labelToTag(key, value);
    if (tag.startsWith("hearth-")) fail(`${field}.${key}`, value, `the label becomes the tag "${tag}", which reads as one of Hearth's own tags (hearth-...); choose another key`);
    if (!tagRules[target].pattern.test(tag)) fail(`${field}.${key}`, value, `the label becomes the tag "${tag}": ${tagRules[target].rule}`);
    const other = seen.get(tag);
    if (other !== undefined) fail(`${field}.${key}`, value, `the labels ${JSON.stringify(other)} and ${JSON.stringify(key)} both become the tag "${tag}"; use labels that differ after flattening`);
    seen.set(tag, key);
  }
}

/** Checks a list of flat tags for a target: a list of distinct valid tags. */
export function checkTags(fail: Fail, field: string, tags: unknown, target: "digitalocean" | "proxmox"): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) fail(field, tags, "use a list of tag names");
  (tags as unknown[]).forEach((tag, i) => {
    if (typeof tag !== "string" || !tagRules[target].pattern.test(tag)) fail(`${field}[${i}]`, tag, tagRules[target].rule);
    if (tag.toLowerCase().startsWith("hearth-")) fail(`${field}[${i}]`, tag, "tags starting with \"hearth-\" are Hearth's own, set by Hearth; choose another tag");
  });
  return [...(tags as string[])];
}

/**
 * Hearth's standard labels with the user's: Hearth's own (`hearth/component`, `hearth/managed-by`,
 * and every `hearth/` key in `extra`, such as `hearth/role`) always win over anything else in
 * `extra`. User labels are checked with {@link checkLabels} first, which refuses `hearth/` keys.
 */
export function hearthLabels(component: string, extra: Record<string, string> = {}): Record<string, string> {
  const user = Object.fromEntries(Object.entries(extra).filter(([key]) => !key.startsWith(hearthLabelPrefix)));
  const own = Object.fromEntries(Object.entries(extra).filter(([key]) => key.startsWith(hearthLabelPrefix)));
  return { ...user, ...own, [labelKeys.component]: component, [labelKeys.managedBy]: "hearth" };
}

function labelToTag(key: string, value: string): string {
  return `${key}-${value}`.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
}

/**
 * Labels as the flat tags of Proxmox and DigitalOcean: lowercase `key=value` is not allowed
 * there, so `hearth/role: ingress` becomes `hearth-role-ingress`. Sorted and de-duplicated;
 * {@link checkLabels} with a target refuses user labels whose tags would collide.
 */
export function labelsToTags(labels: Record<string, string>): string[] {
  const tags = Object.entries(labels).map(([key, value]) => labelToTag(key, value));
  return [...new Set(tags)].sort();
}
