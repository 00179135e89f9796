import { createHash } from "node:crypto";
import type { Router } from "../router.js";
import type { PveTask, PveVolume } from "../state.js";
import type { PveContext } from "./context.js";
import { DOWNLOADED_IMAGE_BYTES, str } from "./props.js";
import { encodeText, normalizeContentFilename } from "./storage.js";
import { storageEntry } from "./storageConfig.js";

/**
 * `oci_registry_pull`'s `reference` pattern (pve-storage src/PVE/API2/Storage/Status.pm): an
 * optional registry host[:port]/, a lower-case repository path and a mandatory `:tag`.
 */
export const OCI_REFERENCE =
  /^(?:(?:[a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d])(?:\.(?:[a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d]))*(?::\d+)?\/)?[a-z\d]+(?:(?:[._]|__|[-]*)[a-z\d]+)*(?:\/[a-z\d]+(?:(?:[._]|__|[-]*)[a-z\d]+)*)*:\w[\w.-]{0,127}$/;

/**
 * Images on storage beyond `download-url`'s file-name checks (storage.ts): the checksum a
 * download is verified against, and OCI images pulled from a registry (PVE 9.1).
 */

/** The algorithms of `download-url`'s `checksum-algorithm` (schema enum; pve-common Tools.pm `get_file_hash`). */
export type ChecksumAlgorithm = "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512";
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

/**
 * What the sandbox "downloads" from a URL: it has no internet, so the file's bytes are this
 * text. Tests and users who want a download to verify compute its checksum with
 * `downloadedFileHash`.
 */
export const downloadedFileContent = (url: string): string => `hearth-sandbox download of ${url}\n`;

/** pve-common Tools.pm `get_file_hash`: lower-case hex digest of the file. */
export function downloadedFileHash(url: string, algorithm: ChecksumAlgorithm): string {
  return createHash(algorithm).update(downloadedFileContent(url)).digest("hex").toLowerCase();
}

/**
 * pve-common Tools.pm `download_file_from_url`, inside the `download` task: with a checksum, an
 * existing file that matches is kept ("OK, got correct file already, no need to download"), one
 * that does not fails the task (`checksum mismatch: got '<got>' != expect '<want>', aborting`);
 * without one, an existing file is refused (`refusing to override existing file '<dest>'`). After
 * the download the checksum is compared case-insensitively (`checksum mismatch: got '<got>' !=
 * expect '<want>'`) and the file only then renamed into place. Returns false when the file
 * was already there (nothing new to add).
 */
export function downloadFile(task: PveTask, opts: { url: string; dest: string; existing: boolean; checksum?: string; algorithm?: string }): boolean {
  const algorithm = opts.algorithm as ChecksumAlgorithm | undefined;
  task.log.push(`downloading ${opts.url} to ${opts.dest}`);
  if (opts.existing) {
    if (algorithm && opts.checksum !== undefined) {
      task.log.push("calculating checksum of existing file...");
      // The existing file's bytes are the sandbox's download of the same name; it cannot know
      // which URL it came from, so it compares with this URL's content.
      const got = downloadedFileHash(opts.url, algorithm);
      if (got === opts.checksum.toLowerCase()) {
        task.log.push("OK, got correct file already, no need to download");
        return false;
      }
      throw new Error(`checksum mismatch: got '${got}' != expect '${opts.checksum}', aborting`);
    }
    throw new Error(`refusing to override existing file '${opts.dest}'`);
  }
  if (algorithm && opts.checksum !== undefined) {
    task.log.push("calculating checksum...");
    const got = downloadedFileHash(opts.url, algorithm);
    if (got !== opts.checksum.toLowerCase()) throw new Error(`checksum mismatch: got '${got}' != expect '${opts.checksum}'`);
    task.log.push("OK, checksum verified");
  }
  task.log.push(`download of '${opts.url}' to '${opts.dest}' finished`);
  return true;
}

/**
 * `oci_registry_pull` (pve-storage src/PVE/API2/Storage/Status.pm, PVE 9.1): a file-based
 * storage configured for `vztmpl`; the file is `normalize_content_filename(filename //
 * reference) . ".tar"` in the template cache; an existing file is refused in the request
 * (`refusing to override existing file '<name>'`); the `ociregistrypull` task (named after the
 * encoded file name) runs `skopeo copy docker://<reference> oci-archive:<path>`.
 */
export function registerImages(r: Router, c: PveContext): void {
  const { store, fail, ok, checkNode, startTask, volumes } = c;
  r.post("/nodes/:node/storage/:storage/oci-registry-pull", (q) => {
    checkNode(q.params.node!);
    const storage = q.params.storage!;
    const reference = str(q.body.reference) ?? fail(400, "Parameter verification failed.", { reference: "property is missing and it is not optional" });
    // Parameter checks come first (the schema's pattern, pve-common JSONSchema.pm's message), then the storage (storage_check_enabled).
    if (!OCI_REFERENCE.test(reference)) fail(400, "Parameter verification failed.", { reference: "value does not match the regex pattern" });
    const s = storageEntry(c.pve, storage, q.params.node!) ?? fail(500, `storage '${storage}' does not exist`);
    if (!s.path) fail(500, `can't upload to storage type '${s.type}', not a file based storage!`);
    if (!s.content.split(",").includes("vztmpl")) fail(500, `storage '${storage}' is not configured for content-type 'vztmpl'`);
    const filename = `${normalizeContentFilename(str(q.body.filename) ?? reference)}.tar`;
    const volid = `${storage}:vztmpl/${filename}`;
    const list = volumes(q.params.node!, storage);
    if (list.some((v) => v.volid === volid)) fail(500, `refusing to override existing file '${filename}'`);
    return ok(startTask(q.params.node!, "ociregistrypull", encodeText(filename), (task) => {
      task.log.push(`skopeo copy docker://${reference} oci-archive:${s.path}/template/cache/${filename}.tmp`);
      const volume: PveVolume = { volid, content: "vztmpl", format: "tar", size: DOWNLOADED_IMAGE_BYTES / 16, ctime: Math.floor(Date.now() / 1000) };
      if (!list.some((v) => v.volid === volid)) list.push(volume);
      store.changed();
    }));
  });
}
