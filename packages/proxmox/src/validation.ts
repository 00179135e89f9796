import { checkIpAddress, cidrContains, type Fail } from "@hearth/core";
import { isBareYamlScalar } from "@hearth/core/internal";
import { checkPveValue } from "./pveFormats.js";

/**
 * Disk interfaces a Proxmox VM can use, with the highest index each bus allows:
 * scsi0-30, virtio0-15, sata0-5, ide0-3.
 */
export const diskBuses = { scsi: 30, virtio: 15, sata: 5, ide: 3 } as const;

/** Where Hearth's VMs and templates keep their cloud-init drive. */
export const cloudInitInterface = "ide2";

/** Checks a disk interface such as `scsi0`, `virtio1`, `sata0` or `ide0` (not `ide2`, the cloud-init drive). */
export function checkDiskInterface(fail: Fail, field: string, value: unknown): string {
  const match = typeof value === "string" ? /^(scsi|virtio|sata|ide)(\d{1,2})$/.exec(value) : null;
  const bus = match?.[1] as keyof typeof diskBuses | undefined;
  const index = Number(match?.[2]);
  if (!bus || !(index <= diskBuses[bus]) || String(index) !== match?.[2]) {
    fail(field, value, "use a disk interface scsi0-scsi30, virtio0-virtio15, sata0-sata5 or ide0-ide3");
  }
  if (value === cloudInitInterface) fail(field, value, `${cloudInitInterface} holds the cloud-init drive; use another interface such as scsi1`);
  return value as string;
}

/** Checks a gateway address: an IP inside `cidr` (the subnet or host address it serves). */
export function checkGateway(fail: Fail, field: string, gateway: unknown, cidr: string): string {
  checkIpAddress(fail, field, gateway);
  if (!cidrContains(cidr, gateway as string)) fail(field, gateway, `the gateway must lie inside ${cidr}`);
  return gateway as string;
}

const goDuration = /^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/;

/** Checks a timeout in the provider's duration syntax (`90s`, `2m`, `1m30s`, `1h`), bounded to `max` seconds. */
export function checkDuration(fail: Fail, field: string, value: unknown, maxSeconds: number): string {
  const match = typeof value === "string" ? goDuration.exec(value) : null;
  const seconds = match ? (parseInt(match[1] ?? "0", 10) * 60 + parseInt(match[2] ?? "0", 10)) * 60 + parseInt(match[3] ?? "0", 10) : NaN;
  if (!match || !(seconds >= 1 && seconds <= maxSeconds)) {
    fail(field, value, `use a duration such as "90s", "2m" or "1m30s", from 1s to ${maxSeconds}s`);
  }
  return value as string;
}

/**
 * Checks a Linux bridge Hearth creates on a node: an interface name as PVE accepts it
 * (`pve-iface`, see pveFormats.ts) that is also a bridge id (`pve-bridge-id`, what NICs
 * name), at most 10 characters (`vmbr0`).
 */
export function checkBridgeName(fail: Fail, field: string, value: unknown): string {
  checkPveValue(fail, field, value, "iface");
  checkPveValue(fail, field, value, "bridge");
  if ((value as string).length > 10 || /[.:]/.test(value as string)) {
    fail(field, value, "a bridge name is a letter followed by letters, digits or '_', 2-10 characters, such as vmbr0");
  }
  return value as string;
}

/** Checks a host network interface name (`eno1`, `bond0`, `enp3s0f1`, `eno1.20`) as PVE accepts it (`pve-iface`). */
export function checkInterfaceName(fail: Fail, field: string, value: unknown): string {
  return checkPveValue(fail, field, value, "iface");
}

/** Checks an SDN zone or VNet id as PVE accepts it: 2-8 letters or digits, starting with a letter. */
export function checkSdnId(fail: Fail, field: string, value: unknown): string {
  return checkPveValue(fail, field, value, "sdnId");
}

/**
 * Checks a value Proxmox writes unquoted into the cloud-init user-data it generates:
 * qemu-server (src/PVE/QemuServer/Cloudinit.pm cloudinit_userdata) writes `hostname: $name`,
 * `fqdn: $fqdn`, `user: $ciuser`, `password: $cipassword` and `  - $key` per SSH key as they
 * are, and cloud-init reads them with YAML 1.1, so `yes`, `no`, `on`, `off`, `null`, `0x1f`,
 * `1:20` or a key comment with `: ` would not come back as written. `secret` values are
 * reported as `[secret]`.
 */
export function checkBareUserDataValue(fail: Fail, field: string, value: string, secret = false): string {
  if (!isBareYamlScalar(value)) {
    fail(
      field,
      secret ? "[secret]" : value,
      "Proxmox writes this value unquoted into its cloud-init user-data, where YAML 1.1 would read it as something else (yes/no/on/off/null, a number, a date, ': ' or ' #' inside, a leading symbol); choose another value",
    );
  }
  return value;
}

/**
 * A password Proxmox stores and writes as it is: qemu-server hashes `cipassword` unless it
 * already looks like a crypt hash (src/PVE/API2/Qemu.pm: `if $param->{cipassword} !~
 * /^\$(?:[156]|2[ay])(\$.+){2}/`), and a hash goes into the user-data unquoted.
 */
export const preHashedPassword = /^\$(?:[156]|2[ay])(\$.+){2}/;

/** Dotted IPv4 to a number, for ordering addresses (undefined for anything else). */
export function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}
