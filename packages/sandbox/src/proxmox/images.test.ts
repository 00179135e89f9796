import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";
import { downloadedFileHash } from "./images.js";

let sb: Sandbox;
const api = (path: string): string => `${sb.proxmox.endpoint}api2/json${path}`;
const auth = (): Record<string, string> => ({ Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` });
const get = (path: string) => call(api(path), { headers: auth() });
const post = (path: string, form: Record<string, string | number> = {}) => call(api(path), { method: "POST", headers: auth(), form });

async function task(upid: string): Promise<{ exitstatus: string; log: string[] }> {
  const st = await waitFor(async () => {
    const res = await get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`);
    return res.body.data.status === "stopped" ? res.body.data : undefined;
  });
  const log = (await get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`)).body.data.map((l: { t: string }) => l.t);
  return { exitstatus: st.exitstatus, log };
}

describe("images on storage (pve-storage API2/Storage/Status.pm download_url, oci_registry_pull)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { taskMs: 50 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("verifies a download's checksum like download_file_from_url", async () => {
    const url = "https://cdimage.example/debian-13.0.0-amd64-netinst.iso";
    const good = downloadedFileHash(url, "sha256");
    const wrong = "0".repeat(64);
    const bad = await post("/nodes/pve1/storage/local/download-url", { content: "iso", filename: "debian-13.iso", url, checksum: wrong, "checksum-algorithm": "sha256" });
    const failed = await task(bad.body.data);
    expect(failed.exitstatus).toBe(`checksum mismatch: got '${good}' != expect '${wrong}'`);
    expect((await get("/nodes/pve1/storage/local/content?content=iso")).body.data).toEqual([]);

    const ok = await post("/nodes/pve1/storage/local/download-url", { content: "iso", filename: "debian-13.iso", url, checksum: good.toUpperCase(), "checksum-algorithm": "sha256" });
    const done = await task(ok.body.data);
    expect(done.exitstatus).toBe("OK");
    expect(done.log).toContain("OK, checksum verified");
    // Again with the same checksum: the file is already there and correct, nothing to do.
    const again = await task((await post("/nodes/pve1/storage/local/download-url", { content: "iso", filename: "debian-13.iso", url, checksum: good, "checksum-algorithm": "sha256" })).body.data);
    expect(again.exitstatus).toBe("OK");
    expect(again.log).toContain("OK, got correct file already, no need to download");
    const mismatch = await task((await post("/nodes/pve1/storage/local/download-url", { content: "iso", filename: "debian-13.iso", url, checksum: wrong, "checksum-algorithm": "sha256" })).body.data);
    expect(mismatch.exitstatus).toBe(`checksum mismatch: got '${good}' != expect '${wrong}', aborting`);
    // Without a checksum an existing file is not overwritten.
    const over = await task((await post("/nodes/pve1/storage/local/download-url", { content: "iso", filename: "debian-13.iso", url })).body.data);
    expect(over.exitstatus).toBe("refusing to override existing file '/var/lib/vz/template/iso/debian-13.iso'");
    // The schema ties the two parameters together (`requires`).
    const half = await post("/nodes/pve1/storage/local/download-url", { content: "iso", filename: "x.iso", url, checksum: good });
    expect(half.status).toBe(400);
    expect(Object.keys(half.body.errors)).toContain("checksum-algorithm");
  });

  it("pulls an OCI image into the template cache as <name>.tar and refuses to overwrite it", async () => {
    const pull = await post("/nodes/pve1/storage/local/oci-registry-pull", { reference: "docker.io/library/alpine:3.22" });
    expect(pull.status).toBe(200);
    expect(pull.body.data).toMatch(/:ociregistrypull:alpine_3.22.tar:/);
    expect((await task(pull.body.data)).exitstatus).toBe("OK");
    expect((await get("/nodes/pve1/storage/local/content?content=vztmpl")).body.data).toEqual([expect.objectContaining({ volid: "local:vztmpl/alpine_3.22.tar", format: "tar" })]);
    const again = await post("/nodes/pve1/storage/local/oci-registry-pull", { reference: "docker.io/library/alpine:3.22" });
    expect(again.status).toBe(500);
    expect(again.body.message).toBe("refusing to override existing file 'alpine_3.22.tar'\n");
    const lvm = await post("/nodes/pve1/storage/local-lvm/oci-registry-pull", { reference: "docker.io/library/alpine:3.22" });
    expect(lvm.body.message).toBe("can't upload to storage type 'lvmthin', not a file based storage!\n");
    // A container can be created from it like from any template.
    const ct = await post("/nodes/pve1/lxc", { vmid: 300, ostemplate: "local:vztmpl/alpine_3.22.tar", storage: "local-lvm" });
    expect((await task(ct.body.data)).exitstatus).toBe("OK");
    expect((await task((await call(api("/nodes/pve1/lxc/300"), { method: "DELETE", headers: auth() })).body.data)).exitstatus).toBe("OK");
  });

  it("checks an OCI reference against the schema's pattern before the storage, and pulls to a configured storage", async () => {
    for (const reference of ["alpine", "docker.io/library/alpine@sha256:" + "a".repeat(64), "Alpine:3"]) {
      const bad = await post("/nodes/pve1/storage/local/oci-registry-pull", { reference });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual({ reference: "value does not match the regex pattern" });
    }
    expect((await post("/nodes/pve1/storage/nowhere/oci-registry-pull", { reference: "alpine:3.22" })).body.message).toBe("storage 'nowhere' does not exist\n");
    const pull = await post("/nodes/pve1/storage/local/oci-registry-pull", { reference: "ghcr.io/home-assistant/home-assistant:2026.11", filename: "home-assistant" });
    expect((await task(pull.body.data)).exitstatus).toBe("OK");
    expect((await get("/nodes/pve1/storage/local/content?content=vztmpl")).body.data.map((v: { volid: string }) => v.volid)).toEqual(["local:vztmpl/home-assistant.tar"]);
  });

  it("lets a test delete or resize a file on storage as an admin would (drift)", async () => {
    const url = "https://cdimage.example/debian-13.iso";
    expect((await task((await post("/nodes/pve1/storage/local/download-url", { content: "iso", filename: "debian-13.iso", url })).body.data)).exitstatus).toBe("OK");
    sb.mutate({ api: "proxmox", kind: "storageFile", id: "local:iso/debian-13.iso", size: 123 });
    expect((await get("/nodes/pve1/storage/local/content?content=iso")).body.data).toEqual([expect.objectContaining({ volid: "local:iso/debian-13.iso", size: 123 })]);
    sb.mutate({ api: "proxmox", kind: "storageFile", id: "local:iso/debian-13.iso", delete: true });
    expect((await get("/nodes/pve1/storage/local/content?content=iso")).body.data).toEqual([]);
    expect(() => sb.mutate({ api: "proxmox", kind: "storageFile", id: "local:iso/debian-13.iso", delete: true })).toThrow(/no proxmox storageFile/);
  });
});
