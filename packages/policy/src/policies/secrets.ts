import type { HearthPolicy } from "../definition.js";
import type { PolicyContext } from "../settings.js";
import type { ResourceView, Violation } from "../types.js";

/**
 * Pure check: credential-named stack config keys are secrets, and the previous state holds no
 * credential in plain text. What it cannot see: @pulumi/policy 1.21 unwraps secrets before calling
 * a policy, so the proposed values of this run carry no secret flag. The provider SDKs wrap their
 * own token/password inputs in pulumi.secret, so the remaining risks are plain config values and
 * plain values in state; both are checked here from the generated config (see hearth-policy-config).
 */
export function checkSecrets(resources: readonly ResourceView[], context: PolicyContext): Violation[] {
  const v: Violation[] = [];
  for (const k of context.configKeys ?? []) {
    if (!k.secret) v.push({ message: `Stack config key ${k.key} holds a credential in plain text; set it with \`pulumi config set --secret ${k.key}\` and rotate the old value.` });
  }
  const present = new Set(resources.map((r) => r.urn));
  for (const r of context.baseline?.resources ?? []) {
    if (!r.plaintextCredentials?.length) continue;
    v.push({
      ...(present.has(r.urn) ? { urn: r.urn } : {}),
      message: `${r.type} stores ${r.plaintextCredentials.join(", ")} in plain text in the stack's state; pass it as a secret (pulumi.secret or config --secret) and rotate it.`,
    });
  }
  if (!context.configKeys && !context.baseline) {
    v.push({ message: "The pack was given neither stack config keys nor a baseline, so it cannot check that credentials are secret; generate the policy config with hearth-policy-config --config and --state." });
  }
  return v;
}

export const secretsPolicy: HearthPolicy = {
  name: "hearth-secrets",
  displayName: "Credentials are secrets",
  description:
    "Provider tokens, passwords, private keys and signing keys must be secret values: a credential-named stack config key set without --secret, or a credential stored in plain text in the stack's state, is refused.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps: "Re-set the value with `pulumi config set --secret`, or wrap it in pulumi.secret in the program; then rotate the exposed credential.",
  contextFields: ["configKeys", "baseline"],
  validateStack: checkSecrets,
};
