export { checked, isPlain, redactSecret } from "./checked.js";
export { claimUniqueName, perProgram, providerScope } from "./registry.js";
export { cloudVmUserData, sortSshKeys, type SortedSshKeys, type SshKeyRef } from "./cloudVm.js";
export type { Outputs } from "./outputs.js";
export { childOptions, composed, composedLabels, compositionOf, nameOwner, type Composition } from "./composition.js";
