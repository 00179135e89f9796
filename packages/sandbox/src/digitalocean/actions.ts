import type { DoAction } from "../state.js";
import { regionView } from "./catalog.js";
import type { DoKit, Obj } from "./context.js";
import { notFound } from "./errors.js";

export const actionView = (a: DoAction): Obj => ({ ...a, region: regionView(a.region_slug) });

export function registerActions(kit: DoKit): void {
  const { r, ok, list } = kit;
  r.get("/actions", (q) => list(q, "actions", Object.values(kit.actions).map(actionView)));
  r.get("/actions/:id", (q) => ok({ action: actionView(kit.actions[q.params.id!] ?? notFound()) }));
}
