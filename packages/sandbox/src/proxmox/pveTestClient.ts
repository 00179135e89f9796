import type { Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";

/** A small Proxmox client for the sandbox's unit tests of one endpoint group (tests only) (root token unless told). */
export function pveClient(sb: Sandbox, auth = `PVEAPIToken=${sb.proxmox.apiToken}`) {
  const api = (path: string): string => `${sb.proxmox.endpoint}api2/json${path}`;
  const headers = { Authorization: auth };
  type Form = Record<string, string | number>;
  const client = {
    get: (path: string) => call(api(path), { headers }),
    post: (path: string, form: Form = {}) => call(api(path), { method: "POST", headers, form }),
    put: (path: string, form: Form) => call(api(path), { method: "PUT", headers, form }),
    del: (path: string) => call(api(path), { method: "DELETE", headers }),
    /** Create a VM and wait for its create task. */
    async vm(node: string, form: Form): Promise<void> {
      const res = await client.post(`/nodes/${node}/qemu`, form);
      if (res.status !== 200) throw new Error(`creating VM ${String(form.vmid)}: ${res.status} ${JSON.stringify(res.body)}`);
      const upid = encodeURIComponent(res.body.data as string);
      const status = await waitFor(async () => {
        const s = await client.get(`/nodes/${node}/tasks/${upid}/status`);
        return s.body.data.status === "stopped" ? s.body.data : undefined;
      });
      if (status.exitstatus !== "OK") throw new Error(`creating VM ${String(form.vmid)}: ${String(status.exitstatus)}`);
    },
    /** Download a Debian container template to `local` on `node` (once) and create a container from it; waits for both tasks. */
    async ct(node: string, form: Form): Promise<void> {
      const file = "debian-12-standard_12.7-1_amd64.tar.zst";
      const listed = await client.get(`/nodes/${node}/storage/local/content?content=vztmpl`);
      if (!(listed.body.data as { volid: string }[]).some((v) => v.volid === `local:vztmpl/${file}`)) {
        await client.task(node, await client.post(`/nodes/${node}/storage/local/download-url`, { content: "vztmpl", filename: file, url: `https://images.example/${file}` }), "downloading the template");
      }
      await client.task(node, await client.post(`/nodes/${node}/lxc`, { ostemplate: `local:vztmpl/${file}`, rootfs: "local-lvm:1", ...form }), `creating CT ${String(form.vmid)}`);
    },
    /** Wait for the task a response started; throw unless it ends OK. */
    async task(node: string, res: { status: number; body: { data?: unknown } }, what: string): Promise<void> {
      if (res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      const upid = encodeURIComponent(res.body.data as string);
      const status = await waitFor(async () => {
        const s = await client.get(`/nodes/${node}/tasks/${upid}/status`);
        return s.body.data.status === "stopped" ? s.body.data : undefined;
      });
      if (status.exitstatus !== "OK") throw new Error(`${what}: ${String(status.exitstatus)}`);
    },
  };
  return client;
}
