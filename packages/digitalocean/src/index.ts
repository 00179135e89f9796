export * from "./catalog.js";
export * from "./rules.js";
export * from "./backups.js";
export * from "./labels.js";
export * from "./network.js";
export * from "./firewallGroup.js";
export * from "./vmFromTemplate.js";
export * from "./publicIp.js";
