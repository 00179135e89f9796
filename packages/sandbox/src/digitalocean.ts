import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Faults } from "./faults.js";
import { ApiError, type ApiRequest, type ApiResponse, type EmulatedApi, Router, isoNow, sleep } from "./router.js";
import type { DoAction, Store } from "./state.js";

/** Timing of the emulated DigitalOcean. */
export interface DigitalOceanTiming {
  /** How long a new droplet stays `new` before it is `active`, in ms. @default 300 */
  bootMs?: number;
  /** How long an action stays `in-progress`, in ms. @default 100 */
  actionMs?: number;
}

type Obj = Record<string, unknown>;

const REGION_SLUGS = ["fra1", "ams3", "nyc3", "sfo3", "lon1"] as const;
const REGION_NAMES: Record<string, string> = { fra1: "Frankfurt 1", ams3: "Amsterdam 3", nyc3: "New York 3", sfo3: "San Francisco 3", lon1: "London 1" };
const SIZES = [
  { slug: "s-1vcpu-512mb-10gb", memory: 512, vcpus: 1, disk: 10, transfer: 0.5, price_monthly: 4 },
  { slug: "s-1vcpu-1gb", memory: 1024, vcpus: 1, disk: 25, transfer: 1, price_monthly: 6 },
  { slug: "s-1vcpu-2gb", memory: 2048, vcpus: 1, disk: 50, transfer: 2, price_monthly: 12 },
  { slug: "s-2vcpu-2gb", memory: 2048, vcpus: 2, disk: 60, transfer: 3, price_monthly: 18 },
  { slug: "s-2vcpu-4gb", memory: 4096, vcpus: 2, disk: 80, transfer: 4, price_monthly: 24 },
  { slug: "s-4vcpu-8gb", memory: 8192, vcpus: 4, disk: 160, transfer: 5, price_monthly: 48 },
];
const IMAGES = [
  { id: 159651797, slug: "debian-12-x64", name: "12 x64", distribution: "Debian", min_disk_size: 15 },
  { id: 160272127, slug: "ubuntu-24-04-x64", name: "24.04 (LTS) x64", distribution: "Ubuntu", min_disk_size: 15 },
  { id: 129211873, slug: "ubuntu-22-04-x64", name: "22.04 (LTS) x64", distribution: "Ubuntu", min_disk_size: 7 },
];

const sizeView = (s: (typeof SIZES)[number]): Obj => ({
  slug: s.slug,
  memory: s.memory,
  vcpus: s.vcpus,
  disk: s.disk,
  transfer: s.transfer,
  price_monthly: s.price_monthly,
  price_hourly: Math.round((s.price_monthly / 672) * 100000) / 100000,
  regions: [...REGION_SLUGS],
  available: true,
  description: "Basic",
});
const regionView = (slug: string): Obj => ({
  slug,
  name: REGION_NAMES[slug] ?? slug,
  sizes: SIZES.map((s) => s.slug),
  available: true,
  features: ["backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"],
});
const imageView = (i: (typeof IMAGES)[number]): Obj => ({
  id: i.id,
  name: i.name,
  distribution: i.distribution,
  slug: i.slug,
  public: true,
  regions: [...REGION_SLUGS],
  created_at: "2024-06-01T00:00:00Z",
  min_disk_size: i.min_disk_size,
  type: "base",
  size_gigabytes: 2.36,
  description: `${i.distribution} ${i.name}`,
  tags: [],
  status: "available",
  error_message: "",
});

