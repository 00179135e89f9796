import { isoNow, sleep } from "../router.js";
import { actionView } from "./actions.js";
import { backupPolicyFrom } from "./backups.js";
import { IMAGES, SIZES, imageView, regionOf, regionView, sizeView } from "./catalog.js";
import type { DoKit, DropletRecord, Obj } from "./context.js";
import { notFound, unprocessable } from "./errors.js";
import { ensureTag } from "./tags.js";
import { detachVolumesOfDroplet } from "./volumes.js";
import { defaultVpc } from "./vpcs.js";

const ipv4Of = (id: number): string => `198.19.${(id >> 8) & 0xff}.${id & 0xff}`;
const ipToInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);

/**
 * "If a Droplet action is uncompleted it may block the creation of a subsequent action for that
 * Droplet, the locked attribute of the Droplet will be true and attempts to create a Droplet
 * action will fail with a status of 422" (../shared/specs/digitalocean-openapi.json, the "Droplet
 * Actions" tag). The body's message is "Droplet already has a pending event." (the string
 * terraform-provider-digitalocean digitalocean/volume/resource_volume_attachment.go matches).
 */
export const PENDING_EVENT = "Droplet already has a pending event.";
export const refuseIfPending = (kit: DoKit, dropletId: number): void => {
  if (kit.pendingOn(dropletId)) unprocessable(PENDING_EVENT);
};

