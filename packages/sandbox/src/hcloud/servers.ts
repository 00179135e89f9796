import { isoNow } from "../router.js";
import { IMAGES, SERVER_TYPES, byIdOrName, imageView, isOrderable, LOCATIONS, locationFrom, locationView, refuseDatacenter, serverTypeView } from "./catalog.js";
import type { HcloudKit, Obj, PrimaryIpRecord, ServerRecord } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";
import { checkFirewallLimit, firewallsOf } from "./firewalls.js";
import { labelsOf } from "./labels.js";
import { attachToNetwork, detachFromNetwork } from "./networks.js";
import { attachIp, detachIp, newPrimaryIp } from "./primaryIps.js";
import { deleteBackupsOf, imagesOf } from "./snapshots.js";
import { detachVolumesOf } from "./volumes.js";

/**
 * The server as hcloud-go v2.47.0 `schema/server.go` reads it: no `datacenter` since 2026-07-01
 * (CHANGELOG v2.45.0), the firewalls applied to its public interface in `public_net.firewalls`.
 */
/** Sandbox-only: the user data each server was created with (`POST /servers` `user_data`), by server id. */
export const guestUserDataOf = (kit: HcloudKit): Record<string, string> => ((kit.store.data.hcloud as { guestUserData?: Record<string, string> }).guestUserData ??= {});

export const serverView = (kit: HcloudKit, server: ServerRecord): Obj => ({
  ...server,
  public_net: { ...server.public_net, firewalls: firewallsOf(kit, server).map((fw) => ({ id: fw.id, status: "applied" })) },
});

/** Server names: "must be unique per Project and a valid hostname as per RFC 1123" (`server` schema). */
const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,61}[a-zA-Z0-9])?$/;

/**
 * Picks the server type for a create. A type that can no longer be ordered is refused with 422
 * `invalid_server_type` ("The server type does not fit for the given server or is deprecated":
 * hcloud-go error.go, and the change_type errors in ../shared/specs/hcloud-openapi.json).
 */
export function orderableType(ref: unknown, field = "server_type", now: Date = new Date()): (typeof SERVER_TYPES)[number] {
  if (ref === undefined || ref === "") return invalidInput(field, "Missing data for required field.");
  const type = byIdOrName(SERVER_TYPES, ref, field);
  if (!isOrderable(type, now)) fail(422, "invalid_server_type", `server type ${type.name} is deprecated and can no longer be ordered (unavailable after ${type.deprecation!.unavailable_after})`);
  return type;
}

