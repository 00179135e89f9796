import type { ApiRequest, ApiResponse, Router } from "../router.js";
import type { PveContext } from "./context.js";
import { pendingArray } from "./hotplug.js";
import { bool, DISK_KEY, formatSize, joinProp, parseSize, splitProp, str, uuidFor } from "./props.js";
import { storageEntry } from "./storageConfig.js";
import { LOCK_TIMEOUT_S } from "./locks.js";
import type { PveVm } from "../state.js";
import { guestDestroyCleanup, guestDestroyChecks } from "./guestCleanup.js";

/** VMs: list, create, config, resize, template, status, power, destroy (qemu-server src/PVE/API2/Qemu.pm). */
export function registerVms(r: Router, c: PveContext): void {
  const { allocateVolume, copyData, applyPending, store, pve, withConfigLock, fail, ok, checkNode, vmid, getVm, checkUnlocked, reload, startTask, applyConfig, renderConfig, diskBytes, memoryBytes, cpus, isTemplate, agentEnabled, vmResource, destroyVm } = c;
  r.get("/nodes/:node/qemu", (q) => {
    checkNode(q.params.node!);
    return ok(Object.values(pve.vms).filter((vm) => vm.node === q.params.node).map((vm) => {
      const { id: _id, type: _type, node: _node, ...rest } = vmResource(vm);
      return rest;
    }));
  });

  /**
   * qemu-server API2/Qemu.pm `create_vm`: `create_and_lock_config` in the request (the config
   * exists with `lock: create` from then on), then a `qmcreate` task under `lock_config_full`
   * (1 s) that allocates each new disk under the storage lock and copies `import-from` images
   * (QemuServer.pm `create_disks`), then drops the lock.
   */
  r.post("/nodes/:node/qemu", (q) => {
    checkNode(q.params.node!);
    const id = vmid(str(q.body.vmid));
    if (pve.vms[id]) fail(500, `unable to create VM ${id} - VM ${id} already exists on node '${pve.vms[id]!.node}'`);
    // pve-cluster Cluster.pm `check_vmid_unused`: ids are shared with containers ("CT <id> already exists").
    if (pve.containers?.[id]) fail(500, `unable to create VM ${id} - CT ${id} already exists on node '${pve.containers[id]!.node}'`);
    // Qemu.pm `create_vm`: `check_pool_exist` up front (a 403 "pool does not exist"), and
    // `add_vm_to_pool` once the VM is created.
    const pool = str(q.body.pool);
    if (pool !== undefined && !pve.pools[pool]) fail(403, `Permission check failed (pool '${pool}' does not exist)`);
    const vm: PveVm = { vmid: id, node: q.params.node!, status: "stopped", lock: "create", config: {}, firewall: { rules: [], options: {} } };
    if (pool !== undefined) vm.config.pool = pool;
    pve.vms[id] = vm;
    try {
      applyConfig(vm, q.body);
    } catch (e) {
      delete pve.vms[id];
      throw e;
    }
    if (!vm.config.smbios1) vm.config.smbios1 = `uuid=${uuidFor(id)}`;
    if (!vm.config.vmgenid) vm.config.vmgenid = uuidFor(id + 0.5);
    vm.config.meta = `creation-qemu=8.1.5,ctime=${Math.floor(Date.now() / 1000)}`;
    // New volumes: `<storage>:<size>` values in the request; imports copy their data.
    const allocations = Object.entries(q.body)
      .filter(([key, value]) => DISK_KEY.test(key) && /^(file=)?[^:,]+:\d+(\.\d+)?(,|$)/.test(String(value)))
      .map(([key, value]) => ({ storage: String(value).replace(/^file=/, "").split(":")[0]!, imported: /(^|,)import-from=/.test(String(value)), bytes: parseSize(splitProp(String(vm.config[key] ?? "")).opts.find(([k]) => k === "size")?.[1] ?? "0") }));
    store.changed();
    return ok(startTask(q.params.node!, "qmcreate", id, () =>
      withConfigLock(id, "exclusive", LOCK_TIMEOUT_S.clone, async () => {
        try {
          for (const a of allocations) {
            await allocateVolume(a.storage, () => undefined);
            if (a.imported) await copyData(a.storage, a.bytes);
          }
        } catch (e) {
          // create_vm frees the new volumes and dies with "$emsg $err".
          delete pve.vms[id];
          store.changed();
          throw new Error(`unable to create VM ${id} - ${e instanceof Error ? e.message : String(e)}`);
        }
        delete vm.lock;
        if (bool(q.body.start)) {
          vm.status = "running";
          vm.startedAt = Date.now();
        }
        store.changed();
      }, () => false)));
  });

  r.get("/nodes/:node/qemu/:vmid/config", (q) => ok(renderConfig(getVm(q.params.node!, q.params.vmid), bool(q.body.current))));
  r.get("/nodes/:node/qemu/:vmid/pending", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const { digest: _digest, ...current } = renderConfig(vm, true);
    const config = Object.fromEntries(Object.entries(current).map(([k, v]) => [k, v as string | number]));
    return ok(pendingArray(config, vm.pending ?? {}, vm.pendingDelete ?? []));
  });
  /**
   * qemu-server API2/Qemu.pm `update_vm_api`: PUT runs `lock_config` (10 s) in the request (a
   * timeout is the HTTP error), POST in a `qmconfig` task; inside, `check_lock` refuses a locked VM.
   */
  const updateConfig = async (vm: PveVm, body: Record<string, unknown>): Promise<void> => {
    await withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
      const now = reload(vm);
      if (!bool(body.skiplock)) checkUnlocked(now);
      applyConfig(now, body);
      store.changed();
    });
  };
  r.put("/nodes/:node/qemu/:vmid/config", async (q) => {
    await updateConfig(getVm(q.params.node!, q.params.vmid), q.body);
    return ok();
  });
  r.post("/nodes/:node/qemu/:vmid/config", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    return ok(startTask(vm.node, "qmconfig", vm.vmid, () => updateConfig(vm, q.body)));
  });
  r.put("/nodes/:node/qemu/:vmid/cloudinit", (q) => {
    getVm(q.params.node!, q.params.vmid);
    return ok();
  });
  /** qemu-server API2/Qemu.pm `resize_vm`: a `resize` task; every check runs inside it under `lock_config` (10 s). */
  r.put("/nodes/:node/qemu/:vmid/resize", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const disk = str(q.body.disk) ?? fail(400, "Parameter verification failed.", { disk: "property is missing and it is not optional" });
    const sizeArg = str(q.body.size) ?? fail(400, "Parameter verification failed.", { size: "property is missing and it is not optional" });
    if (!/^\+?\d+(\.\d+)?[KMGT]?$/.test(sizeArg)) fail(400, "Parameter verification failed.", { size: `value does not match the regex pattern` });
    return ok(startTask(vm.node, "resize", vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        if (!bool(q.body.skiplock)) checkUnlocked(now);
        const current = str(now.config[disk]) ?? fail(500, `disk '${disk}' does not exist`);
        const { head, opts } = splitProp(current);
        if (head === "none" || head === "cdrom" || opts.some(([k, v]) => k === "media" && v === "cdrom")) fail(500, "you can't resize a cdrom");
        const currentBytes = parseSize(opts.find(([k]) => k === "size")?.[1] ?? "0");
        const wanted = sizeArg.startsWith("+") ? currentBytes + parseSize(sizeArg.slice(1)) : parseSize(sizeArg);
        if (wanted < currentBytes) fail(500, "shrinking disks is not supported");
        now.config[disk] = joinProp(head, [...opts.filter(([k]) => k !== "size"), ["size", formatSize(wanted)]]);
        store.changed();
      })));
  });
  r.post("/nodes/:node/qemu/:vmid/move_disk", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    checkUnlocked(vm);
    const disk = str(q.body.disk) ?? fail(400, "Parameter verification failed.", { disk: "property is missing and it is not optional" });
    const storage = str(q.body.storage) ?? fail(400, "Parameter verification failed.", { storage: "property is missing and it is not optional" });
    if (!storageEntry(pve, storage)) fail(500, `storage '${storage}' does not exist`);
    const current = str(vm.config[disk]) ?? fail(500, `disk '${disk}' does not exist`);
    if (current.startsWith(`${storage}:`)) fail(500, "you can't move to the same storage with same format");
    vm.config[disk] = current.replace(/^[^:]+:/, `${storage}:`);
    store.changed();
    return ok(startTask(vm.node, "qmmove", vm.vmid));
  });
  /** qemu-server API2/Qemu.pm `template`: `$load_and_check` before the task and again inside it under `lock_config`. */
  r.post("/nodes/:node/qemu/:vmid/template", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const loadAndCheck = (v: PveVm): void => {
      checkUnlocked(v);
      if (isTemplate(v)) fail(500, "you can't convert a template to a template");
      if (v.status === "running") fail(500, "you can't convert a VM to template if VM is running");
    };
    loadAndCheck(vm);
    return ok(startTask(vm.node, "qmtemplate", vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        loadAndCheck(now);
        now.config.template = 1;
        for (const [k, v] of Object.entries(now.config)) if (DISK_KEY.test(k)) now.config[k] = String(v).replace(`vm-${now.vmid}-disk-`, `base-${now.vmid}-disk-`);
        store.changed();
      })));
  });

  r.get("/nodes/:node/qemu/:vmid/status/current", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const running = vm.status === "running";
    return ok({
      vmid: vm.vmid,
      name: vm.config.name,
      status: vm.status,
      qmpstatus: vm.status,
      cpus: cpus(vm),
      maxmem: memoryBytes(vm),
      mem: running ? Math.floor(memoryBytes(vm) / 4) : 0,
      maxdisk: diskBytes(vm),
      disk: 0,
      uptime: running && vm.startedAt ? Math.floor((Date.now() - vm.startedAt) / 1000) : 0,
      cpu: 0,
      netin: 0,
      netout: 0,
      diskread: 0,
      diskwrite: 0,
      ha: { managed: 0 },
      ...(agentEnabled(vm) ? { agent: 1 } : {}),
      ...(isTemplate(vm) ? { template: 1 } : {}),
      ...(vm.lock ? { lock: vm.lock } : {}),
      ...(running ? { pid: 10_000 + vm.vmid, "running-qemu": "8.1.5", "running-machine": "pc-i440fx-8.1+pve0" } : {}),
      ...(vm.config.tags ? { tags: vm.config.tags } : {}),
    });
  });

  /**
   * Power actions run in a task under `lock_config` (10 s): qemu-server QemuServer.pm `vm_start`
   * (template, `check_lock`, "already running" checked inside the lock), `vm_stop` (`_do_vm_stop`:
   * nothing to do when not running, else `check_lock`), `vm_reboot`/shutdown likewise.
   */
  const power = (action: "start" | "stop" | "shutdown" | "reboot" | "reset" | "suspend" | "resume") => (q: ApiRequest): ApiResponse => {
    const vm = getVm(q.params.node!, q.params.vmid);
    // API2/Qemu.pm `vm_reboot` refuses a stopped VM in the request; `vm_shutdown` goes through
    // `vm_stop`, where a VM that is not running is nothing to do.
    if (action === "reboot" && vm.status !== "running") fail(500, `VM ${vm.vmid} not running`);
    const type = `qm${action}`;
    const skiplock = bool(q.body.skiplock);
    return ok(startTask(vm.node, type, vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        if (action === "start") {
          if (isTemplate(now)) fail(500, "you can't start a vm if it's a template");
          if (!skiplock) checkUnlocked(now);
          if (now.status === "running") fail(500, `VM ${now.vmid} already running`);
        } else if (now.status !== "running" && (action === "stop" || action === "shutdown")) {
          return;
        } else if (!skiplock) checkUnlocked(now);
        // A new QEMU process (start, reboot) takes the pending changes (QemuServer.pm vm_start_nolock -> vmconfig_apply_pending).
        if (action === "start" || action === "reboot") applyPending(now);
        if (action === "start" || action === "reboot" || action === "reset" || action === "resume") {
          if (now.status !== "running" || action !== "resume") now.startedAt = Date.now();
          now.status = "running";
        } else if (action === "stop" || action === "shutdown") {
          now.status = "stopped";
          delete now.startedAt;
        }
        store.changed();
      })));
  };
  for (const action of ["start", "stop", "shutdown", "reboot", "reset", "suspend", "resume"] as const) r.post(`/nodes/:node/qemu/:vmid/status/${action}`, power(action));

  /**
   * qemu-server API2/Qemu.pm `destroy_vm`: early checks (exists, running) before the task, then
   * under `lock_config` again; QemuServer.pm `destroy_vm` refuses a locked VM (`check_lock`) and a
   * template whose base volume a linked clone uses.
   */
  r.delete("/nodes/:node/qemu/:vmid", (q) => {
    const vm = getVm(q.params.node!, q.params.vmid);
    const early = (v: PveVm): void => {
      if (bool(v.config.protection)) fail(500, `can't remove VM ${v.vmid} - protection mode enabled`);
      guestDestroyChecks(pve, v.vmid, bool(q.body.purge));
      if (v.status === "running") fail(500, `VM ${v.vmid} is running - destroy failed`);
    };
    early(vm);
    return ok(startTask(vm.node, "qmdestroy", vm.vmid, () =>
      withConfigLock(vm.vmid, "exclusive", LOCK_TIMEOUT_S.config, () => {
        const now = reload(vm);
        early(now);
        if (!bool(q.body.skiplock)) checkUnlocked(now);
        if (isTemplate(now)) {
          const base = Object.values(now.config).map((v) => splitProp(String(v)).head).find((head) => head.includes(`:base-${now.vmid}-`) &&
            Object.values(pve.vms).some((other) => other !== now && Object.values(other.config).some((v) => String(v).startsWith(`${head}/`))));
          if (base) fail(500, `base volume '${base}' is still in use by linked cloned`);
        }
        now.lock = "destroyed";
        destroyVm(now, bool(q.body.purge));
        guestDestroyCleanup(pve, now.vmid, bool(q.body.purge));
        store.changed();
      })));
  });
}
