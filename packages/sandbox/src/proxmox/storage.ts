import { type ApiRequest, type Router } from "../router.js";
import type { PveContext } from "./context.js";
import { DOWNLOADED_IMAGE_BYTES, STORAGES, str } from "./props.js";
import type { PveVolume } from "../state.js";

/** Storage, content, downloads (pve-storage src/PVE/API2/Storage/*.pm). */
export function registerStorage(r: Router, c: PveContext): void {
  const { store, fail, ok, checkNode, vmid, startTask, volumes, vmVolumes, usedBytes } = c;
  // --- storage and downloads ---
  const storageInfo = (node: string, storage: string) => {
    const s = STORAGES[storage] ?? fail(500, `storage '${storage}' does not exist`);
    const used = usedBytes(node, storage);
    return { storage, type: s.type, content: s.content, active: 1, enabled: 1, shared: 0, total: s.total, used, avail: s.total - used, used_fraction: used / s.total };
  };
  r.get("/storage", () => ok(Object.entries(STORAGES).map(([storage, s]) => ({ storage, type: s.type, content: s.content, ...(s.path ? { path: s.path } : {}), digest: "0" }))));
  r.get("/storage/:storage", (q) => {
    const s = STORAGES[q.params.storage!] ?? fail(500, `storage '${q.params.storage}' does not exist`);
    return ok({ storage: q.params.storage, type: s.type, content: s.content, ...(s.path ? { path: s.path } : {}), digest: "0" });
  });
  r.get("/nodes/:node/storage", (q) => {
    checkNode(q.params.node!);
    const content = str(q.body.content);
    return ok(Object.keys(STORAGES).map((s) => storageInfo(q.params.node!, s)).filter((s) => !content || s.content.split(",").includes(content)));
  });
  r.get("/nodes/:node/storage/:storage/status", (q) => {
    checkNode(q.params.node!);
    return ok(storageInfo(q.params.node!, q.params.storage!));
  });
  r.get("/nodes/:node/storage/:storage/content", (q) => {
    checkNode(q.params.node!);
    storageInfo(q.params.node!, q.params.storage!);
    const content = str(q.body.content);
    const vmidFilter = str(q.body.vmid);
    const all = [...volumes(q.params.node!, q.params.storage!), ...vmVolumes(q.params.node!, q.params.storage!)];
    return ok(all.filter((v) => (!content || v.content === content) && (!vmidFilter || String(v.vmid) === vmidFilter)));
  });
  const findVolume = (q: ApiRequest): PveVolume => {
    checkNode(q.params.node!);
    storageInfo(q.params.node!, q.params.storage!);
    const wanted = q.params.volume!.includes(":") ? q.params.volume! : `${q.params.storage}:${q.params.volume}`;
    return volumes(q.params.node!, q.params.storage!).find((v) => v.volid === wanted) ?? fail(500, `volume '${wanted}' does not exist`);
  };
  r.get("/nodes/:node/storage/:storage/content/:volume", (q) => {
    const wanted = q.params.volume!.includes(":") ? q.params.volume! : `${q.params.storage}:${q.params.volume}`;
    const v = vmVolumes(q.params.node!, q.params.storage!).find((x) => x.volid === wanted) ?? findVolume(q);
    return ok({ path: `/var/lib/vz/${v.volid.split(":")[1]}`, size: v.size, used: v.size, format: v.format });
  });
  r.delete("/nodes/:node/storage/:storage/content/:volume", (q) => {
    const v = findVolume(q);
    const list = volumes(q.params.node!, q.params.storage!);
    list.splice(list.indexOf(v), 1);
    store.changed();
    return ok(startTask(q.params.node!, "imgdel", v.volid));
  });
  r.get("/nodes/:node/query-url-metadata", (q) => {
    checkNode(q.params.node!);
    const url = str(q.body.url) ?? fail(400, "Parameter verification failed.", { url: "property is missing and it is not optional" });
    const filename = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "image");
    return ok({ filename, size: DOWNLOADED_IMAGE_BYTES, mimetype: "application/octet-stream" });
  });
  r.post("/nodes/:node/storage/:storage/download-url", (q) => {
    checkNode(q.params.node!);
    const info = storageInfo(q.params.node!, q.params.storage!);
    const content = str(q.body.content) ?? fail(400, "Parameter verification failed.", { content: "property is missing and it is not optional" });
    const filename = str(q.body.filename) ?? fail(400, "Parameter verification failed.", { filename: "property is missing and it is not optional" });
    str(q.body.url) ?? fail(400, "Parameter verification failed.", { url: "property is missing and it is not optional" });
    if (!info.content.split(",").includes(content)) fail(500, `storage '${q.params.storage}' does not support content-type '${content}'`);
    const volid = `${q.params.storage}:${content}/${filename}`;
    const list = volumes(q.params.node!, q.params.storage!);
    if (list.some((v) => v.volid === volid)) fail(500, `refusing to override existing file '${filename}'`);
    return ok(startTask(q.params.node!, "download", q.params.storage!, (task) => {
      task.log.push(`downloading ${String(q.body.url)} to /var/lib/vz/${content}/${filename}`);
      list.push({ volid, content, format: filename.split(".").pop() ?? "raw", size: DOWNLOADED_IMAGE_BYTES, ctime: Math.floor(Date.now() / 1000) });
      store.changed();
    }));
  });
}
