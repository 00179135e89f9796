import { ApiError } from "../router.js";
import { str } from "./props.js";

/**
 * Option keys Proxmox types as integer or boolean and returns as JSON numbers; every other option
 * comes back as a string (a `vmid` list of one id stays "100", as clients decode it into a string).
 */
const INT_OPTION_KEYS = new Set([
  "enable", "enabled", "all", "autostart", "active", "mtu", "tag", "vlanaware", "snat", "vlan-id", "priority",
  "bridge_vlan_aware", "vlan_id", "maxfiles", "bwlimit", "ionice", "pigz", "zstd", "remove", "protected", "repeat-missed",
  "stdexcludes", "lockwait", "stopwait", "isolate-ports", "dhcp", "ipfilter", "macfilter", "ndp", "radv", "ebtables",
  "vrf-vxlan", "advertise-subnets", "disable-arp-nd-suppression", "exitnodes-local-routing",
]);

/** Write form values into an options map: `delete` removes keys, booleans are 0/1. */
export function setOptions(target: Record<string, string | number>, body: Record<string, unknown>): void {
  for (const key of str(body.delete)?.split(/[,;\s]+/).filter(Boolean) ?? []) delete target[key];
  for (const [key, raw] of Object.entries(body)) {
    if (key === "delete" || key === "digest" || raw === undefined || raw === null) continue;
    const value = Array.isArray(raw) ? raw.join(",") : typeof raw === "boolean" ? (raw ? 1 : 0) : raw;
    target[key] = INT_OPTION_KEYS.has(key) && /^-?\d+$/.test(String(value)) ? Number(value) : String(value);
  }
}

/** Property strings (`keep-daily=7,keep-last=3`) that Proxmox accepts as strings but returns as objects. */
const OBJECT_OPTION_KEYS = new Set(["prune-backups", "fleecing", "performance"]);
export function renderOptions(o: Record<string, string | number>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...o };
  for (const key of OBJECT_OPTION_KEYS) {
    if (typeof o[key] !== "string") continue;
    out[key] = Object.fromEntries(String(o[key]).split(",").filter(Boolean).map((kv) => {
      const [k = "", v = ""] = kv.split("=", 2);
      return [k, /^\d+$/.test(v) ? (k === "enabled" ? Number(v) : v) : v];
    }));
  }
  return out;
}

export function ruleFromBody(body: Record<string, unknown>, kind: "vm" | "group", partial = false): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (["pos", "digest", "delete", "moveto", "node", "vmid", "group"].includes(key) || raw === undefined) continue;
    rule[key] = key === "enable" ? Number(raw) : raw;
  }
  if (!partial) {
    if (!rule.type) throw new ApiError(400, "Parameter verification failed.", undefined, { type: "property is missing and it is not optional" });
    if (!rule.action) throw new ApiError(400, "Parameter verification failed.", undefined, { action: "property is missing and it is not optional" });
    if (rule.type === "group" && kind === "group") throw new ApiError(400, "Parameter verification failed.", undefined, { type: "security groups cannot reference groups" });
  }
  return rule;
}