const uuidFrom = (n: number): string => {
  const h = createHash("sha1").update(`do-${n}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const ipv4Of = (id: number): string => `198.19.${(id >> 8) & 0xff}.${id & 0xff}`;
const ipToInt = (ip: string): number => ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);

export interface DigitalOceanContext {
  store: Store;
  faults: Faults;
  timing?: DigitalOceanTiming;
}

export function createDigitalOceanApi(ctx: DigitalOceanContext): EmulatedApi {
  const { store, faults } = ctx;
  const timing = { bootMs: 300, actionMs: 100, ...ctx.timing };
  const d = store.data.digitalocean;
  const r = new Router();

  const fail = (status: number, id: string, message: string): never => {
    throw new ApiError(status, message, id);
  };
  const notFound = (): never => fail(404, "not_found", "The resource you were accessing could not be found.");
  const unprocessable = (message: string): never => fail(422, "unprocessable_entity", message);
  const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });
  // Links are absolute URLs: `href` is `format: uri` in digitalocean-openapi.json (e.g. `links.actions` of the droplet create response).
  const absolute = (req: ApiRequest, path: string): string => `http://${req.headers.host ?? "127.0.0.1"}${path}`;

  function list(req: ApiRequest, key: string, items: Obj[], path = key): ApiResponse {
    const perPage = Math.min(Number(req.query.get("per_page") ?? 20) || 20, 200);
    const page = Math.max(Number(req.query.get("page") ?? 1) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const base = `/v2/${path}`;
    const pages: Obj = {};
    if (page < last) Object.assign(pages, { next: `${base}?page=${page + 1}&per_page=${perPage}`, last: `${base}?page=${last}&per_page=${perPage}` });
    if (page > 1) Object.assign(pages, { first: `${base}?page=1&per_page=${perPage}`, prev: `${base}?page=${page - 1}&per_page=${perPage}` });
    return ok({ [key]: items.slice((page - 1) * perPage, page * perPage), links: Object.keys(pages).length ? { pages } : {}, meta: { total: items.length } });
  }

  function newAction(type: string, resourceId: number, resourceType: string, region: string, done?: () => void): DoAction {
    const action: DoAction = { id: store.nextId(), status: "in-progress", type, started_at: isoNow(), completed_at: null, resource_id: resourceId, resource_type: resourceType, region_slug: region };
    d.actions[action.id] = action;
    store.changed();
    void sleep(timing.actionMs + faults.slowMs).then(() => {
      try {
        done?.();
        action.status = "completed";
      } catch {
        action.status = "errored";
      }
      action.completed_at = isoNow();
      store.changed();
    });
    return action;
  }
  const actionView = (a: DoAction): Obj => ({ ...a, region: regionView(a.region_slug) });

  const region = (v: unknown): string => {
    if (typeof v !== "string" || !REGION_SLUGS.includes(v as (typeof REGION_SLUGS)[number])) return unprocessable(`Region is not available: ${String(v)}`);
    return v;
  };

  // ---------- catalogs and account ----------
  r.get("/account", () =>
    ok({ account: { droplet_limit: 25, floating_ip_limit: 3, reserved_ip_limit: 3, volume_limit: 10, email: "sandbox@hearth.invalid", uuid: uuidFrom(0), email_verified: true, status: "active", status_message: "" } }),
  );
  r.get("/regions", (q) => list(q, "regions", REGION_SLUGS.map(regionView)));
  r.get("/sizes", (q) => list(q, "sizes", SIZES.map(sizeView)));
  r.get("/images", (q) => {
    const type = q.query.get("type");
    return list(q, "images", IMAGES.map(imageView).filter((i) => !type || type === "distribution"));
  });
  r.get("/images/:id", (q) => ok({ image: imageView(IMAGES.find((i) => String(i.id) === q.params.id || i.slug === q.params.id) ?? notFound()) }));

  // ---------- actions ----------
  r.get("/actions", (q) => list(q, "actions", Object.values(d.actions).map(actionView)));
  r.get("/actions/:id", (q) => ok({ action: actionView(d.actions[q.params.id!] ?? notFound()) }));

  // ---------- ssh keys ----------
  const fingerprint = (publicKey: string): string => {
    const blob = publicKey.trim().split(/\s+/)[1];
    if (!blob || !/^[A-Za-z0-9+/=]+$/.test(blob)) return unprocessable("Key invalid, type not supported");
    return createHash("md5").update(Buffer.from(blob, "base64")).digest("hex").match(/../g)!.join(":");
  };
  r.get("/account/keys", (q) => list(q, "ssh_keys", Object.values(d.sshKeys), "account/keys"));
  r.post("/account/keys", (q) => {
    const name = typeof q.body.name === "string" && q.body.name ? q.body.name : unprocessable("Name is required");
    const publicKey = typeof q.body.public_key === "string" ? q.body.public_key : unprocessable("Key invalid, type not supported");
    const fp = fingerprint(publicKey);
    if (Object.values(d.sshKeys).some((k) => k.fingerprint === fp)) unprocessable("SSH Key is already in use on your account");
    const key = { id: store.nextId(), fingerprint: fp, public_key: publicKey.trim(), name };
    d.sshKeys[key.id] = key;
    store.changed();
    return ok({ ssh_key: key }, 201);
  });
  const getKey = (q: ApiRequest): Obj => d.sshKeys[q.params.id!] ?? Object.values(d.sshKeys).find((k) => k.fingerprint === q.params.id) ?? notFound();
  r.get("/account/keys/:id", (q) => ok({ ssh_key: getKey(q) }));
  r.put("/account/keys/:id", (q) => {
    const key = getKey(q);
    if (typeof q.body.name === "string") key.name = q.body.name;
    store.changed();
    return ok({ ssh_key: key });
  });
  r.delete("/account/keys/:id", (q) => {
    const key = getKey(q);
    delete d.sshKeys[key.id as number];
    store.changed();
    return { status: 204 };
  });

  // ---------- VPCs ----------
  const vpcView = (v: Obj): Obj => v;
  function defaultVpc(regionSlug: string): Obj {
    const existing = Object.values(d.vpcs).find((v) => v.region === regionSlug && v.default === true);
    if (existing) return existing;
    const n = store.nextId();
    const id = uuidFrom(n);
    const vpc: Obj = { id, urn: `do:vpc:${id}`, name: `default-${regionSlug}`, description: "", region: regionSlug, ip_range: `10.${100 + REGION_SLUGS.indexOf(regionSlug as (typeof REGION_SLUGS)[number])}.0.0/20`, default: true, created_at: isoNow() };
    d.vpcs[id] = vpc;
    return vpc;
  }
  r.get("/vpcs", (q) => list(q, "vpcs", Object.values(d.vpcs).map(vpcView)));
  r.post("/vpcs", (q) => {
    const name = typeof q.body.name === "string" && q.body.name ? q.body.name : unprocessable("name is required");
    const regionSlug = region(q.body.region);
    if (Object.values(d.vpcs).some((v) => v.name === name)) unprocessable("A VPC with this name already exists");
    const n = store.nextId();
    const id = uuidFrom(n);
    const ipRange = typeof q.body.ip_range === "string" ? q.body.ip_range : `10.${(n >> 4) & 0xff}.${(n & 0xf) * 16}.0/20`;
    if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(ipRange)) unprocessable("ip_range is invalid");
    const vpc: Obj = { id, urn: `do:vpc:${id}`, name, description: q.body.description ?? "", region: regionSlug, ip_range: ipRange, default: false, created_at: isoNow() };
    d.vpcs[id] = vpc;
    store.changed();
    return ok({ vpc: vpcView(vpc) }, 201);
  });
  const getVpc = (q: ApiRequest): Obj => d.vpcs[q.params.id!] ?? notFound();
  r.get("/vpcs/:id", (q) => ok({ vpc: vpcView(getVpc(q)) }));
  const updateVpc = (q: ApiRequest): ApiResponse => {
    const vpc = getVpc(q);
    if (typeof q.body.name === "string") vpc.name = q.body.name;
    if (typeof q.body.description === "string") vpc.description = q.body.description;
    if (q.body.default === true) {
      for (const other of Object.values(d.vpcs)) if (other.region === vpc.region) other.default = false;
      vpc.default = true;
    }
    store.changed();
    return ok({ vpc: vpcView(vpc) });
  };
  r.put("/vpcs/:id", updateVpc);
  r.patch("/vpcs/:id", updateVpc);
  r.get("/vpcs/:id/members", (q) => {
    const vpc = getVpc(q);
    return list(q, "members", Object.values(d.droplets).filter((dr) => dr.vpc_uuid === vpc.id).map((dr) => ({ urn: `do:droplet:${String(dr.id)}`, name: dr.name, created_at: dr.created_at })));
  });
  r.delete("/vpcs/:id", (q) => {
    const vpc = getVpc(q);
    if (vpc.default === true) fail(403, "forbidden", "Can not delete default VPC");
    if (Object.values(d.droplets).some((dr) => dr.vpc_uuid === vpc.id)) fail(409, "conflict", "Can not delete VPC with members");
    delete d.vpcs[vpc.id as string];
    store.changed();
    return { status: 204 };
  });

  // ---------- droplets ----------
  const dropletView = (dr: Obj): Obj => {
    const id = dr.id as number;
    const policy = d.backupPolicies[id];
    return {
      ...dr,
      backup_ids: [],
      next_backup_window: policy && policy.backup_enabled ? { start: isoNow(), end: isoNow() } : null,
      features: [...(dr.features as string[]), ...(policy && policy.backup_enabled ? ["backups"] : [])],
    };
  };
  r.get("/droplets", (q) => {
    const tag = q.query.get("tag_name");
    const name = q.query.get("name");
    return list(q, "droplets", Object.values(d.droplets).filter((dr) => (!tag || (dr.tags as string[]).includes(tag)) && (!name || dr.name === name)).map(dropletView));
  });
  r.post("/droplets", (q) => {
    if (Array.isArray(q.body.names)) unprocessable("creating several droplets at once is not emulated; send one name");
    const name = typeof q.body.name === "string" && q.body.name ? q.body.name : unprocessable("Name is required");
    if (!/^[a-zA-Z0-9.-]+$/.test(name)) unprocessable("Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)");
    const regionSlug = region(q.body.region);
    const size = SIZES.find((s) => s.slug === q.body.size) ?? unprocessable("Size is not available in this region.");
    const img = IMAGES.find((i) => i.slug === q.body.image || String(i.id) === String(q.body.image)) ?? unprocessable("You specified an invalid image for Droplet creation.");
    const keys = Array.isArray(q.body.ssh_keys) ? (q.body.ssh_keys as unknown[]) : [];
    for (const k of keys) if (!Object.values(d.sshKeys).some((key) => String(key.id) === String(k) || key.fingerprint === k)) unprocessable(`ssh_keys ${String(k)} are invalid`);
    let vpcUuid: string;
    if (typeof q.body.vpc_uuid === "string" && q.body.vpc_uuid) {
      const vpc = d.vpcs[q.body.vpc_uuid] ?? unprocessable("vpc_uuid is invalid");
      if (vpc.region !== regionSlug) unprocessable("VPC must be in the same region as the Droplet");
      vpcUuid = vpc.id as string;
    } else vpcUuid = defaultVpc(regionSlug).id as string;
    const id = store.nextId();
    const tags = Array.isArray(q.body.tags) ? (q.body.tags as string[]) : [];
    const droplet: Obj = {
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
      region: regionView(regionSlug),
      tags,
      vpc_uuid: vpcUuid,
    };
    d.droplets[id] = droplet;
    if (q.body.backups === true) {
      const policy = (q.body.backup_policy ?? { plan: "weekly", weekday: "SUN", hour: 0 }) as Obj;
      d.backupPolicies[id] = { droplet_id: id, backup_enabled: true, backup_policy: { plan: policy.plan ?? "weekly", ...(policy.plan === "daily" && policy.weekday === undefined ? {} : { weekday: policy.weekday ?? "SUN" }), hour: policy.hour ?? 0, window_length_hours: 4, retention_period_days: policy.plan === "daily" ? 7 : 28 } };
    }
    store.changed();
    const action = newAction("create", id, "droplet", regionSlug);
    void sleep(timing.bootMs + faults.slowMs).then(() => {
      if (!d.droplets[id]) return;
      const vpc = d.vpcs[vpcUuid];
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
    return ok({ droplet: dropletView(droplet), links: { actions: [{ id: action.id, rel: "create", href: absolute(q, `/v2/actions/${action.id}`) }] } }, 202);
  });
  const getDroplet = (q: ApiRequest): Obj => d.droplets[q.params.id!] ?? notFound();
  r.get("/droplets/:id", (q) => ok({ droplet: dropletView(getDroplet(q)) }));
  r.delete("/droplets/:id", (q) => {
    const dr = getDroplet(q);
    const id = dr.id as number;
    delete d.droplets[id];
    delete d.backupPolicies[id];
    for (const ip of Object.values(d.reservedIps)) if ((ip.droplet as Obj | null)?.id === id) ip.droplet = null;
    for (const fw of Object.values(d.firewalls)) fw.droplet_ids = (fw.droplet_ids as number[]).filter((x) => x !== id);
    store.changed();
    return { status: 204 };
  });
  r.get("/droplets/:id/backups/policy", (q) => {
    const dr = getDroplet(q);
    const policy = d.backupPolicies[dr.id as number] ?? { droplet_id: dr.id, backup_enabled: false };
    return ok({ policy: { ...policy, ...(policy.backup_enabled ? { next_backup_window: { start: isoNow(), end: isoNow() } } : {}) } });
  });
  r.get("/droplets/:id/backups", (q) => {
    getDroplet(q);
    return list(q, "backups", []);
  });
  r.get("/droplets/:id/actions", (q) => {
    const dr = getDroplet(q);
    return list(q, "actions", Object.values(d.actions).filter((a) => a.resource_type === "droplet" && a.resource_id === dr.id).map(actionView));
  });
  r.get("/droplets/:id/actions/:action", (q) => {
    const a = d.actions[q.params.action!];
    if (!a || String(a.resource_id) !== q.params.id) notFound();
    return ok({ action: actionView(a!) });
  });
  r.post("/droplets/:id/actions", (q) => {
    const dr = getDroplet(q);
    const id = dr.id as number;
    const regionSlug = (dr.region as Obj).slug as string;
    const type = String(q.body.type);
    const policyFrom = (body: Obj): Obj => {
      const p = (body.backup_policy ?? {}) as Obj;
      return { plan: p.plan ?? "weekly", ...(p.plan === "daily" && p.weekday === undefined ? {} : { weekday: p.weekday ?? "SUN" }), hour: p.hour ?? 0, window_length_hours: 4, retention_period_days: p.plan === "daily" ? 7 : 28 };
    };
    let done: (() => void) | undefined;
    switch (type) {
      case "power_on":
      case "reboot":
      case "power_cycle":
        done = () => { dr.status = "active"; };
        break;
      case "power_off":
      case "shutdown":
        done = () => { dr.status = "off"; };
        break;
      case "enable_backups":
        d.backupPolicies[id] = { droplet_id: id, backup_enabled: true, backup_policy: policyFrom(q.body) };
        break;
      case "change_backup_policy":
        d.backupPolicies[id] = { droplet_id: id, backup_enabled: true, backup_policy: policyFrom(q.body) };
        break;
      case "disable_backups":
        d.backupPolicies[id] = { droplet_id: id, backup_enabled: false };
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
      case "rebuild": {
        const img = IMAGES.find((i) => i.slug === q.body.image || String(i.id) === String(q.body.image)) ?? unprocessable("You specified an invalid image.");
        dr.image = imageView(img);
        break;
      }
      case "enable_ipv6":
        if (!(dr.features as string[]).includes("ipv6")) (dr.features as string[]).push("ipv6");
        break;
      case "enable_private_networking":
        break;
      default:
        unprocessable(`action type '${type}' is not emulated`);
    }
    store.changed();
    return ok({ action: actionView(newAction(type, id, "droplet", regionSlug, done)) }, 201);
  });

  // ---------- tags ----------
  r.post("/tags", (q) => {
    const name = typeof q.body.name === "string" && q.body.name ? q.body.name : unprocessable("name is required");
    return ok({ tag: { name, resources: { count: 0 } } }, 201);
  });
  r.get("/tags/:name", (q) => ok({ tag: { name: q.params.name, resources: { count: Object.values(d.droplets).filter((dr) => (dr.tags as string[]).includes(q.params.name!)).length } } }));
  r.delete("/tags/:name", () => ({ status: 204 }));
  const tagResources = (add: boolean) => (q: ApiRequest): ApiResponse => {
    for (const res of Array.isArray(q.body.resources) ? (q.body.resources as Obj[]) : []) {
      if (res.resource_type !== "droplet") continue;
      const dr = d.droplets[String(res.resource_id)];
      if (!dr) continue;
      const tags = dr.tags as string[];
      if (add && !tags.includes(q.params.name!)) tags.push(q.params.name!);
      if (!add) dr.tags = tags.filter((t) => t !== q.params.name);
    }
    store.changed();
    return { status: 204 };
  };
  r.post("/tags/:name/resources", tagResources(true));
  r.delete("/tags/:name/resources", tagResources(false));

  // ---------- reserved IPs ----------
  const reservedView = (ip: Obj): Obj => {
    const dropletId = (ip.droplet as Obj | null)?.id;
    const dr = dropletId === undefined ? undefined : d.droplets[String(dropletId)];
    return { ip: ip.ip, region: regionView(ip.region as string), droplet: dr ? dropletView(dr) : null, locked: false, project_id: uuidFrom(0) };
  };
  r.get("/reserved_ips", (q) => list(q, "reserved_ips", Object.values(d.reservedIps).map(reservedView)));
  r.post("/reserved_ips", (q) => {
    let regionSlug: string;
    let dr: Obj | undefined;
    if (q.body.droplet_id !== undefined) {
      dr = d.droplets[String(q.body.droplet_id)] ?? unprocessable("Droplet not found");
      regionSlug = (dr.region as Obj).slug as string;
    } else regionSlug = region(q.body.region);
    const id = store.nextId();
    const ip: Obj = { ip: ipv4Of(id), region: regionSlug, droplet: dr ? { id: dr.id } : null };
    d.reservedIps[ip.ip as string] = ip;
    store.changed();
    const actions = dr ? [newAction("assign_ip", ipToInt(ip.ip as string), "reserved_ip", regionSlug)] : [];
    return ok({ reserved_ip: reservedView(ip), links: { droplets: dr ? [{ id: dr.id, rel: "droplet", href: absolute(q, `/v2/droplets/${String(dr.id)}`) }] : [], actions: actions.map((a) => ({ id: a.id, rel: "assign_ip", href: absolute(q, `/v2/actions/${a.id}`) })) } }, 202);
  });
  const getReserved = (q: ApiRequest): Obj => d.reservedIps[q.params.ip!] ?? notFound();
  r.get("/reserved_ips/:ip", (q) => ok({ reserved_ip: reservedView(getReserved(q)) }));
  r.delete("/reserved_ips/:ip", (q) => {
    const ip = getReserved(q);
    if (ip.droplet) unprocessable("The reserved IP is assigned to a droplet; unassign it first");
    delete d.reservedIps[ip.ip as string];
    store.changed();
    return { status: 204 };
  });
  r.post("/reserved_ips/:ip/actions", (q) => {
    const ip = getReserved(q);
    const type = String(q.body.type);
    if (type === "assign") {
      const dr = d.droplets[String(q.body.droplet_id)] ?? unprocessable("Droplet not found");
      if ((dr.region as Obj).slug !== ip.region) unprocessable("The droplet and the reserved IP must be in the same region");
      for (const other of Object.values(d.reservedIps)) if ((other.droplet as Obj | null)?.id === dr.id && other !== ip) unprocessable("Droplet already has a reserved IP");
      ip.droplet = { id: dr.id };
    } else if (type === "unassign") {
      if (!ip.droplet) unprocessable("The reserved IP is not assigned");
      ip.droplet = null;
    } else unprocessable(`action type '${type}' is not valid`);
    store.changed();
    return ok({ action: actionView(newAction(`${type}_ip`, ipToInt(ip.ip as string), "reserved_ip", ip.region as string)) }, 201);
  });
  r.get("/reserved_ips/:ip/actions", (q) => {
    const ip = getReserved(q);
    return list(q, "actions", Object.values(d.actions).filter((a) => a.resource_type === "reserved_ip" && a.resource_id === ipToInt(ip.ip as string)).map(actionView));
  });
  r.get("/reserved_ips/:ip/actions/:action", (q) => {
    const ip = getReserved(q);
    const a = d.actions[q.params.action!];
    if (!a || a.resource_id !== ipToInt(ip.ip as string)) notFound();
    return ok({ action: actionView(a!) });
  });

  // ---------- firewalls ----------
  const checkRules = (rules: unknown, dir: "sources" | "destinations"): Obj[] => {
    if (rules === undefined || rules === null) return [];
    if (!Array.isArray(rules)) return unprocessable(`${dir === "sources" ? "inbound" : "outbound"}_rules must be a list`);
    return (rules as Obj[]).map((rule) => {
      if (!["tcp", "udp", "icmp"].includes(String(rule.protocol))) unprocessable(`invalid protocol: ${String(rule.protocol)}`);
      if (rule.protocol !== "icmp" && (rule.ports === undefined || rule.ports === "")) unprocessable("ports is required for tcp and udp rules");
      const target = (rule[dir] ?? {}) as Obj;
      return {
        protocol: rule.protocol,
        ports: rule.protocol === "icmp" ? "0" : String(rule.ports),
        [dir]: Object.fromEntries(Object.entries(target).filter(([, v]) => Array.isArray(v) && v.length > 0)),
      };
    });
  };
  const firewallFromBody = (body: Obj, fw: Obj): void => {
    fw.name = typeof body.name === "string" && body.name ? body.name : unprocessable("name is required");
    fw.inbound_rules = checkRules(body.inbound_rules, "sources");
    fw.outbound_rules = checkRules(body.outbound_rules, "destinations");
    if ((fw.inbound_rules as Obj[]).length === 0 && (fw.outbound_rules as Obj[]).length === 0) unprocessable("must specify at least one rule");
    const ids = Array.isArray(body.droplet_ids) ? (body.droplet_ids as unknown[]).map(Number) : [];
    for (const id of ids) if (!d.droplets[id]) unprocessable(`droplet ${id} not found`);
    fw.droplet_ids = ids;
    fw.tags = Array.isArray(body.tags) ? body.tags : [];
  };
  r.get("/firewalls", (q) => list(q, "firewalls", Object.values(d.firewalls)));
  r.post("/firewalls", (q) => {
    const n = store.nextId();
    const fw: Obj = { id: uuidFrom(n), status: "succeeded", created_at: isoNow(), pending_changes: [] };
    firewallFromBody(q.body, fw);
    d.firewalls[fw.id as string] = fw;
    store.changed();
    return ok({ firewall: fw }, 202);
  });
  const getFw = (q: ApiRequest): Obj => d.firewalls[q.params.id!] ?? notFound();
  r.get("/firewalls/:id", (q) => ok({ firewall: getFw(q) }));
  r.put("/firewalls/:id", (q) => {
    const fw = getFw(q);
    firewallFromBody(q.body, fw);
    store.changed();
    return ok({ firewall: fw });
  });
  r.delete("/firewalls/:id", (q) => {
    getFw(q);
    delete d.firewalls[q.params.id!];
    store.changed();
    return { status: 204 };
  });
  r.post("/firewalls/:id/droplets", (q) => {
    const fw = getFw(q);
    const ids = new Set(fw.droplet_ids as number[]);
    for (const id of Array.isArray(q.body.droplet_ids) ? (q.body.droplet_ids as unknown[]).map(Number) : []) {
      if (!d.droplets[id]) unprocessable(`droplet ${id} not found`);
      ids.add(id);
    }
    fw.droplet_ids = [...ids];
    store.changed();
    return { status: 204 };
  });
  r.delete("/firewalls/:id/droplets", (q) => {
    const fw = getFw(q);
    const remove = new Set(Array.isArray(q.body.droplet_ids) ? (q.body.droplet_ids as unknown[]).map(Number) : []);
    fw.droplet_ids = (fw.droplet_ids as number[]).filter((id) => !remove.has(id));
    store.changed();
    return { status: 204 };
  });
  r.post("/firewalls/:id/tags", (q) => {
    const fw = getFw(q);
    fw.tags = [...new Set([...(fw.tags as string[]), ...(Array.isArray(q.body.tags) ? (q.body.tags as string[]) : [])])];
    store.changed();
    return { status: 204 };
  });
  r.delete("/firewalls/:id/tags", (q) => {
    const fw = getFw(q);
    const remove = new Set(Array.isArray(q.body.tags) ? (q.body.tags as string[]) : []);
    fw.tags = (fw.tags as string[]).filter((t) => !remove.has(t));
    store.changed();
    return { status: 204 };
  });

  return {
    name: "digitalocean",
    prefix: "/v2",
    router: r,
    authorize(headers: IncomingHttpHeaders) {
      if (headers.authorization !== `Bearer ${store.data.credentials.digitaloceanToken}`) return new ApiError(401, "Unable to authenticate you", "Unauthorized");
      return undefined;
    },
    renderError(err: ApiError): ApiResponse {
      return { status: err.status, body: { id: err.code ?? (err.status === 501 ? "not_implemented" : "server_error"), message: err.message, request_id: uuidFrom(Date.now()) } };
    },
  };
}
