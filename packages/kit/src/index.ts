export { checked, isPlain, redactSecret } from "./checked.js";
export { claimUniqueName, perProgram, providerScope } from "./registry.js";
export { cloudVmUserData, sortSshKeys, volumeMountCommands, type SortedSshKeys, type SshKeyRef, type VolumeMount } from "./cloudVm.js";
export type { Outputs } from "./outputs.js";
export { childOptions, composed, composedLabels, compositionOf, nameOwner, type Composition } from "./composition.js";
