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

const labelKeyPattern = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$/;
const labelValuePattern = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?)?$/;

/** Checks a label map: keys like `hearth/role` or `env`, values up to 63 characters of [A-Za-z0-9._-]. */
export function checkLabels(fail: Fail, field: string, labels: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(labels)) {
    if (!labelKeyPattern.test(key)) fail(`${field}.${key}`, key, "label keys are an optional prefix/ plus 1-63 of letters, digits, '-', '_' or '.'");
    if (typeof value !== "string" || !labelValuePattern.test(value)) {
      fail(`${field}.${key}`, value, "label values are up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
  }
  return labels;
}

/**
 * Hearth's standard labels merged under the user's own (the user's win, except that the
 * managed-by marker is always set).
 */
export function hearthLabels(component: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [labelKeys.component]: component, ...extra, [labelKeys.managedBy]: "hearth" };
}

/**
 * Labels as the flat tags of Proxmox and DigitalOcean: lowercase `key=value` is not allowed
 * there, so `hearth/role: ingress` becomes `hearth-role-ingress`. Sorted and de-duplicated.
 */
export function labelsToTags(labels: Record<string, string>): string[] {
  const tags = Object.entries(labels).map(([key, value]) =>
    `${key}-${value}`.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, ""),
  );
  return [...new Set(tags)].sort();
}
