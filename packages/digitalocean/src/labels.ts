import * as pulumi from "@pulumi/pulumi";
import { checkLabels, checkTags as checkTagList, hearthLabels, labelKeys, labelsToTags, type Fail } from "@hearth/core";

/** Checks DigitalOcean tag names (core's DigitalOcean tag rules; `hearth-` tags are Hearth's own). */
export function checkTags(fail: Fail, field: string, tags: unknown): string[] {
  return checkTagList(fail, field, tags, "digitalocean");
}

/**
 * Tags for a DigitalOcean resource: the user's labels (checked, flattened to distinct valid tags)
 * and Hearth's own plus `hearth/stack`, flattened with core labelsToTags (`hearth/role: ingress`
 * -> `hearth-role-ingress`), then the user's own tags. Sorted and de-duplicated so the same
 * input gives the same list.
 */
export function doTags(fail: Fail, component: string, labels: unknown, tags: unknown): string[] {
  const own = checkLabels(fail, "labels", labels, "digitalocean");
  const flat = labelsToTags(hearthLabels(component, { ...own, [labelKeys.stack]: pulumi.getStack() }));
  return [...new Set([...flat, ...checkTags(fail, "tags", tags)])].sort();
}
