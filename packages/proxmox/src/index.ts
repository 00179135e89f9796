export * from "./cloudImageTemplate.js";
export * from "./vmFromTemplate.js";
export * from "./network.js";
export * from "./firewallGroup.js";
export * from "./backupPolicy.js";
export { CloneQueue, templateQueueKey } from "./cloneQueue.js";
export { toProxmoxRule, toProxmoxRules, checkSecurityGroupName, securityGroupNamePattern, type ProxmoxRule } from "./rules.js";
export { vmIdRange } from "./vmIds.js";
