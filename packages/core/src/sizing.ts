import { checkInt, checkOneOf } from "./checks.js";
import type { Fail } from "./errors.js";

/** CPU and memory of a VM, in the same words on every provider. */
export interface VmSize {
  /** Virtual CPU cores. */
  readonly cores: number;
  /** Memory in MiB. */
  readonly memoryMb: number;
}

/** Named sizes for home VMs. Cloud components map these to the nearest server type. */
export const vmSizes = {
  nano: { cores: 1, memoryMb: 512 },
  small: { cores: 1, memoryMb: 2048 },
  medium: { cores: 2, memoryMb: 4096 },
  large: { cores: 4, memoryMb: 8192 },
  xlarge: { cores: 8, memoryMb: 16384 },
} as const satisfies Record<string, VmSize>;

/**
 * The named sizes, as an `as const` object with a type of the same name: the form a Pulumi
 * package schema states as an enum (see firewall.ts).
 */
export const VmSizeName = { nano: "nano", small: "small", medium: "medium", large: "large", xlarge: "xlarge" } as const;
export type VmSizeName = (typeof VmSizeName)[keyof typeof VmSizeName];
// The names and the sizes stay one list (the analyzer reads only a bare `as const` object above).
const sameNames: [VmSizeName, keyof typeof vmSizes] extends [keyof typeof vmSizes, VmSizeName] ? true : never = true;
void sameNames;

/** Largest values Hearth accepts: a sanity bound against typos such as memoryMb: 40960000. */
export const sizeLimits = { cores: 512, memoryMb: 4 * 1024 * 1024, diskGb: 64 * 1024 } as const;

/** Resolves a named size or checks an explicit one. */
export function resolveVmSize(fail: Fail, field: string, size: VmSizeName | VmSize): VmSize {
  if (typeof size === "string") {
    return vmSizes[checkOneOf(fail, field, size, Object.keys(vmSizes) as VmSizeName[])];
  }
  return {
    cores: checkInt(fail, `${field}.cores`, size?.cores, 1, sizeLimits.cores),
    memoryMb: checkInt(fail, `${field}.memoryMb`, size?.memoryMb, 16, sizeLimits.memoryMb),
  };
}

/** Checks a disk size in GB. */
export function checkDiskGb(fail: Fail, field: string, value: unknown): number {
  return checkInt(fail, field, value, 1, sizeLimits.diskGb);
}
