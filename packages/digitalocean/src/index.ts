// The public API of @hearth/digitalocean, listed by name: every name here is covered by semver
// and recorded in etc/digitalocean.api.md (docs/api.md). Helpers that other Hearth packages need
// live behind "@hearth/digitalocean/internal" (src/internal.ts), which is not covered by semver.

export { DoRegion, doRegions, type DoSize } from "./catalog.js";
export { doBackupHours, doBackupPlans, doWeekdays, type DoBackupSchedule, type DoWeekday } from "./backups.js";
export { Network, type NetworkArgs } from "./network.js";
export { FirewallGroup, type FirewallGroupArgs } from "./firewallGroup.js";
export { type DoInboundRule, type DoOutboundRule, type DoRules } from "./rules.js";
export { VmFromTemplate, type VmFromTemplateArgs, type VmNetwork, type VmVolume } from "./vmFromTemplate.js";
export { PublicIp, type PublicIpArgs } from "./publicIp.js";
export { Volume, doVolumeLimits, type VolumeArgs } from "./volume.js";
export { VolumeSnapshot, type VolumeSnapshotArgs } from "./volumeSnapshot.js";
