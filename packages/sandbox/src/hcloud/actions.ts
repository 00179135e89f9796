import type { HcloudKit } from "./context.js";
import { notFound } from "./errors.js";

/**
 * Actions: `GET /actions?id=..&id=..` is how hcloud-go v2.47.0 `hcloud/action_waiter.go`
 * `WaitForFunc` polls running actions (in chunks of 25 ids); `status` is running, success or error.
 */
export function registerActions(kit: HcloudKit): void {
  const { r, ok, list } = kit;
  r.get("/actions", (q) => {
    const ids = q.query.getAll("id");
    const status = q.query.getAll("status");
    return list(q, "actions", Object.values(kit.actions).map((a) => ({ ...a })), (a) => (ids.length === 0 || ids.includes(String(a.id))) && (status.length === 0 || status.includes(String(a.status))));
  });
  r.get("/actions/:id", (q) => ok({ action: kit.actions[q.params.id!] ?? notFound("action", q.params.id) }));
}
