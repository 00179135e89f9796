import type { Faults } from "../faults.js";
import { type ApiRequest, type ApiResponse, Router, isoNow, sleep } from "../router.js";
import type { HcloudAction, Labels, Store } from "../state.js";
import { fail, invalidInput, locked } from "./errors.js";
import { labelsOf, matchesLabelSelector } from "./labels.js";

/** Timing of the emulated Hetzner Cloud. */
export interface HcloudTiming {
  /** How long an action stays `running`, in ms. @default 100 */
  actionMs?: number;
}

export type Obj = Record<string, unknown>;
export type ResourceRef = { id: number; type: string };

/** A server as the sandbox holds it (the API's `server` object without its computed firewalls). */
export interface ServerRecord extends Obj {
  id: number;
  name: string;
  status: "initializing" | "starting" | "running" | "stopping" | "off" | "deleting";
  public_net: { ipv4: Obj | null; ipv6: Obj | null; floating_ips: number[] };
  private_net: { network: number; ip: string; alias_ips: string[]; mac_address: string }[];
  location: Obj & { name: string; network_zone: string };
  server_type: Obj & { name: string; architecture: string; disk: number };
  labels: Labels;
  protection: { delete: boolean; rebuild: boolean };
  backup_window: string | null;
}

export interface PrimaryIpRecord extends Obj {
  id: number;
  name: string;
  ip: string;
  type: "ipv4" | "ipv6";
  assignee_id: number | null;
  auto_delete: boolean;
  location: Obj & { name: string };
  labels: Labels;
  protection: { delete: boolean };
  dns_ptr: { ip: string; dns_ptr: string }[];
}

export interface FirewallRecord extends Obj {
  id: number;
  name: string;
  labels: Labels;
  rules: Obj[];
  applied_to: ({ type: "server"; server: { id: number } } | { type: "label_selector"; label_selector: { selector: string } })[];
}

export interface NetworkRecord extends Obj {
  id: number;
  name: string;
  ip_range: string;
  subnets: { type: string; ip_range: string; network_zone: string; gateway: string; vswitch_id?: number }[];
  routes: { destination: string; gateway: string }[];
  servers: number[];
  labels: Labels;
  protection: { delete: boolean };
}

/** What every hcloud module gets: the store, typed views of its collections, and the shared helpers. */
export interface HcloudKit {
  store: Store;
  faults: Faults;
  timing: Required<HcloudTiming>;
  r: Router;
  servers: Record<string, ServerRecord>;
  primaryIps: Record<string, PrimaryIpRecord>;
  firewalls: Record<string, FirewallRecord>;
  networks: Record<string, NetworkRecord>;
  sshKeys: Record<string, Obj>;
  actions: Record<string, HcloudAction>;
  ok(body: unknown, status?: number): ApiResponse;
  /**
   * Start an action on `resources`; it runs for `actionMs` and then calls `done` (a returned
   * string fails it). While it runs, the resources in `locks` are locked (423).
   */
  newAction(command: string, resources: ResourceRef[], done?: () => void | string, locks?: ResourceRef[]): HcloudAction;
  /** Refuse with 423 `locked` while an action that locks this resource runs. */
  assertUnlocked(type: string, id: number): void;
  list(req: ApiRequest, key: string, items: Obj[], filter?: (item: Obj) => boolean): ApiResponse;
  requireString(body: Obj, field: string): string;
  uniqueName(collection: Record<string, Obj>, name: string, kind: string, except?: number): void;
  /** The update every resource's PUT takes: a new (unique) name and new labels. */
  renameAndLabel(collection: Record<string, Obj>, resource: Obj, body: Obj, kind: string): void;
}

export function createKit(store: Store, faults: Faults, timing: Required<HcloudTiming>): HcloudKit {
  const h = store.data.hcloud;
  const lockedBy = new Map<number, ResourceRef[]>();
  const kit: HcloudKit = {
    store,
    faults,
    timing,
    r: new Router(),
    servers: h.servers as unknown as Record<string, ServerRecord>,
    primaryIps: h.primaryIps as unknown as Record<string, PrimaryIpRecord>,
    firewalls: h.firewalls as unknown as Record<string, FirewallRecord>,
    networks: h.networks as unknown as Record<string, NetworkRecord>,
    sshKeys: h.sshKeys,
    actions: h.actions,
    ok: (body, status = 200) => ({ status, body }),
    newAction(command, resources, done, locks = []) {
      const action: HcloudAction = { id: store.nextId(), command, status: "running", progress: 0, started: isoNow(), finished: null, resources, error: null };
      h.actions[action.id] = action;
      if (locks.length) lockedBy.set(action.id, locks);
      store.changed();
      void sleep(timing.actionMs + faults.slowMs).then(() => {
        let error: string | void;
        try {
          error = done?.();
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        action.status = error ? "error" : "success";
        action.progress = 100;
        action.finished = isoNow();
        if (error) action.error = { code: "action_failed", message: error };
        lockedBy.delete(action.id);
        store.changed();
      });
      return action;
    },
    assertUnlocked(type, id) {
      for (const refs of lockedBy.values()) if (refs.some((ref) => ref.type === type && ref.id === id)) locked(type, id);
    },
    list(req, key, items, filter = () => true) {
      const name = req.query.get("name");
      const selector = req.query.get("label_selector");
      const filtered = items.filter((i) => (!name || i.name === name) && (!selector || matchesLabelSelector((i.labels as Labels | undefined) ?? {}, selector)) && filter(i));
      const perPage = Math.min(Number(req.query.get("per_page") ?? 25) || 25, 50);
      const page = Math.max(Number(req.query.get("page") ?? 1) || 1, 1);
      const last = Math.max(Math.ceil(filtered.length / perPage), 1);
      return kit.ok({
        [key]: filtered.slice((page - 1) * perPage, page * perPage),
        meta: { pagination: { page, per_page: perPage, previous_page: page > 1 ? page - 1 : null, next_page: page < last ? page + 1 : null, last_page: last, total_entries: filtered.length } },
      });
    },
    requireString(body, field) {
      const v = body[field];
      if (typeof v !== "string" || v === "") return invalidInput(field, "Missing data for required field.");
      return v;
    },
    uniqueName(collection, name, kind, except) {
      if (Object.values(collection).some((o) => o.name === name && o.id !== except)) fail(409, "uniqueness_error", `${kind} name is already used`);
    },
    renameAndLabel(collection, resource, body, kind) {
      if (typeof body.name === "string") {
        kit.uniqueName(collection, body.name, kind, resource.id as number);
        resource.name = body.name;
      }
      if (body.labels !== undefined) resource.labels = labelsOf(body);
    },
  };
  return kit;
}
