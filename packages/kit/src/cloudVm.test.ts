import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { cloudVmUserData, sortSshKeys } from "./cloudVm.js";
import { HearthValidationError, failFor } from "@hearth/core";

const fail = failFor("VmFromTemplate", "web");
const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@laptop";

describe("sortSshKeys", () => {
  it("splits public keys from ids and names, keeping each key's index", () => {
    const sorted = sortSshKeys(fail, "sshKeys", [key, 42, "laptop"]);
    expect(sorted.publicKeys).toEqual([{ index: 0, key }]);
    expect(sorted.references).toEqual(["42", "laptop"]);
  });

  it("treats Outputs as references", () => {
    expect(sortSshKeys(fail, "sshKeys", [pulumi.output("x")]).references).toHaveLength(1);
  });

  it.each([
    ["a broken public key", "ssh-ed25519 not-base64!"],
    ["a negative id", -1],
    ["an empty name", " "],
  ])("refuses %s", (_, bad) => {
    expect(() => sortSshKeys(fail, "sshKeys", [bad as string])).toThrow(HearthValidationError);
  });

  it("refuses a private key without echoing it", () => {
    const secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
    expect(() => sortSshKeys(fail, "sshKeys", [secret])).toThrow(/\[private key\]/);
    expect(() => sortSshKeys(fail, "sshKeys", [secret])).not.toThrow(/b3BlbnNzaC1rZXktdjEAAAAA/);
  });
});

describe("cloudVmUserData", () => {
  it("renders cloudInit with the host name and a default user", () => {
    const text = cloudVmUserData(fail, "web-1", { sshKeys: [key], packages: ["nginx"] }, undefined, "hcloud") as string;
    const doc = parse(text);
    expect(doc.hostname).toBe("web-1");
    expect(doc.users[1]).toMatchObject({ name: "hearth", ssh_authorized_keys: [key] });
    expect(doc.packages).toEqual(["nginx"]);
  });

  it("passes userData through and returns undefined for neither", () => {
    expect(cloudVmUserData(fail, "web-1", undefined, "#!/bin/sh\n", "hcloud")).toBe("#!/bin/sh\n");
    expect(cloudVmUserData(fail, "web-1", undefined, undefined, "hcloud")).toBeUndefined();
  });

  it("refuses both, and bad users or keys", () => {
    expect(() => cloudVmUserData(fail, "web-1", { user: "ops" }, "#!/bin/sh", "hcloud")).toThrow(/either cloudInit/);
    expect(() => cloudVmUserData(fail, "web-1", { user: "root" }, undefined, "hcloud")).toThrow(HearthValidationError);
    expect(() => cloudVmUserData(fail, "web-1", { sshKeys: ["nope"] }, undefined, "hcloud")).toThrow(/cloudInit.users\[0\].sshKeys\[0\]/);
  });
});
