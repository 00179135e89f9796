import { checkOneOf, resolveVmSize, vmSizes, type Fail, type VmSize, type VmSizeName } from "@hearth/core";

/**
 * Hetzner Cloud locations Hearth accepts. An `as const` object and a type of the same name, the
 * form a Pulumi package schema states as an enum (a plain union of strings it refuses).
 */
export const HcloudLocation = { fsn1: "fsn1", nbg1: "nbg1", hel1: "hel1", ash: "ash", hil: "hil", sin: "sin" } as const;
export type HcloudLocation = (typeof HcloudLocation)[keyof typeof HcloudLocation];
export const hcloudLocations: readonly HcloudLocation[] = Object.values(HcloudLocation);

/** Network zones (an enum in the package schema, like {@link HcloudLocation}). */
export const HcloudNetworkZone = { EuCentral: "eu-central", UsEast: "us-east", UsWest: "us-west", ApSoutheast: "ap-southeast" } as const;
export type HcloudNetworkZone = (typeof HcloudNetworkZone)[keyof typeof HcloudNetworkZone];
export const hcloudNetworkZones: readonly HcloudNetworkZone[] = Object.values(HcloudNetworkZone);

/** The zone each location belongs to. */
export const networkZoneOf: Record<HcloudLocation, HcloudNetworkZone> = {
  fsn1: "eu-central",
  nbg1: "eu-central",
  hel1: "eu-central",
  ash: "us-east",
  hil: "us-west",
  sin: "ap-southeast",
};

/**
 * Shared-vCPU Intel server types with their cores and memory, smallest first. Used to map a
 * core size (`"medium"`, `{ cores: 2, memoryMb: 4096 }`) to a server type. These are the types
 * Hetzner sells today: the Gen 2 CX types (cx22, cx32, ...) "are deprecated and will be removed
 * from the API at the end of the year" 2025 (hetznercloud/terraform-provider-hcloud commit
 * c9cdbb9c, which moved its docs to cx23), and the API no longer accepts them.
 */
export const hcloudSizeTable: ReadonlyArray<{ readonly type: string } & VmSize> = [
  { type: "cx23", cores: 2, memoryMb: 4096 },
  { type: "cx33", cores: 4, memoryMb: 8192 },
  { type: "cx43", cores: 8, memoryMb: 16384 },
];

/** Server type names: cx23, cpx22, cax21, ccx13 and their larger siblings. */
const serverTypePattern = /^(cx|cpx|cax|ccx)[1-9][0-9]{1,2}$/;

export function isServerType(value: string): boolean {
  return serverTypePattern.test(value);
}

/** Checks a location. */
export function checkLocation(fail: Fail, field: string, value: unknown): HcloudLocation {
  return checkOneOf(fail, field, value, hcloudLocations);
}

/** Checks a server type name such as cx23. */
export function checkServerType(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || !isServerType(value)) {
    fail(field, value, "use a Hetzner Cloud server type such as cx23, cpx22, cax11 or ccx13, or a core size (nano, small, medium, large, xlarge)");
  }
  return value as string;
}

/**
 * The smallest mapped server type with at least these cores and this memory
 * ({@link hcloudSizeTable}); a problem naming `field` when none is large enough.
 */
export function serverTypeFor(fail: Fail, field: string, given: unknown, wanted: VmSize): string {
  const match = hcloudSizeTable.find((t) => t.cores >= wanted.cores && t.memoryMb >= wanted.memoryMb);
  if (!match) {
    const largest = hcloudSizeTable[hcloudSizeTable.length - 1]!;
    fail(field, given, `the largest mapped type is ${largest.type} (${largest.cores} cores, ${largest.memoryMb} MiB); name a server type such as ccx63 in serverType`);
  }
  return match!.type;
}

/** A size as GatewayNode takes it: a core size name, cores+memory, or a server type. */
export type HcloudSize = VmSizeName | VmSize | string;

/**
 * Resolves a size to a server type: a server type passes through, a core size picks the
 * smallest type in {@link hcloudSizeTable} with at least those cores and that memory.
 */
export function resolveServerType(fail: Fail, field: string, size: HcloudSize): string {
  if (typeof size === "string" && !(size in vmSizes)) return checkServerType(fail, field, size);
  const wanted = resolveVmSize(fail, field, size as VmSizeName | VmSize);
  const match = hcloudSizeTable.find((t) => t.cores >= wanted.cores && t.memoryMb >= wanted.memoryMb);
  if (!match) {
    const largest = hcloudSizeTable[hcloudSizeTable.length - 1]!;
    fail(field, size, `the largest mapped type is ${largest.type} (${largest.cores} cores, ${largest.memoryMb} MiB); name a server type such as ccx63 directly`);
  }
  return match!.type;
}
