// The public API of @hearth/policy, listed by name: the pure parts of the Hearth policy pack
// (importing this never starts a policy pack; the pack itself is src/pack.ts, built to
// dist/pack.cjs and run by `pulumi preview --policy-pack`). Every name here is covered by semver
// and recorded in etc/policy.api.md (docs/api.md). Everything else in src/ is internal.

export {
  UNKNOWN,
  changeKinds,
  enforcementLevels,
  riskClasses,
  sites,
  type ChangeKind,
  type EnforcementLevel,
  type Environment,
  type ProviderView,
  type ResourceView,
  type RiskClass,
  type Site,
  type Unknown,
  type Violation,
} from "./types.js";
export { tokens } from "./tokens.js";
export { type HearthPolicy } from "./definition.js";
export {
  buildPolicyConfig,
  readContext,
  type ConfigKeyInfo,
  type ContextField,
  type PolicyContext,
  type SpendCaps,
  type StackPolicySettings,
} from "./settings.js";
export { classifyChange, riskMatrix, type ChangeFacts, type Classification, type RiskCategory, type RiskMatrixRow } from "./risk.js";
export { findApproval, parseApprovals, urnMatches, type Approval, type ApprovalTarget, type ParsedApprovals } from "./approvals.js";
export { baselineFromStackExport, inferChange, type Baseline, type BaselineResource, type InferredChange } from "./baseline.js";
export { hearthPolicies } from "./policies/index.js";
export { approvalsPolicy } from "./policies/approvals.js";
export { checkCredentialIsolation, credentialIsolationPolicy } from "./policies/credentialIsolation.js";
export { checkProductionBackups, productionBackupsPolicy } from "./policies/productionBackups.js";
export { checkProxmoxTls, proxmoxTlsPolicy } from "./policies/proxmoxTls.js";
export { checkNoRootToken, noRootTokenPolicy, proxmoxIdentity } from "./policies/noRootToken.js";
export { riskClassesPolicy, type PlannedChange } from "./policies/riskClasses.js";
export { checkSecrets, secretsPolicy } from "./policies/secrets.js";
export { checkCounts, checkServerType, spendCapsPolicy } from "./policies/spendCaps.js";
export { checkWorldOpenAdminPorts, worldOpenAdminPortsPolicy } from "./policies/worldOpenAdminPorts.js";
