// The public API of @hearth/proxmox, listed by name: every name here is covered by semver and
// recorded in etc/proxmox.api.md (docs/api.md). Everything else in src/ is internal.

export { CloudImageTemplate, checksumAlgorithms, type ChecksumAlgorithm, type CloudImageTemplateArgs, type TemplateRef } from "./cloudImageTemplate.js";
export {
  VmFromTemplate,
  defaultClonesPerStorage,
  type StaticIpv4,
  type VmCloudInit,
  type VmDisk,
  type VmFromTemplateArgs,
  type VmNic,
} from "./vmFromTemplate.js";
export { Network, type BridgeNetwork, type NetworkArgs, type SdnNetwork, type VlanNetwork } from "./network.js";
export { FirewallGroup, type FirewallGroupArgs } from "./firewallGroup.js";
export { BackupPolicy, backupCompressions, backupModes, type BackupPolicyArgs } from "./backupPolicy.js";
export { vmIdRange, type VmIdRange } from "./vmIds.js";
export { type CloneBound } from "./cloneQueue.js";
