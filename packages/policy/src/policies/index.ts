import type { HearthPolicy } from "../definition.js";
import { approvalsPolicy } from "./approvals.js";
import { credentialIsolationPolicy } from "./credentialIsolation.js";
import { productionBackupsPolicy } from "./productionBackups.js";
import { noRootTokenPolicy } from "./noRootToken.js";
import { proxmoxTlsPolicy } from "./proxmoxTls.js";
import { riskClassesPolicy } from "./riskClasses.js";
import { secretsPolicy } from "./secrets.js";
import { spendCapsPolicy } from "./spendCaps.js";
import { worldOpenAdminPortsPolicy } from "./worldOpenAdminPorts.js";

/** Every policy in the Hearth pack, in the order they are reported. */
export const hearthPolicies: readonly HearthPolicy[] = [
  riskClassesPolicy,
  approvalsPolicy,
  credentialIsolationPolicy,
  proxmoxTlsPolicy,
  noRootTokenPolicy,
  worldOpenAdminPortsPolicy,
  productionBackupsPolicy,
  spendCapsPolicy,
  secretsPolicy,
];
