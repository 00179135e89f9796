import { describe, expect, it } from "vitest";
import { failFor, HearthValidationError } from "@hearth/core";
import { checkBridgeName, checkDiskInterface, checkDuration, checkInterfaceName, checkSdnId, ipv4ToNumber } from "./validation.js";
import { VmIdRegistry } from "./vmIds.js";

const fail = failFor("Test", "t");
const accepts = (check: (f: typeof fail, field: string, v: unknown) => unknown, value: unknown) => expect(check(fail, "f", value)).toBe(value);
const refuses = (check: (f: typeof fail, field: string, v: unknown) => unknown, value: unknown) =>
  expect(() => check(fail, "f", value)).toThrow(HearthValidationError);

describe("checkDiskInterface", () => {
  it.each(["scsi0", "scsi30", "virtio0", "virtio15", "sata0", "sata5", "ide0", "ide1", "ide3"])("accepts %s", (v) => accepts(checkDiskInterface, v));
  it.each(["scsi31", "virtio16", "sata6", "ide4", "ide2", "nvme0", "scsi", "scsi01", "SCSI0", 0, undefined])("refuses %j", (v) => refuses(checkDiskInterface, v));
});

describe("checkDuration", () => {
  const check = (f: typeof fail, field: string, v: unknown) => checkDuration(f, field, v, 900);
  it.each(["1s", "90s", "2m", "1m30s", "15m"])("accepts %s", (v) => accepts(check, v));
  it.each(["0s", "16m", "1h", "2 minutes", "", "m", 120])("refuses %j", (v) => refuses(check, v));
});

describe("checkBridgeName / checkInterfaceName / checkSdnId", () => {
  it.each(["vmbr0", "vmbr4094", "lan_br"])("bridge %s is fine", (v) => accepts(checkBridgeName, v));
  it.each(["vmbr-0", "0vmbr", "vmbr_too_long"])("bridge %s is refused", (v) => refuses(checkBridgeName, v));
  it.each(["eno1", "bond0", "enp3s0f1", "eno1.20"])("interface %s is fine", (v) => accepts(checkInterfaceName, v));
  it.each(["", "1eth", "a-very-long-ifname"])("interface %j is refused", (v) => refuses(checkInterfaceName, v));
  // pve-network's pattern allows capitals ([a-zA-Z][a-zA-Z0-9]*[a-zA-Z0-9], 2-8).
  it.each(["lab", "vnet20", "ab", "Lab"])("sdn id %s is fine", (v) => accepts(checkSdnId, v));
  it.each(["a", "laboratory", "lab-1", "1lab", "lab\n", "la,b=1"])("sdn id %j is refused", (v) => refuses(checkSdnId, v));
  it.each(["vmbr0\n", "vmbr0,tag=5", "vmbr 0", "vmbr0.5"])("bridge %j is refused", (v) => refuses(checkBridgeName, v));
});

describe("ipv4ToNumber", () => {
  it.each([
    ["0.0.0.0", 0],
    ["10.20.0.1", 169082881],
    ["255.255.255.255", 4294967295],
    ["256.0.0.1", undefined],
    ["fd00::1", undefined],
  ])("%s -> %s", (address, n) => expect(ipv4ToNumber(address)).toBe(n));
});

describe("VmIdRegistry", () => {
  it("lets one owner claim an id again and refuses a second owner", () => {
    const registry = new VmIdRegistry();
    expect(registry.claim(fail, "vmId", 100, "a")).toBe(100);
    expect(registry.claim(fail, "vmId", 100, "a")).toBe(100);
    expect(() => registry.claim(fail, "vmId", 100, "b")).toThrow(/already used by a/);
    registry.clear();
    expect(registry.claim(fail, "vmId", 100, "b")).toBe(100);
  });
  it.each([99, 1_000_000_000, 100.5, "100"])("refuses %j", (id) => {
    expect(() => new VmIdRegistry().claim(fail, "vmId", id, "a")).toThrow(HearthValidationError);
  });
});
