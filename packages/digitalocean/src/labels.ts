import * as pulumi from "@pulumi/pulumi";
import { checkLabels, checkTags as checkTagList, hearthLabels, labelKeys, labelsToTags, tagRules, type Fail } from "@hearth/core";

/** Checks DigitalOcean tag names (core's DigitalOcean tag rules; `hearth-` tags are Hearth's own). */
export function checkTags(fail: Fail, field: string, tags: unknown): string[] {
  return checkTagList(fail, field, tags, "digitalocean");
}

/** The tag of every Hearth FirewallGroup begins so (`hearth-fw-<name>`). */
export const firewallTagPrefix = "hearth-fw-";

/**
 * Checks a firewall group a droplet joins: a FirewallGroup's `groupId` (its `hearth-fw-` tag)
 * or the tag of a firewall made elsewhere; either way a valid DigitalOcean tag.
 */
export function checkFirewallTag(fail: Fail, field: string, tag: unknown): string {
  if (typeof tag !== "string" || !tagRules.digitalocean.pattern.test(tag)) {
    return fail(field, tag, `use a FirewallGroup's groupId or the tag of an existing firewall; ${tagRules.digitalocean.rule}`);
  }
  if (tag.toLowerCase().startsWith("hearth-") && !tag.startsWith(firewallTagPrefix)) {
    fail(field, tag, `tags starting with "hearth-" are Hearth's own; use a FirewallGroup's groupId (${firewallTagPrefix}<name>) or another firewall's tag`);
  }
  return tag;
}

/**
 * The labels of a DigitalOcean resource: the user's own (checked with DigitalOcean's tag rules,
 * no `hearth/` keys) and Hearth's standard labels plus `hearth/stack`, Hearth's always winning.
 */
export function doLabels(fail: Fail, component: string, labels: unknown): Record<string, string> {
  const own = checkLabels(fail, "labels", labels, "digitalocean");
  return hearthLabels(component, { ...own, [labelKeys.stack]: pulumi.getStack() });
}

/**
 * Tags for a DigitalOcean resource: its labels ({@link doLabels}) flattened with core
 * labelsToTags (`hearth/role: ingress` -> `hearth-role-ingress`), then the user's own tags.
 * Sorted and de-duplicated so the same input gives the same list.
 */
export function doTags(fail: Fail, component: string, labels: unknown, tags: unknown): string[] {
  const flat = labelsToTags(doLabels(fail, component, labels));
  return [...new Set([...flat, ...checkTags(fail, "tags", tags)])].sort();
}
