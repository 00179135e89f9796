import { isoNow } from "../router.js";
import { REGION_SLUGS, regionOf } from "./catalog.js";
import type { DoKit, Obj } from "./context.js";
import { fail, notFound, unprocessable, uuidFrom } from "./errors.js";

/** The region's default VPC, made on first use as DigitalOcean does for a droplet without `vpc_uuid`. */
export function defaultVpc(kit: DoKit, regionSlug: string): Obj {
  const existing = Object.values(kit.vpcs).find((v) => v.region === regionSlug && v.default === true);
  if (existing) return existing;
  const id = uuidFrom(kit.store.nextId());
  const vpc: Obj = { id, urn: `do:vpc:${id}`, name: `default-${regionSlug}`, description: "", region: regionSlug, ip_range: `10.${100 + REGION_SLUGS.indexOf(regionSlug as (typeof REGION_SLUGS)[number])}.0.0/20`, default: true, created_at: isoNow() };
  kit.vpcs[id] = vpc;
  return vpc;
}

/**
 * `DELETE /v2/vpcs/{vpc_id}` (../shared/specs/digitalocean-openapi.json): "The default VPC for a
 * region can not be deleted. Additionally, a VPC can only be deleted if it does not contain any
 * member resources. Attempting to delete a region's default VPC or a VPC that still has members
 * will result in a 403 Forbidden error response."
 */
export function vpcDeleteProblem(vpc: Obj, memberCount: number): string | undefined {
  if (vpc.default === true) return "Can not delete the default VPC of a region";
  if (memberCount > 0) return `Can not delete a VPC with members (${memberCount})`;
  return undefined;
}

export function registerVpcs(kit: DoKit): void {
  const { r, ok, list, store } = kit;
  const getVpc = (id: string | undefined): Obj => kit.vpcs[id!] ?? notFound();
  const members = (vpc: Obj) => Object.values(kit.droplets).filter((dr) => dr.vpc_uuid === vpc.id);
  r.get("/vpcs", (q) => list(q, "vpcs", Object.values(kit.vpcs)));
  r.post("/vpcs", (q) => {
    const name = typeof q.body.name === "string" && q.body.name ? q.body.name : unprocessable("name is required");
    const regionSlug = regionOf(q.body.region);
    if (Object.values(kit.vpcs).some((v) => v.name === name)) unprocessable("A VPC with this name already exists");
    const n = store.nextId();
    const id = uuidFrom(n);
    const ipRange = typeof q.body.ip_range === "string" ? q.body.ip_range : `10.${(n >> 4) & 0xff}.${(n & 0xf) * 16}.0/20`;
    if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(ipRange)) unprocessable("ip_range is invalid");
    const vpc: Obj = { id, urn: `do:vpc:${id}`, name, description: q.body.description ?? "", region: regionSlug, ip_range: ipRange, default: false, created_at: isoNow() };
    kit.vpcs[id] = vpc;
    store.changed();
    return ok({ vpc }, 201);
  });
  r.get("/vpcs/:id", (q) => ok({ vpc: getVpc(q.params.id) }));
  const updateVpc = (q: Parameters<Parameters<typeof r.put>[1]>[0]) => {
    const vpc = getVpc(q.params.id);
    if (typeof q.body.name === "string") vpc.name = q.body.name;
    if (typeof q.body.description === "string") vpc.description = q.body.description;
    if (q.body.default === true) {
      for (const other of Object.values(kit.vpcs)) if (other.region === vpc.region) other.default = false;
      vpc.default = true;
    }
    store.changed();
    return ok({ vpc });
  };
  r.put("/vpcs/:id", updateVpc);
  r.patch("/vpcs/:id", updateVpc);
  r.get("/vpcs/:id/members", (q) => list(q, "members", members(getVpc(q.params.id)).map((dr) => ({ urn: `do:droplet:${dr.id}`, name: dr.name, created_at: dr.created_at }))));
  r.delete("/vpcs/:id", (q) => {
    const vpc = getVpc(q.params.id);
    const problem = vpcDeleteProblem(vpc, members(vpc).length);
    if (problem) fail(403, "forbidden", problem);
    delete kit.vpcs[vpc.id as string];
    store.changed();
    return { status: 204 };
  });
}
