import type { Faults } from "../faults.js";
import { paginate } from "../cloudApi.js";
import { type ApiRequest, type ApiResponse, Router, isoNow, sleep } from "../router.js";
import type { DoAction, Store } from "../state.js";

/** Timing of the emulated DigitalOcean. */
export interface DigitalOceanTiming {
  /** How long a new droplet stays `new` before it is `active` (its `create` action runs as long), in ms. @default 300 */
  bootMs?: number;
  /** How long an action stays `in-progress`, in ms. @default 100 */
  actionMs?: number;
}

export type Obj = Record<string, unknown>;

export interface DropletRecord extends Obj {
  id: number;
  name: string;
  status: "new" | "active" | "off" | "archive";
  locked: boolean;
  tags: string[];
  vpc_uuid: string;
  region: Obj & { slug: string };
  features: string[];
}

export interface TagRecord extends Obj {
  name: string;
}

export interface DoKit {
  store: Store;
  faults: Faults;
  timing: Required<DigitalOceanTiming>;
  r: Router;
  droplets: Record<string, DropletRecord>;
  reservedIps: Record<string, Obj>;
  firewalls: Record<string, Obj>;
  vpcs: Record<string, Obj>;
  sshKeys: Record<string, Obj>;
  backupPolicies: Record<string, Obj>;
  tags: Record<string, TagRecord>;
  actions: Record<string, DoAction>;
  ok(body: unknown, status?: number): ApiResponse;
  /** Start an action; it completes after `ms` (default `actionMs`) and then calls `done`. */
  newAction(type: string, resourceId: number | null, resourceType: string, region: string, done?: () => void, ms?: number): DoAction;
  /** An in-progress action touching this droplet (its own, or a reserved IP's assign/unassign). */
  pendingOn(dropletId: number): DoAction | undefined;
  /** Record that an action of another resource (a reserved IP's assign/unassign) keeps this droplet busy while it runs. */
  touchDroplet(actionId: number, dropletId: number): void;
  /** Absolute URL of an API path, on the host the request came to (`links` carry absolute URLs). */
  url(req: ApiRequest, path: string): string;
  list(req: ApiRequest, key: string, items: Obj[], path?: string): ApiResponse;
}

export function createKit(store: Store, faults: Faults, timing: Required<DigitalOceanTiming>): DoKit {
  const d = store.data.digitalocean;
  d.tags ??= {}; // state files written before tags were state
  const touches = new Map<number, number>();
  const kit: DoKit = {
    store,
    faults,
    timing,
    r: new Router(),
    droplets: d.droplets as unknown as Record<string, DropletRecord>,
    reservedIps: d.reservedIps,
    firewalls: d.firewalls,
    vpcs: d.vpcs,
    sshKeys: d.sshKeys,
    backupPolicies: d.backupPolicies,
    tags: d.tags as Record<string, TagRecord>,
    actions: d.actions,
    ok: (body, status = 200) => ({ status, body }),
    newAction(type, resourceId, resourceType, region, done, ms = timing.actionMs) {
      const action: DoAction = { id: store.nextId(), status: "in-progress", type, started_at: isoNow(), completed_at: null, resource_id: resourceId, resource_type: resourceType, region_slug: region };
      d.actions[action.id] = action;
      store.changed();
      void sleep(ms + faults.slowMs).then(() => {
        try {
          done?.();
          action.status = "completed";
        } catch {
          action.status = "errored";
        }
        action.completed_at = isoNow();
        touches.delete(action.id);
        store.changed();
      });
      return action;
    },
    pendingOn(dropletId) {
      return Object.values(d.actions).find((a) => a.status === "in-progress" && ((a.resource_type === "droplet" && a.resource_id === dropletId) || touches.get(a.id) === dropletId));
    },
    touchDroplet(actionId, dropletId) {
      touches.set(actionId, dropletId);
    },
    url(req, path) {
      return `http://${req.headers.host ?? "127.0.0.1"}${path}`;
    },
    /**
     * Pagination per the description's "Links & Pagination": 20 per page by default, at most
     * 200; `links.pages` holds first/prev/next/last as URLs; `meta.total` counts all items.
     */
    list(req, key, items, path = key) {
      const { page, perPage, last, items: shown } = paginate(req, items, { default: 20, max: 200 });
      const at = (n: number) => kit.url(req, `/v2/${path}?page=${n}&per_page=${perPage}`);
      const pages: Obj = {};
      if (page > 1) Object.assign(pages, { first: at(1), prev: at(page - 1) });
      if (page < last) Object.assign(pages, { next: at(page + 1), last: at(last) });
      return kit.ok({ [key]: shown, links: Object.keys(pages).length ? { pages } : {}, meta: { total: items.length } });
    },
  };
  return kit;
}

