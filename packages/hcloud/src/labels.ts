import * as pulumi from "@pulumi/pulumi";
import { checkLabels, hearthLabels, labelKeys, type Fail } from "@hearth/core";

/**
 * Labels for a Hetzner resource: Hearth's standard labels plus `hearth/stack`, under the
 * user's own (checked) labels.
 */
export function hcloudLabels(fail: Fail, component: string, user: Record<string, string> | undefined): Record<string, string> {
  const own = checkLabels(fail, "labels", user ?? {});
  return hearthLabels(component, { [labelKeys.stack]: pulumi.getStack(), ...own });
}
