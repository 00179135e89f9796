import * as pulumi from "@pulumi/pulumi";
import { checkLabels, hearthLabels, labelKeys, labelsToTags, type Fail } from "@hearth/core";

const tagPattern = /^[A-Za-z0-9:_-]{1,255}$/;

/** Checks DigitalOcean tag names: letters, digits, ':', '-' and '_'. */
export function checkTags(fail: Fail, field: string, tags: readonly string[] | undefined): string[] {
  if (tags !== undefined && !Array.isArray(tags)) fail(field, tags, "use a list of tag names");
  (tags ?? []).forEach((tag, i) => {
    if (typeof tag !== "string" || !tagPattern.test(tag)) fail(`${field}[${i}]`, tag, "tags are 1-255 letters, digits, ':', '-' or '_'");
  });
  return [...(tags ?? [])];
}

/**
 * Tags for a DigitalOcean resource: Hearth's labels plus `hearth/stack` and the user's labels,
 * flattened with core labelsToTags (`hearth/role: ingress` -> `hearth-role-ingress`), then the
 * user's own tags. Sorted and de-duplicated so the same input gives the same list.
 */
export function doTags(fail: Fail, component: string, labels: Record<string, string> | undefined, tags: readonly string[] | undefined): string[] {
  const own = checkLabels(fail, "labels", labels ?? {});
  const flat = labelsToTags(hearthLabels(component, { [labelKeys.stack]: pulumi.getStack(), ...own }));
  return [...new Set([...flat, ...checkTags(fail, "tags", tags)])].sort();
}
