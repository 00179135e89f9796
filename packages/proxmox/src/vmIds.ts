import { checkInt, type Fail } from "@hearth/core";
import { perProgram } from "@hearth/kit";

/** Proxmox VM ids: 100 up to 999,999,999 (ids below 100 are reserved). */
export const vmIdRange = { min: 100, max: 999_999_999 } as const;

/** A block of VM ids a stack draws from, both ends included (`{ from: 20000, to: 20999 }`). */
export interface VmIdRange {
  readonly from: number;
  readonly to: number;
}

/** Checks a VM id range: whole numbers, inside Proxmox's ids, `from` not above `to`. */
export function checkVmIdRange(fail: Fail, field: string, range: unknown): VmIdRange {
  if (range === null || typeof range !== "object" || Array.isArray(range)) {
    fail(field, range, "give a block of VM ids such as { from: 20000, to: 20999 }, one block per stack");
  }
  const { from, to } = range as Partial<VmIdRange>;
  checkInt(fail, `${field}.from`, from, vmIdRange.min, vmIdRange.max);
  checkInt(fail, `${field}.to`, to, vmIdRange.min, vmIdRange.max);
  if ((from as number) > (to as number)) fail(field, range, `from ${from} is above to ${to}; give from <= to`);
  return { from: from as number, to: to as number };
}

/** 32-bit FNV-1a of a string's UTF-16 code units: small, stable across runs and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The id a VM named `name` is given from `range` when no other VM of the program holds it. */
export function homeSlot(name: string, range: VmIdRange): number {
  return range.from + (fnv1a(name) % (range.to - range.from + 1));
}

/**
 * VM ids claimed in this program, explicit or assigned from a range. VM ids are unique across
 * a Proxmox cluster, so two components asking for the same id would fail half-way through
 * `pulumi up`; the registry makes that a validation error before anything is created, and
 * assigns ids from a stack's range that no other VM of the program holds.
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

  /**
   * Assigns `owner` (a VM named `name`) an id from `range`: its home slot (a hash of the name,
   * so the id depends on the name and not on the order of the program), or, when another VM of
   * this program holds that, the next free id above it, wrapping inside the range. Fails when
   * every id of the range is held.
   */
  assign(fail: Fail, field: string, range: VmIdRange, name: string, owner: string): number {
    const size = range.to - range.from + 1;
    const home = homeSlot(name, range) - range.from;
    for (let step = 0; step < size; step++) {
      const id = range.from + ((home + step) % size);
      const holder = this.owners.get(id);
      if (holder === undefined || holder === owner) {
        this.owners.set(id, owner);
        return id;
      }
    }
    return fail(field, range, `every id from ${range.from} to ${range.to} is already used in this program; widen the range or give some VMs an explicit vmId`);
  }

  /** Forgets every claim (for tests that build several programs in one process). */
  clear(): void {
    this.owners.clear();
  }
}

/** The registry every component of the running program shares. */
export const vmIdRegistry = perProgram(() => new VmIdRegistry());
