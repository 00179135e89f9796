/**
 * The property paths of the perpetual `disks[n].speed` diff, one per disk Hearth manages.
 *
 * `@muhlba91/pulumi-proxmoxve` 8.6.0 (bpg's provider v0.112 underneath) proposes adding
 * `disks[n].speed` (all limits 0) on every preview of a VM whose disks set no speed limits,
 * although nothing changes on Proxmox (muhlba91/pulumi-proxmoxve#664). Hearth's disks never
 * set speed limits, so without these paths in `ignoreChanges` a second `pulumi preview` is
 * never clean. Only the `speed` block of the disks Hearth writes is ignored: size, storage and
 * every other disk attribute still diff and update as usual.
 */
export function diskSpeedPaths(diskCount: number): string[] {
  return Array.from({ length: diskCount }, (_, i) => `disks[${i}].speed`);
}

/** The component's own `ignoreChanges` (forwarded to its VM) followed by the speed paths, without duplicates. */
export function withDiskSpeedIgnored(userIgnoreChanges: readonly string[] | undefined, diskCount: number): string[] {
  return [...new Set([...(userIgnoreChanges ?? []), ...diskSpeedPaths(diskCount)])];
}
