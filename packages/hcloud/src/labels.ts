import * as pulumi from "@pulumi/pulumi";
import { checkLabels, hearthLabels, labelKeys, type Fail } from "@hearth/core";

/**
 * Labels for a Hetzner resource: the user's own (checked with Hetzner's label rules, no
 * `hearth/` keys) and Hearth's standard labels plus `hearth/stack`, Hearth's always winning.
 */
export function hcloudLabels(fail: Fail, component: string, user: unknown): Record<string, string> {
  const own = checkLabels(fail, "labels", user, "hcloud");
  return hearthLabels(component, { ...own, [labelKeys.stack]: pulumi.getStack() });
}
