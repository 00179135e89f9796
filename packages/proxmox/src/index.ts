// The public API of @hearth/proxmox, listed by name: every name here is covered by semver and
// recorded in etc/proxmox.api.md (docs/api.md). Everything else in src/ is internal.

export { CloudImageTemplate, type CloudImageTemplateArgs, type CloudImageTemplateRef } from "./cloudImageTemplate.js";
export { Image, type ImageArgs } from "./image.js";
export { OciImage, type OciImageArgs } from "./ociImage.js";
export { VmFromIso, type VmFromIsoArgs } from "./vmFromIso.js";
export { ChecksumAlgorithm, ImageContent, ImageDecompression, checksumAlgorithms, imageContents, imageDecompressions } from "./imageFiles.js";
export {
  VmFromTemplate,
  NicModel,
  defaultClonesPerStorage,
  type TemplateRef,
  type VmBackupPolicy,
  type VmCloudInit,
  type VmDisk,
  type VmDns,
  type VmFromTemplateArgs,
  type VmNetwork,
  type VmVolume,
} from "./vmFromTemplate.js";
export { Volume, type VolumeArgs } from "./volume.js";
export { Container, type ContainerArgs, type ContainerFeatures, type ContainerMountPoint, type ContainerNetwork } from "./container.js";
export { Network, SdnZoneType, type BridgeNetwork, type DhcpRange, type NetworkArgs, type SdnNetwork, type VlanNetwork } from "./network.js";
export { FirewallGroup, type FirewallGroupArgs } from "./firewallGroup.js";
export { BackupJob, BackupCompression, BackupMode, backupCompressions, backupModes, defaultBackupStorage, type BackupJobArgs } from "./backupJob.js";
export { vmIdRange, type VmIdRange } from "./vmIds.js";
export { Pool, type PoolArgs } from "./pool.js";
export { AccessToken, type AccessTokenAcl, type AccessTokenArgs } from "./accessToken.js";
export { AccessPurpose, AccessScope, accessPresets, accessPurposes, accessScopes, scopePath, type AccessGrant } from "./accessPresets.js";
export { Storage, StorageContent, StorageType, type CifsStorage, type DirectoryStorage, type LvmThinStorage, type NfsStorage, type PbsStorage, type StorageArgs, type ZfsPoolStorage } from "./storage.js";
export { HighAvailability, HaGuestType, HaState, type HaNodePreference, type HighAvailabilityArgs } from "./highAvailability.js";
export { Replication, defaultReplicationSchedule, type ReplicationArgs } from "./replication.js";
