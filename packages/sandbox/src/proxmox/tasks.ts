import { type ApiRequest, type Router } from "../router.js";
import type { PveContext } from "./context.js";
import type { PveTask } from "../state.js";

/** Task status and logs (pve-manager PVE/API2/Tasks.pm). */
export function registerTasks(r: Router, c: PveContext): void {
  const { pve, fail, ok, checkNode } = c;
  // Tasks.pm: raise_param_exc({ upid => "unable to parse worker upid" | "no such task" }).
  const getTask = (q: ApiRequest): PveTask => {
    checkNode(q.params.node!);
    // pve-common src/PVE/UPID.pm `decode`.
    if (!/^UPID:[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:\s/]+:[^:\s/]*:[^:\s/]+:$/.test(q.params.upid!)) fail(400, "Parameter verification failed.", { upid: "unable to parse worker upid" });
    const task = pve.tasks[q.params.upid!];
    return task ?? fail(400, "Parameter verification failed.", { upid: "no such task" });
  };
  r.get("/nodes/:node/tasks", (q) => {
    checkNode(q.params.node!);
    return ok(Object.values(pve.tasks).filter((t) => t.node === q.params.node).map(({ log: _log, ...t }) => t));
  });
  // Tasks.pm `read_task_status`: the fields of the UPID (upid_decode), the token split off the
  // user (`$convert_token_task`), `status`, and `exitstatus` once stopped.
  r.get("/nodes/:node/tasks/:upid/status", (q) => {
    const { log: _log, endtime: _end, exitstatus, user, ...task } = getTask(q);
    const [owner = user, tokenid] = user.split("!");
    return ok({ ...task, user: owner, ...(tokenid ? { tokenid } : {}), ...(task.status === "stopped" ? { exitstatus } : {}) });
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