export function registerServers(kit: HcloudKit): void {
  const { r, ok, list, store } = kit;
  const getServer = (id: string | undefined): ServerRecord => kit.servers[id!] ?? notFound("server", id);

  r.get("/servers", (q) => {
    const status = q.query.getAll("status");
    return list(q, "servers", Object.values(kit.servers).map((s) => serverView(kit, s)), (s) => status.length === 0 || status.includes(String(s.status)));
  });

  r.post("/servers", (q) => {
    const name = kit.requireString(q.body, "name");
    if (!HOSTNAME.test(name)) invalidInput("name", "must be a valid hostname");
    kit.uniqueName(kit.servers, name, "server");
    refuseDatacenter(q.body);
    const type = orderableType(q.body.server_type);
    if (q.body.image === undefined) invalidInput("image", "Missing data for required field.");
    // A snapshot or backup image (snapshots.ts) of the same architecture is an image too ("ID or name of the Image the Server is created from").
    const own = imagesOf(kit)[String(q.body.image)];
    const img = own && own.status === "available" && own.architecture === type.architecture ? undefined : (IMAGES.find((i) => (String(i.id) === String(q.body.image) || i.name === q.body.image) && i.architecture === type.architecture) ?? invalidInput("image", `image ${String(q.body.image)} not found`));
    const loc = q.body.location === undefined ? LOCATIONS[0] : locationFrom(q.body.location);
    const sshKeys = Array.isArray(q.body.ssh_keys) ? (q.body.ssh_keys as unknown[]) : [];
    for (const k of sshKeys) if (!Object.values(kit.sshKeys).some((key) => String(key.id) === String(k) || key.name === k)) invalidInput("ssh_keys", `SSH key ${String(k)} not found`);
    const labels = labelsOf(q.body);
    const publicNet = (q.body.public_net ?? {}) as Obj;
    const id = store.nextId();
    const server: ServerRecord = {
      id,
      name,
      status: "initializing",
      created: isoNow(),
      public_net: { ipv4: null, ipv6: null, floating_ips: [] },
      private_net: [],
      server_type: serverTypeView(type) as ServerRecord["server_type"],
      location: locationView(loc) as ServerRecord["location"],
      image: img ? imageView(img) : { ...own },
      iso: null,
      rescue_enabled: false,
      locked: false,
      backup_window: null,
      outgoing_traffic: 0,
      ingoing_traffic: 0,
      included_traffic: 0,
      protection: { delete: false, rebuild: false },
      labels,
      volumes: [],
      load_balancers: [],
      primary_disk_size: type.disk,
      placement_group: null,
    };
    kit.servers[id] = server;
    // What the guest boots with: kept beside the servers, never in the API's answers (the `server`
    // schema has no user data), so tests can read what cloud-init would run.
    if (typeof q.body.user_data === "string") guestUserDataOf(kit)[id] = q.body.user_data;
    const created: PrimaryIpRecord[] = [];
    const taken: PrimaryIpRecord[] = [];
    try {
      // `public_net`: a given primary IP must be free (`primary_ip_assigned`), of the right family
      // (`primary_ip_version_mismatch`) and in the server's location (`primary_ip_datacenter_mismatch`):
      // `POST /servers` errors in ../shared/specs/hcloud-openapi.json. A server being created is
      // not running, so the stopped-server rule of the assign action does not apply here.
      for (const family of ["ipv4", "ipv6"] as const) {
        const explicit = publicNet[family];
        if (explicit !== undefined && explicit !== null) {
          const ip = kit.primaryIps[String(explicit)] ?? invalidInput(`public_net.${family}`, `primary IP ${String(explicit)} not found`);
          if (ip.assignee_id !== null) fail(422, "primary_ip_assigned", `primary IP ${ip.id} is already assigned to server ${ip.assignee_id}`);
          if (ip.type !== family) fail(422, "primary_ip_version_mismatch", `primary IP ${ip.id} is ${ip.type}, not ${family}`);
          if (ip.location.name !== loc.name) fail(422, "primary_ip_datacenter_mismatch", `primary IP ${ip.id} is in ${ip.location.name}, the server in ${loc.name}`);
          attachIp(server, ip);
          taken.push(ip);
        } else if (publicNet[`enable_${family}`] !== false) {
          const ip = newPrimaryIp(kit, { name: `primary_ip-${store.data.nextId}`, type: family, location: loc, autoDelete: true, labels: {} });
          created.push(ip);
          attachIp(server, ip);
        }
      }
      for (const n of Array.isArray(q.body.networks) ? (q.body.networks as unknown[]) : []) attachToNetwork(kit, server, Number(n));
      for (const f of Array.isArray(q.body.firewalls) ? (q.body.firewalls as Obj[]) : []) {
        const fw = kit.firewalls[String(f.firewall)] ?? fail(404, "firewall_resource_not_found", `firewall ${String(f.firewall)} not found`);
        checkFirewallLimit(kit, [server], fw);
        fw.applied_to.push({ type: "server", server: { id } });
      }
    } catch (e) {
      for (const ip of created) delete kit.primaryIps[ip.id];
      for (const ip of taken) ip.assignee_id = null;
      for (const fw of Object.values(kit.firewalls)) fw.applied_to = fw.applied_to.filter((a) => !(a.type === "server" && a.server.id === id));
      for (const p of [...server.private_net]) detachFromNetwork(kit, server, p.network);
      delete kit.servers[id];
      throw e;
    }
    store.changed();
    const start = q.body.start_after_create !== false;
    const self = [{ id, type: "server" }];
    const action = kit.newAction("create_server", self, () => {
      if (kit.servers[id]) server.status = start ? "running" : "off";
    }, self);
    const nextActions = start ? [kit.newAction("start_server", self, undefined, self)] : [];
    return ok({ server: serverView(kit, server), action, next_actions: nextActions, root_password: sshKeys.length ? null : "sandbox-root-password" }, 201);
  });

  r.get("/servers/:id", (q) => ok({ server: serverView(kit, getServer(q.params.id)) }));
  r.put("/servers/:id", (q) => {
    const server = getServer(q.params.id);
    kit.renameAndLabel(kit.servers, server, q.body, "server");
    store.changed();
    return ok({ server: serverView(kit, server) });
  });

  /**
   * `DELETE /servers/{id}`: "Any resources attached to the server (like Volumes, Primary IPs,
   * Floating IPs, Firewalls, Placement Groups) are detached while the server is deleted"; a
   * primary IP with `auto_delete` "will be deleted once the assigned resource gets deleted".
   */
  r.delete("/servers/:id", (q) => {
    const server = getServer(q.params.id);
    if (server.protection.delete) fail(403, "protected", "server is delete protected");
    kit.assertUnlocked("server", server.id);
    for (const ip of Object.values(kit.primaryIps)) {
      if (ip.assignee_id !== server.id) continue;
      if (ip.auto_delete) delete kit.primaryIps[ip.id];
      else detachIp(kit, ip);
    }
    for (const fw of Object.values(kit.firewalls)) fw.applied_to = fw.applied_to.filter((a) => !(a.type === "server" && a.server.id === server.id));
    for (const p of [...server.private_net]) detachFromNetwork(kit, server, p.network);
    detachVolumesOf(kit, server.id);
    deleteBackupsOf(kit, server.id);
    delete guestUserDataOf(kit)[server.id];
    delete kit.servers[server.id];
    store.changed();
    return ok({ action: kit.newAction("delete_server", [{ id: server.id, type: "server" }]) });
  });

  /** A server action: refused with 423 `locked` while another action runs on the server, and locking it while it runs. */
  const serverAction = (name: string, command: string, apply: (server: ServerRecord, body: Obj) => void | (() => void)): void => {
    r.post(`/servers/:id/actions/${name}`, (q) => {
      const server = getServer(q.params.id);
      kit.assertUnlocked("server", server.id);
      const later = apply(server, q.body);
      store.changed();
      const self = [{ id: server.id, type: "server" }];
      return ok({ action: kit.newAction(command, self, () => void later?.(), self) }, 201);
    });
  };
  serverAction("poweron", "start_server", (s) => () => void (s.status = "running"));
  serverAction("poweroff", "stop_server", (s) => () => void (s.status = "off"));
  serverAction("shutdown", "shutdown_server", (s) => () => void (s.status = "off"));
  serverAction("reboot", "reboot_server", (s) => () => void (s.status = "running"));
  serverAction("reset", "reset_server", (s) => () => void (s.status = "running"));
  serverAction("enable_backup", "enable_backup", (s) => void (s.backup_window = "22-02"));
  serverAction("disable_backup", "disable_backup", (s) => void (s.backup_window = null));
  serverAction("change_protection", "change_protection", (s, body) => {
    if (typeof body.delete === "boolean") s.protection.delete = body.delete;
    if (typeof body.rebuild === "boolean") s.protection.rebuild = body.rebuild;
  });
  serverAction("attach_to_network", "attach_to_network", (s, body) =>
    attachToNetwork(kit, s, Number(body.network), typeof body.ip === "string" ? body.ip : undefined, Array.isArray(body.alias_ips) ? (body.alias_ips as string[]) : []),
  );
  serverAction("detach_from_network", "detach_from_network", (s, body) => detachFromNetwork(kit, s, Number(body.network)));
  serverAction("change_alias_ips", "change_alias_ips", (s, body) => {
    const p = s.private_net.find((n) => n.network === Number(body.network)) ?? invalidInput("network", "server is not attached to the network");
    p.alias_ips = Array.isArray(body.alias_ips) ? (body.alias_ips as string[]) : [];
  });
  // `POST /servers/{id}/actions/change_type`: `server_not_stopped`, `invalid_server_type`.
  serverAction("change_type", "change_server_type", (s, body) => {
    if (s.status !== "off") fail(422, "server_not_stopped", "server must be stopped before changing its type");
    const type = orderableType(body.server_type);
    s.server_type = serverTypeView(type) as ServerRecord["server_type"];
    if (body.upgrade_disk !== false) s.primary_disk_size = type.disk;
  });
  serverAction("rebuild", "rebuild_server", (s, body) => {
    s.image = imageView(IMAGES.find((i) => (String(i.id) === String(body.image) || i.name === body.image) && i.architecture === s.server_type.architecture) ?? invalidInput("image", "image not found"));
  });
  serverAction("change_dns_ptr", "change_dns_ptr", (s, body) => {
    const v4 = s.public_net.ipv4;
    if (v4 && v4.ip === body.ip) v4.dns_ptr = body.dns_ptr ?? "";
  });
}

