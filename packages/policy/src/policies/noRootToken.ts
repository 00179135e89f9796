import type { HearthPolicy } from "../definition.js";
import type { PolicyContext } from "../settings.js";
import { tokens } from "../tokens.js";
import type { ResourceView, Violation } from "../types.js";

/**
 * Who a Proxmox provider authenticates as, from its `apiToken` (`USER@REALM!TOKENID=SECRET`,
 * proxmox/pve-access-control src/PVE/AccessControl.pm `$token_full_regex`) or its `username`;
 * the secret part is never returned. undefined: neither is in the provider's config (the
 * provider then reads PROXMOX_VE_* variables, which a policy cannot see).
 */
export function proxmoxIdentity(props: Record<string, unknown>): { user: string; token?: string } | undefined {
  const apiToken = props.apiToken;
  if (typeof apiToken === "string" && apiToken !== "") {
    const m = /^([^\s!=]+)!([^\s=]+)=/.exec(apiToken);
    return m ? { user: m[1]!, token: m[2]! } : { user: "(an API token that is not USER@REALM!TOKENID=SECRET)" };
  }
  const username = props.username;
  if (typeof username === "string" && username !== "") return { user: username };
  return undefined;
}

/** root@pam, or its bare name as a username (the provider's username is `USER@REALM`; `root` alone is refused by it, but means root). */
const isRoot = (user: string): boolean => user === "root@pam" || user === "root";

/**
 * Pure check: in a stack declared production, no Proxmox provider authenticates as root@pam:
 * not root's password, not an API token of root@pam (root has every privilege whatever the
 * ACLs say: AccessControl.pm `roles` returns all privileges for root@pam, and a token of
 * root@pam without privilege separation is root).
 */
export function checkNoRootToken(resource: ResourceView, context: PolicyContext): Violation[] {
  if (resource.type !== tokens.proxmox.provider) return [];
  if (context.environment !== "production") return [];
  const who = proxmoxIdentity(resource.props);
  if (!who || !isRoot(who.user)) return [];
  const as = who.token !== undefined ? `an API token of root@pam (root@pam!${who.token})` : "root@pam's password";
  return [
    {
      message: `The Proxmox provider "${resource.name}" authenticates with ${as} in a production stack; root may do anything on every node. Give it a token with only what the stack needs: an AccessToken (purpose homeStackCi for stacks/home) created once by an administrator, then \`pulumi config set --secret proxmox:apiToken\` (docs/runbooks/rotate-ci-token.md).`,
    },
  ];
}

export const noRootTokenPolicy: HearthPolicy = {
  name: "hearth-no-root-token-in-production",
  displayName: "No root credentials in production",
  description:
    "A stack declared production must not run its Proxmox provider as root@pam (root's password or any API token of root@pam): every automation holds only the rights it needs, so production runs with a privilege-separated token such as an AccessToken made for the stack.",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediationSteps: "Create an AccessToken for the stack (stacks/home does: `ciApiToken`), store it with `pulumi config set --secret proxmox:apiToken`, and keep root's credentials out of the stack's config.",
  contextFields: ["environment"],
  validateResource: checkNoRootToken,
};
