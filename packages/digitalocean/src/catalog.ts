import { checkOneOf, resolveVmSize, vmSizes, type Fail, type VmSize, type VmSizeName } from "@hearth/core";

/**
 * DigitalOcean regions Hearth accepts. An `as const` object and a type of the same name, the
 * form a Pulumi package schema states as an enum (a plain union of strings it refuses).
 */
export const DoRegion = {
  nyc1: "nyc1",
  nyc3: "nyc3",
  sfo2: "sfo2",
  sfo3: "sfo3",
  ams3: "ams3",
  sgp1: "sgp1",
  lon1: "lon1",
  fra1: "fra1",
  tor1: "tor1",
  blr1: "blr1",
  syd1: "syd1",
  atl1: "atl1",
} as const;
export type DoRegion = (typeof DoRegion)[keyof typeof DoRegion];
export const doRegions: readonly DoRegion[] = Object.values(DoRegion);

/** Basic (shared CPU) droplet sizes, smallest first, used to map core sizes to a slug. */
export const doSizeTable: ReadonlyArray<{ readonly slug: string } & VmSize> = [
  { slug: "s-1vcpu-512mb-10gb", cores: 1, memoryMb: 512 },
  { slug: "s-1vcpu-1gb", cores: 1, memoryMb: 1024 },
  { slug: "s-1vcpu-2gb", cores: 1, memoryMb: 2048 },
  { slug: "s-2vcpu-2gb", cores: 2, memoryMb: 2048 },
  { slug: "s-2vcpu-4gb", cores: 2, memoryMb: 4096 },
  { slug: "s-4vcpu-8gb", cores: 4, memoryMb: 8192 },
  { slug: "s-8vcpu-16gb", cores: 8, memoryMb: 16384 },
];

/** Size slugs: s-1vcpu-1gb, c-2, g-2vcpu-8gb, so1_5-2vcpu-16gb, ... */
const slugPattern = /^[a-z][a-z0-9]*(_[0-9]+)?(-[a-z0-9.]+)+$/;

export function isDropletSize(value: string): boolean {
  return slugPattern.test(value);
}

/** Checks a region. */
export function checkRegion(fail: Fail, field: string, value: unknown): DoRegion {
  return checkOneOf(fail, field, value, doRegions);
}

/** Checks a droplet size slug such as s-1vcpu-1gb. */
export function checkDropletSize(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || !isDropletSize(value)) {
    fail(field, value, "use a DigitalOcean size slug such as s-1vcpu-1gb or s-2vcpu-4gb, or a core size (nano, small, medium, large, xlarge)");
  }
  return value as string;
}

/**
 * The smallest mapped basic droplet with at least these cores and this memory
 * ({@link doSizeTable}); a problem naming `field` when none is large enough.
 */
export function dropletSizeFor(fail: Fail, field: string, given: unknown, wanted: VmSize): string {
  const match = doSizeTable.find((t) => t.cores >= wanted.cores && t.memoryMb >= wanted.memoryMb);
  if (!match) {
    const largest = doSizeTable[doSizeTable.length - 1]!;
    fail(field, given, `the largest mapped size is ${largest.slug}; name a size slug such as c-16 in dropletSize`);
  }
  return match!.slug;
}

/** A size as GatewayNode takes it: a core size name, cores+memory, or a size slug. */
export type DoSize = VmSizeName | VmSize | string;

/**
 * Resolves a size to a slug: a slug passes through, a core size picks the smallest basic
 * droplet in {@link doSizeTable} with at least those cores and that memory.
 */
export function resolveDropletSize(fail: Fail, field: string, size: DoSize): string {
  if (typeof size === "string" && !(size in vmSizes)) return checkDropletSize(fail, field, size);
  const wanted = resolveVmSize(fail, field, size as VmSizeName | VmSize);
  const match = doSizeTable.find((t) => t.cores >= wanted.cores && t.memoryMb >= wanted.memoryMb);
  if (!match) {
    const largest = doSizeTable[doSizeTable.length - 1]!;
    fail(field, size, `the largest mapped size is ${largest.slug}; name a size slug such as c-16 directly`);
  }
  return match!.slug;
}
