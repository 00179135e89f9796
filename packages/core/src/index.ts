// The public API of @hearth/core, listed by name: every name here is covered by semver and
// recorded in etc/core.api.md (docs/api.md). Helpers that only Hearth packages use live behind
// "@hearth/core/internal" (src/internal.ts), which is not covered by semver.

export { HearthValidationError, Problems, describeValue, failFor, type Fail, type Problem } from "./errors.js";
export { checkArgs, checkBoolean, checkInt, checkList, checkNonEmpty, checkObject, checkOneOf, checkStringMap, isUnresolved } from "./checks.js";
export { isWholeNumber } from "./numbers.js";
export {
  checkCidr,
  checkIpAddress,
  cidrContains,
  cidrsOverlap,
  coveredAddressSpaces,
  coversWholeInternet,
  isCidr,
  isIpAddress,
  isWorldCidr,
  networkOf,
  parseCidr,
  parseIp,
  rfc1918Ranges,
  type Cidr,
  type CidrRules,
  type IpAddress,
  type IpFamily,
} from "./address.js";
export { checkVlanTag } from "./network.js";
export {
  checkHostname,
  checkLabels,
  checkTags,
  hearthLabelPrefix,
  hearthLabels,
  isHostname,
  labelKeys,
  labelsToTags,
  tagRules,
  type LabelTarget,
} from "./naming.js";
export { VmSizeName, checkDiskGb, resolveVmSize, sizeLimits, vmSizes, type VmSize } from "./sizing.js";
export {
  Action,
  Direction,
  Protocol,
  actions,
  adminPorts,
  checkNoWorldOpenAdminPorts,
  describeAdminPort,
  directions,
  formatPortRange,
  isIpSetReference,
  isWorldOpen,
  mergePortRanges,
  normalizeRule,
  normalizeRules,
  parsePort,
  parsePortRange,
  protocols,
  rule,
  worldOpenAdminPorts,
  type AdminPort,
  type Endpoint,
  type FirewallRule,
  type NormalizedRule,
  type PortRange,
  type RuleShorthand,
} from "./firewall.js";
export {
  checkCalendarEvent,
  checkRetention,
  maxCalendarEventLength,
  nextCalendarEventDate,
  parseCalendarEvent,
  retentionKeys,
  retentionToPruneMap,
  weekdayNames,
  type CalendarEvent,
  type Retention,
  type Weekday,
} from "./backup.js";
export {
  appendRuncmd,
  checkCloudConfig,
  checkSshKeys,
  checkUserDataSize,
  checkUserName,
  isSshPublicKey,
  renderCloudConfig,
  userDataLimits,
  type CloudConfig,
  type CloudInitFile,
  type CloudInitUser,
} from "./cloudinit.js";
export { environments, type Environment } from "./environment.js";
export {
  cloudNames,
  gatewayRoles,
  gatewayStates,
  type CloudName,
  type GatewayEntry,
  type GatewayPort,
  type GatewayRole,
  type GatewayState,
} from "./gateway.js";
// The contract every provider package implements (docs/contract.md).
export {
  validateBackupPolicy,
  validateFirewallRules,
  validateVmArgs,
  validateVmVolumes,
  validateVolumeArgs,
  vmResources,
  VolumeFilesystem,
  type ArgsConform,
  type BackupPolicy,
  type FirewallGroupArgs,
  type FirewallGroupOutputs,
  type NetworkOutputs,
  type VmArgs,
  type VmCloudInit,
  type VmNetworkAttachment,
  type VmOutputs,
  type VmVolumeAttachment,
  type VolumeArgs,
  type VolumeOutputs,
} from "./contract/index.js";
