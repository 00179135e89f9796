import { createHash } from "node:crypto";
import { ApiError } from "../router.js";

/** Values and property strings as Proxmox VE writes them (qemu-server config files, pve-storage volume ids). */

export const GiB = 1024 ** 3;
export const STORAGES: Record<string, { type: string; content: string; total: number; path?: string }> = {
  local: { type: "dir", content: "iso,vztmpl,backup,import,snippets", total: 100 * GiB, path: "/var/lib/vz" },
  "local-lvm": { type: "lvmthin", content: "images,rootdir", total: 500 * GiB },
};
/** Size of every image fetched with download-url (the virtual disk size an import gives). */
export const DOWNLOADED_IMAGE_BYTES = 2 * GiB;

export const DISK_KEY = /^(ide|sata|scsi|virtio)\d+$|^(efidisk|tpmstate)0$/;
export const INT_KEYS = new Set([
  "cores", "sockets", "vcpus", "memory", "balloon", "shares", "cpuunits", "cpulimit", "template", "onboot",
  "numa", "acpi", "kvm", "tablet", "localtime", "protection", "reboot", "freeze", "migrate_downtime", "vmid",
]);
export const TRANSIENT_KEYS = new Set(["delete", "digest", "revert", "skiplock", "background_delay", "node", "vmid", "force", "start", "unique", "pool", "archive", "storage"]);

export const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");
export const bool = (v: unknown): boolean => v === true || v === 1 || v === "1" || v === "true";
export const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(text.trim());
  if (!m) throw new ApiError(400, "Parameter verification failed.", undefined, { size: `value '${text}' does not look like a valid disk size` });
  const unit = (m[2] ?? "").toUpperCase();
  const mult = unit === "T" ? 1024 ** 4 : unit === "G" ? GiB : unit === "M" ? 1024 ** 2 : unit === "K" ? 1024 : 1;
  return Math.round(Number(m[1]) * mult);
}

export function formatSize(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}G`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}M`;
  return `${Math.ceil(bytes / 1024)}K`;
}

/** Split a Proxmox property string (`virtio=AA:..,bridge=vmbr0`) into its first item and options. */
export function splitProp(value: string): { head: string; opts: [string, string][] } {
  const [head = "", ...rest] = value.split(",");
  return {
    head,
    opts: rest.filter((kv) => kv !== "").map((kv) => { const i = kv.indexOf("="); return i < 0 ? [kv, ""] : [kv.slice(0, i), kv.slice(i + 1)]; }),
  };
}
export const joinProp = (head: string, opts: [string, string][]): string => [head, ...opts.map(([k, v]) => (v === "" ? k : `${k}=${v}`))].join(",");

export function deterministicMac(vmid: number, index: number): string {
  const h = createHash("sha1").update(`${vmid}/${index}`).digest();
  return ["BC", "24", "11", h[0], h[1], h[2]].map((b) => (typeof b === "number" ? b.toString(16).padStart(2, "0").toUpperCase() : b)).join(":");
}

export function uuidFor(seed: number): string {
  const h = createHash("sha1").update(`hearth-sandbox-${seed}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

