import { checkInt, type Fail } from "@hearth/core";
import { perProgram } from "./programScope.js";

/** Proxmox VM ids: 100 up to 999,999,999 (ids below 100 are reserved). */
export const vmIdRange = { min: 100, max: 999_999_999 } as const;

/**
 * Explicit VM ids claimed in this program. VM ids are unique across a Proxmox cluster, so two
 * components asking for the same id would fail half-way through `pulumi up`; the registry
 * makes that a validation error before anything is created.
 */
export class VmIdRegistry {
  private readonly owners = new Map<number, string>();

  /** Checks the id's range and claims it for `owner`; fails when another component holds it. */
  claim(fail: Fail, field: string, vmId: unknown, owner: string): number {
    const id = checkInt(fail, field, vmId, vmIdRange.min, vmIdRange.max);
    const holder = this.owners.get(id);
    if (holder !== undefined && holder !== owner) {
      fail(field, id, `VM id ${id} is already used by ${holder} in this program; give every VM and template its own id`);
    }
    this.owners.set(id, owner);
    return id;
  }

  /** Forgets every claim (for tests that build several programs in one process). */
  clear(): void {
    this.owners.clear();
  }
}

/** The registry every component of the running program shares. */
export const vmIdRegistry = perProgram(() => new VmIdRegistry());
