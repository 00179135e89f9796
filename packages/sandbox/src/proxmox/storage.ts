import { ApiError, type ApiRequest, type Router } from "../router.js";
import type { PveContext } from "./context.js";
import { DOWNLOADED_IMAGE_BYTES, STORAGES, str } from "./props.js";
import type { PveVolume } from "../state.js";
import { downloadFile } from "./images.js";

const DOWNLOAD_CONTENT = ["iso", "vztmpl", "import"];
/** pve-storage Storage.pm `get_iso_dir`, `get_vztmpl_dir`, `get_import_dir` below a dir storage's path. */
const CONTENT_DIR: Record<string, string> = { iso: "template/iso", vztmpl: "template/cache", import: "import" };

/** pve-storage Storage.pm `normalize_content_filename`: the last path component, unsafe characters as `_`. */
export function normalizeContentFilename(name: string): string {
  return name.replace(/\n$/, "").replace(/^.*[/\\]/, "").replace(/[^a-zA-Z0-9_.-]/g, "_");
}

/**
 * The file-name checks of `download_url` (pve-storage API2/Storage/Status.pm), with the
 * extension patterns of pve-storage Storage.pm: iso `$ISO_EXT_RE_0` (.iso/.img, any case),
 * vztmpl `$VZTMPL_EXT_RE_1` (.tar, .tar.gz/xz/zst/bz2), import `$SAFE_CHAR_CLASS_RE` +
 * `$UPLOAD_IMPORT_EXT_RE_1` (.ova/.qcow2/.raw/.vmdk, lower case). Refusals are 400s on `filename`.
 */
export function checkDownloadFile(content: string, name: string): { filename: string; format: string } {
  const filename = normalizeContentFilename(name);
  const refuse = (why: string): never => {
    throw new ApiError(400, "Parameter verification failed.", undefined, { filename: why });
  };
  if (content === "iso") {
    if (!/[^/]+\.(?:iso|img)$/i.test(filename)) refuse("wrong file extension");
    return { filename, format: "iso" };
  }
  if (content === "vztmpl") {
    const m = /[^/]+\.(tar(?!\.)|tar\.(?:gz|xz|zst|bz2))$/i.exec(filename) ?? refuse("wrong file extension");
    return { filename, format: m[1]!.toLowerCase() };
  }
  if (content === "import") {
    const m = /[a-zA-Z0-9\-.+=_]+\.(ova|qcow2|raw|vmdk)$/.exec(filename) ?? refuse("invalid filename or wrong extension");
    return { filename, format: m[1]! };
  }
  return refuse(`upload content-type '${content}' is not allowed`);
}

/** pve-common ParseUtils.pm `encode_text`: control and high-bit characters, ':' and '%' as %XX (a task id). */
export const encodeText = (text: string): string =>
  [...Buffer.from(text, "utf8")].map((b) => (b >= 0x20 && b <= 0x7e && b !== 0x3a && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

/** Storage, content, downloads (pve-storage src/PVE/API2/Storage/*.pm). */
export function registerStorage(r: Router, c: PveContext): void {
  const { store, fail, ok, checkNode, vmid, startTask, volumes, vmVolumes, usedBytes } = c;
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
    // pve-storage API2/Storage/Content.pm `delete`: the task id is "<owner vmid>@<storage>" or the storage.
    return ok(startTask(q.params.node!, "imgdel", v.vmid !== undefined ? `${v.vmid}@${q.params.storage}` : q.params.storage!));
  });
  r.get("/nodes/:node/query-url-metadata", (q) => {
    checkNode(q.params.node!);
    const url = str(q.body.url) ?? fail(400, "Parameter verification failed.", { url: "property is missing and it is not optional" });
    const filename = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "image");
    return ok({ filename, size: DOWNLOADED_IMAGE_BYTES, mimetype: "application/octet-stream" });
  });
  /**
   * pve-storage src/PVE/API2/Storage/Status.pm `download_url`: a file-based storage configured for
   * the content type, the file name normalised and checked per content type (`checkDownloadFile`),
   * then a `download` task named after the file that refuses to overwrite an existing file
   * (pve-common Tools.pm `download_file_from_url`).
   */
  r.post("/nodes/:node/storage/:storage/download-url", (q) => {
    checkNode(q.params.node!);
    const storage = q.params.storage!;
    const content = str(q.body.content) ?? fail(400, "Parameter verification failed.", { content: "property is missing and it is not optional" });
    const rawName = str(q.body.filename) ?? fail(400, "Parameter verification failed.", { filename: "property is missing and it is not optional" });
    const url = str(q.body.url) ?? fail(400, "Parameter verification failed.", { url: "property is missing and it is not optional" });
    // The schema: url pattern 'https?://.*', content enum [iso, vztmpl, import].
    if (!/^https?:\/\/.*$/.test(url)) fail(400, "Parameter verification failed.", { url: "value does not match the regex pattern" });
    if (!DOWNLOAD_CONTENT.includes(content)) fail(400, "Parameter verification failed.", { content: `value '${content}' does not have a value in the enumeration '${DOWNLOAD_CONTENT.join(", ")}'` });
    const info = storageInfo(q.params.node!, storage);
    const s = STORAGES[storage]!;
    if (!s.path) fail(500, `can't upload to storage type '${s.type}', not a file based storage!`);
    if (!info.content.split(",").includes(content)) fail(500, `storage '${storage}' is not configured for content-type '${content}'`);
    const file = checkDownloadFile(content, rawName);
    const volid = `${storage}:${content}/${file.filename}`;
    const dest = `${s.path}/${CONTENT_DIR[content]}/${file.filename}`;
    const list = volumes(q.params.node!, storage);
    return ok(startTask(q.params.node!, "download", encodeText(file.filename), (task) => {
      // Checksum and overwrite rules: images.ts `downloadFile` (pve-common Tools.pm download_file_from_url).
      if (!downloadFile(task, { url, dest, existing: list.some((v) => v.volid === volid), checksum: str(q.body.checksum), algorithm: str(q.body["checksum-algorithm"]) })) return;
      list.push({ volid, content, format: file.format, size: DOWNLOADED_IMAGE_BYTES, ctime: Math.floor(Date.now() / 1000) });
      store.changed();
    }));
  });
}
