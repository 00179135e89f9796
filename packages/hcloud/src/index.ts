// The public API of @hearth/hcloud, listed by name: every name here is covered by semver and
// recorded in etc/hcloud.api.md (docs/api.md). Helpers that other Hearth packages need live
// behind "@hearth/hcloud/internal" (src/internal.ts), which is not covered by semver.

export { HcloudLocation, HcloudNetworkZone, hcloudLocations, hcloudNetworkZones, type HcloudSize } from "./catalog.js";
export { Network, type NetworkArgs } from "./network.js";
export { FirewallGroup, type FirewallGroupArgs } from "./firewallGroup.js";
export { type HcloudFirewallRule } from "./rules.js";
export { VmFromTemplate, type VmFromTemplateArgs, type VmNetwork, type VmVolume } from "./vmFromTemplate.js";
export { PublicIp, type PublicIpArgs } from "./publicIp.js";
export { Volume, hcloudVolumeLimits, type VolumeArgs } from "./volume.js";
export { Snapshot, type SnapshotArgs } from "./snapshot.js";
