export * from "./cloudImageTemplate.js";
export * from "./vmFromTemplate.js";
export * from "./network.js";
export * from "./firewallGroup.js";
export * from "./backupJob.js";
export { CloneQueue, storageQueueKey, type CloneBound } from "./cloneQueue.js";
export { toProxmoxRule, toProxmoxRules, checkSecurityGroupName, securityGroupNamePattern, type ProxmoxRule } from "./rules.js";
export { vmIdRange, homeSlot, type VmIdRange } from "./vmIds.js";
