/**
 * The contract every provider package implements, stated once and free of Pulumi: per concept
 * (VM, network, firewall group, backup, volume) the common args and outputs and the validators that
 * return every problem. See docs/contract.md.
 */
export { validateBackupPolicy, type BackupPolicy } from "./backup.js";
export { validateFirewallRules, type FirewallGroupArgs, type FirewallGroupOutputs } from "./firewallGroup.js";
export type { NetworkOutputs } from "./network.js";
export { validateVmArgs, vmResources, type VmArgs, type VmCloudInit, type VmNetworkAttachment, type VmOutputs } from "./vm.js";
export { validateVmVolumes, validateVolumeArgs, VolumeFilesystem, type VmVolumeAttachment, type VolumeArgs, type VolumeOutputs } from "./volume.js";
export type { ArgsConform } from "./conformance.js";
