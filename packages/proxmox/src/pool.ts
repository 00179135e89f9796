import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "@hearth/core";
import { claimUniqueName, providerScope } from "@hearth/kit";
import { checkPveComment, checkPveValue } from "./pveFormats.js";

export interface PoolArgs {
  /**
   * The pool id: letters, digits, '.', '-' or '_'; `parent/child` for a nested pool (its parent
   * must exist). Pool ids are cluster-wide.
   * @default the component name
   */
  readonly poolId?: string;
  /** A one-line description shown in the Proxmox UI. @default none */
  readonly comment?: string;
}

/**
 * A Proxmox resource pool. Give its `poolId` to VmFromTemplate, Container and CloudImageTemplate
 * as `pool` to put guests in it, to BackupJob to back it up, and to AccessToken to scope a token
 * to it: an ACL on `/pool/<id>` reaches every guest and storage in the pool
 * (proxmox/pve-access-control src/PVE/RPCEnvironment.pm `compile_acl_path`). Proxmox deletes only
 * an empty pool (proxmox/pve-manager PVE/API2/Pool.pm `delete_pool`), so destroy its guests first:
 * they depend on the poolId output, and the engine does that for guests of the same stack.
 *
 * Children: `${name}` (PoolLegacy).
 */
export class Pool extends pulumi.ComponentResource {
  /** The pool id, known once the pool exists (guests that take it wait for the pool). */
  readonly poolId: pulumi.Output<string>;

  constructor(name: string, args: PoolArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const problems = new Problems(`Pool "${name}"`);
    if (args === null || typeof args !== "object") problems.fail("(args)", args, "give { poolId?, comment? }");
    const a = args ?? {};
    const field = a.poolId === undefined ? "name" : "poolId";
    const poolId = problems.check((fail) => checkPveValue(fail, field, a.poolId ?? name, "pool"));
    // user.cfg keeps a pool as one `pool:<id>:<comment>:...` line (AccessControl.pm `write_user_config`).
    if (a.comment !== undefined) problems.check((fail) => checkPveComment(fail, "comment", a.comment));
    if (poolId !== undefined) problems.check((fail) => claimUniqueName(fail, field, "Proxmox pool id", providerScope(opts, "proxmoxve"), poolId, `Pool "${name}"`));
    problems.throwIfAny();
    super("hearth:proxmox:Pool", name, {}, opts);

    const pool = new proxmoxve.PoolLegacy(name, { poolId: poolId!, ...(a.comment === undefined ? {} : { comment: a.comment }) }, { parent: this });
    this.poolId = pool.poolId;
    this.registerOutputs({ poolId: this.poolId });
  }
}