export function registerDroplets(kit: DoKit): void {
  const { r, ok, list, store, timing, faults } = kit;
  const getDroplet = (id: string | undefined): DropletRecord => kit.droplets[id!] ?? notFound();
  const view = (dr: DropletRecord): Obj => {
    const policy = kit.backupPolicies[dr.id];
    const backups = policy?.backup_enabled === true;
    return { ...dr, locked: kit.pendingOn(dr.id) !== undefined, backup_ids: [], next_backup_window: backups ? { start: isoNow(), end: isoNow() } : null, features: [...dr.features, ...(backups ? ["backups"] : [])] };
  };

  r.get("/droplets", (q) => {
    const tag = q.query.get("tag_name");
    const name = q.query.get("name");
    return list(q, "droplets", Object.values(kit.droplets).filter((dr) => (!tag || dr.tags.includes(tag)) && (!name || dr.name === name)).map(view));
  });
  r.post("/droplets", (q) => {
    if (Array.isArray(q.body.names)) unprocessable("creating several droplets at once is not emulated; send one name");
    const name = typeof q.body.name === "string" && q.body.name ? q.body.name : unprocessable("Name is required");
    if (!/^[a-zA-Z0-9.-]+$/.test(name)) unprocessable("Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)");
    const regionSlug = regionOf(q.body.region);
    const size = SIZES.find((s) => s.slug === q.body.size) ?? unprocessable("Size is not available in this region.");
    const img = IMAGES.find((i) => i.slug === q.body.image || String(i.id) === String(q.body.image)) ?? unprocessable("You specified an invalid image for Droplet creation.");
    const keys = Array.isArray(q.body.ssh_keys) ? (q.body.ssh_keys as unknown[]) : [];
    for (const k of keys) if (!Object.values(kit.sshKeys).some((key) => String(key.id) === String(k) || key.fingerprint === k)) unprocessable(`ssh_keys ${String(k)} are invalid`);
    let vpcUuid: string;
    if (typeof q.body.vpc_uuid === "string" && q.body.vpc_uuid) {
      const vpc = kit.vpcs[q.body.vpc_uuid] ?? unprocessable("vpc_uuid is invalid");
      if (vpc.region !== regionSlug) unprocessable("VPC must be in the same region as the Droplet");
      vpcUuid = vpc.id as string;
    } else vpcUuid = defaultVpc(kit, regionSlug).id as string;
    const policy = q.body.backups === true ? backupPolicyFrom(q.body.backup_policy) : undefined;
    // `tags`: "Tag names can either be existing or new tags" (`POST /v2/droplets`).
    const tags = Array.isArray(q.body.tags) ? (q.body.tags as string[]) : [];
    for (const t of tags) ensureTag(kit, t, true);
    const id = store.nextId();
    const droplet: DropletRecord = {
      id,
      name,
      memory: size.memory,
      vcpus: size.vcpus,
      disk: size.disk,
      locked: false,
      status: "new",
      kernel: null,
      created_at: isoNow(),
      features: ["droplet_agent", "private_networking", ...(q.body.ipv6 === true ? ["ipv6"] : []), ...(q.body.monitoring === true ? ["monitoring"] : [])],
      snapshot_ids: [],
      image: imageView(img),
      volume_ids: [],
      size: sizeView(size),
      size_slug: size.slug,
      networks: { v4: [], v6: [] },
      region: regionView(regionSlug) as DropletRecord["region"],
      tags: [...new Set(tags)],
      vpc_uuid: vpcUuid,
    };
    kit.droplets[id] = droplet;
    if (policy) kit.backupPolicies[id] = { droplet_id: id, backup_enabled: true, backup_policy: policy };
    store.changed();
    // The create event lasts until the droplet is active.
    const action = kit.newAction("create", id, "droplet", regionSlug, undefined, timing.bootMs);
    void sleep(timing.bootMs + faults.slowMs).then(() => {
      if (!kit.droplets[id]) return;
      const vpc = kit.vpcs[vpcUuid];
      const privateBase = vpc ? ipToInt(String(vpc.ip_range).split("/")[0]!) : ipToInt("10.110.0.0");
      const priv = privateBase + 2 + (id % 4000);
      droplet.networks = {
        v4: [
          { ip_address: ipv4Of(id), netmask: "255.255.240.0", gateway: ipv4Of(id).replace(/\.\d+$/, ".1"), type: "public" },
          { ip_address: [24, 16, 8, 0].map((s) => Math.floor(priv / 2 ** s) % 256).join("."), netmask: "255.255.240.0", gateway: "", type: "private" },
        ],
        v6: q.body.ipv6 === true ? [{ ip_address: `2001:db8:${(id % 0xffff).toString(16)}::1`, netmask: 64, gateway: `2001:db8:${(id % 0xffff).toString(16)}::ffff`, type: "public" }] : [],
      };
      droplet.status = "active";
      store.changed();
    });
    return ok({ droplet: view(droplet), links: { actions: [{ id: action.id, rel: "create", href: kit.url(q, `/v2/actions/${action.id}`) }] } }, 202);
  });
  r.get("/droplets/:id", (q) => ok({ droplet: view(getDroplet(q.params.id)) }));
  r.delete("/droplets/:id", (q) => {
    const dr = getDroplet(q.params.id);
    delete kit.droplets[dr.id];
    delete kit.backupPolicies[dr.id];
    for (const ip of Object.values(kit.reservedIps)) if ((ip.droplet as Obj | null)?.id === dr.id) ip.droplet = null;
    for (const fw of Object.values(kit.firewalls)) fw.droplet_ids = (fw.droplet_ids as number[]).filter((x) => x !== dr.id);
    detachVolumesOfDroplet(kit, dr.id);
    store.changed();
    return { status: 204 };
  });
  r.get("/droplets/:id/backups/policy", (q) => {
    const dr = getDroplet(q.params.id);
    const policy = kit.backupPolicies[dr.id] ?? { droplet_id: dr.id, backup_enabled: false };
    return ok({ policy: { ...policy, ...(policy.backup_enabled ? { next_backup_window: { start: isoNow(), end: isoNow() } } : {}) } });
  });
  r.get("/droplets/:id/backups", (q) => {
    getDroplet(q.params.id);
    return list(q, "backups", []);
  });
  r.get("/droplets/:id/actions", (q) => {
    const dr = getDroplet(q.params.id);
    return list(q, "actions", Object.values(kit.actions).filter((a) => a.resource_type === "droplet" && a.resource_id === dr.id).map(actionView), `droplets/${dr.id}/actions`);
  });
  r.get("/droplets/:id/actions/:action", (q) => {
    const a = kit.actions[q.params.action!];
    if (!a || String(a.resource_id) !== q.params.id) return notFound();
    return ok({ action: actionView(a) });
  });
  r.post("/droplets/:id/actions", (q) => {
    const dr = getDroplet(q.params.id);
    refuseIfPending(kit, dr.id);
    const type = String(q.body.type);
    let done: (() => void) | undefined;
    switch (type) {
      case "power_on":
      case "reboot":
      case "power_cycle":
        done = () => void (dr.status = "active");
        break;
      case "power_off":
      case "shutdown":
        done = () => void (dr.status = "off");
        break;
      case "enable_backups":
      case "change_backup_policy":
        kit.backupPolicies[dr.id] = { droplet_id: dr.id, backup_enabled: true, backup_policy: backupPolicyFrom(q.body.backup_policy) };
        break;
      case "disable_backups":
        kit.backupPolicies[dr.id] = { droplet_id: dr.id, backup_enabled: false };
        break;
      case "rename":
        dr.name = typeof q.body.name === "string" ? q.body.name : unprocessable("name is required");
        break;
      case "resize": {
        if (dr.status !== "off") unprocessable("Droplet must be powered off to resize");
        const size = SIZES.find((s) => s.slug === q.body.size) ?? unprocessable("Size is not available in this region.");
        Object.assign(dr, { size: sizeView(size), size_slug: size.slug, memory: size.memory, vcpus: size.vcpus, ...(q.body.disk === true ? { disk: size.disk } : {}) });
        break;
      }
      case "rebuild":
        dr.image = imageView(IMAGES.find((i) => i.slug === q.body.image || String(i.id) === String(q.body.image)) ?? unprocessable("You specified an invalid image."));
        break;
      case "enable_ipv6":
        if (!dr.features.includes("ipv6")) dr.features.push("ipv6");
        break;
      case "enable_private_networking":
        break;
      default:
        unprocessable(`action type '${type}' is not emulated`);
    }
    store.changed();
    return ok({ action: actionView(kit.newAction(type, dr.id, "droplet", dr.region.slug, done)) }, 201);
  });
}
