import { type ApiRequest, type Router } from "../router.js";
import type { PveContext } from "./context.js";
import type { PveTask } from "../state.js";

/** Task status and logs (pve-manager PVE/API2/Tasks.pm). */
export function registerTasks(r: Router, c: PveContext): void {
  const { pve, fail, ok, checkNode } = c;
  // --- tasks ---
  const getTask = (q: ApiRequest): PveTask => {
    checkNode(q.params.node!);
    const task = pve.tasks[q.params.upid!];
    if (!task) fail(400, `no such task '${q.params.upid}'`);
    return task!;
  };
  r.get("/nodes/:node/tasks", (q) => {
    checkNode(q.params.node!);
    return ok(Object.values(pve.tasks).filter((t) => t.node === q.params.node).map(({ log: _log, ...t }) => t));
  });
  r.get("/nodes/:node/tasks/:upid/status", (q) => {
    const { log: _log, ...task } = getTask(q);
    return ok({ ...task, tokenid: task.user.split("!")[1] });
  });
  r.get("/nodes/:node/tasks/:upid/log", (q) => {
    const task = getTask(q);
    const start = Number(q.body.start ?? 0);
    const limit = Number(q.body.limit ?? 50);
    return ok(task.log.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t })));
  });
  r.delete("/nodes/:node/tasks/:upid", (q) => {
    const task = getTask(q);
    if (task.status === "running") task.exitstatus = "received interrupt";
    return ok();
  });
}
