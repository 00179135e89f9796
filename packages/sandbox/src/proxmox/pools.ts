import { type Router } from "../router.js";
import type { PveContext } from "./context.js";
import { str } from "./props.js";

/** Resource pools (pve-access-control PVE/API2/Pool.pm). */
export function registerPools(r: Router, c: PveContext): void {
  const { pve, fail, ok, vmResource } = c;
  r.get("/pools", () => ok(Object.values(pve.pools)));
  r.post("/pools", (q) => {
    const poolid = str(q.body.poolid) ?? fail(400, "Parameter verification failed.", { poolid: "property is missing and it is not optional" });
    if (pve.pools[poolid]) fail(500, `pool '${poolid}' already exists`);
    pve.pools[poolid] = { poolid, ...(q.body.comment ? { comment: String(q.body.comment) } : {}) };
    return ok();
  });
  r.get("/pools/:poolid", (q) => {
    const pool = pve.pools[q.params.poolid!] ?? fail(500, `pool '${q.params.poolid}' does not exist`);
    const members = Object.values(pve.vms).filter((vm) => vm.config.pool === pool.poolid).map(vmResource);
    return ok({ ...pool, members });
  });
  r.delete("/pools/:poolid", (q) => {
    if (!pve.pools[q.params.poolid!]) fail(500, `pool '${q.params.poolid}' does not exist`);
    delete pve.pools[q.params.poolid!];
    return ok();
  });
}
