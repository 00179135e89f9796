// The public API of @hearth/core, listed by name: every name here is covered by semver and
// recorded in etc/core.api.md (docs/api.md). Helpers that only Hearth packages use live behind
// "@hearth/core/internal" (src/internal.ts), which is not covered by semver.

export { HearthValidationError, describeValue, failFor, type Fail } from "./errors.js";
export { checkArgs, checkBoolean, checkInt, checkList, checkNonEmpty, checkObject, checkOneOf, checkStringMap } from "./checks.js";
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
export { checkDiskGb, resolveVmSize, sizeLimits, vmSizes, type VmSize, type VmSizeName } from "./sizing.js";
export {
  actions,
  adminPorts,
  checkNoWorldOpenAdminPorts,
  describeAdminPort,
  directions,
  formatPortRange,
  isWorldOpen,
  mergePortRanges,
  normalizeRule,
  normalizeRules,
  parsePortSpec,
  protocols,
  rule,
  worldOpenAdminPorts,
  type Action,
  type AdminPort,
  type Direction,
  type Endpoint,
  type FirewallRule,
  type NormalizedRule,
  type PortRange,
  type PortSpec,
  type Protocol,
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
export { environmentSchema, environments, parseStackConfig, z, type Environment } from "./config.js";
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
