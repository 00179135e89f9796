import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { appendRuncmd, checkCloudConfig, checkSshKeys, renderCloudConfig } from "./cloudinit.js";
import { HearthValidationError, failFor } from "./errors.js";

const fail = failFor("VmFromTemplate", "web");
const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@laptop";

describe("renderCloudConfig", () => {
  it("renders a valid #cloud-config document with users, packages, files and commands", () => {
    const text = renderCloudConfig({
      hostname: "web-1",
      users: [{ name: "ops", sshKeys: [key], groups: ["docker"] }],
      packages: ["nginx", "wireguard-tools"],
      writeFiles: [{ path: "/etc/hearth/role", content: "ingress\n", permissions: "0600" }],
      runcmd: ["systemctl enable --now nginx", ["wg-quick", "up", "wg0"]],
    });
    expect(text.startsWith("#cloud-config\n")).toBe(true);
    const doc = parse(text);
    expect(doc).toEqual({
      hostname: "web-1",
      preserve_hostname: false,
      users: [
        "default",
        { name: "ops", sudo: "ALL=(ALL) NOPASSWD:ALL", groups: "docker", shell: "/bin/bash", lock_passwd: true, ssh_authorized_keys: [key] },
      ],
      package_update: true,
      packages: ["nginx", "wireguard-tools"],
      write_files: [{ path: "/etc/hearth/role", content: "ingress\n", permissions: "0600", owner: "root:root" }],
      runcmd: ["systemctl enable --now nginx", ["wg-quick", "up", "wg0"]],
    });
  });

  it("is deterministic and quotes YAML-special content safely", () => {
    const config = { writeFiles: [{ path: "/etc/x", content: "key: value\n- item\n#not a comment" }], runcmd: ["echo 'a: b'"] };
    expect(renderCloudConfig(config)).toBe(renderCloudConfig(config));
    expect(parse(renderCloudConfig(config)).write_files[0].content).toBe("key: value\n- item\n#not a comment");
  });

  it("renders an empty config as an empty document", () => {
    expect(parse(renderCloudConfig({}))).toEqual({});
  });
});

describe("checkCloudConfig", () => {
  it("accepts a good config", () => {
    expect(() => checkCloudConfig(fail, "cloudInit", { users: [{ name: "ops", sshKeys: [key] }], packages: ["nginx"] })).not.toThrow();
  });

  it.each([
    [{ hostname: "Web_1" }, /cloudInit\.hostname/],
    [{ users: [{ name: "root" }] }, /cloudInit\.users\[0\]\.name/],
    [{ users: [{ name: "ops", sshKeys: ["ssh-ed25519"] }] }, /cloudInit\.users\[0\]\.sshKeys\[0\]/],
    [{ packages: ["nginx; rm -rf /"] }, /cloudInit\.packages\[0\]/],
    [{ writeFiles: [{ path: "etc/x", content: "" }] }, /absolute path/],
    [{ writeFiles: [{ path: "/etc/x", content: "", permissions: "rw" }] }, /octal mode/],
    [{ runcmd: [""] }, /cloudInit\.runcmd\[0\]/],
  ])("refuses %j", (config, message) => {
    expect(() => checkCloudConfig(fail, "cloudInit", config as never)).toThrow(message);
  });

  it("never echoes a pasted private key", () => {
    const privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
    let error: unknown;
    try {
      checkSshKeys(fail, "sshKeys", [privateKey]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HearthValidationError);
    expect((error as Error).message).not.toContain("b3BlbnNzaC1rZXktdjEAAAAA");
    expect((error as HearthValidationError).value).toBe("[private key]");
  });
});

describe("appendRuncmd", () => {
  const fail = failFor("VmFromTemplate", "t");
  it("adds commands at the end of a rendered document's runcmd and keeps everything else as it was", () => {
    const config = { hostname: "gw", writeFiles: [{ path: "/etc/x", content: "0644\nyes: no\n", permissions: "0600" }], runcmd: [["systemctl", "enable", "x"]] as const };
    const doc = renderCloudConfig(config);
    const added = appendRuncmd(fail, "userData", doc, ["mount /srv"]);
    expect(added).toBe(renderCloudConfig({ ...config, runcmd: [...config.runcmd, "mount /srv"] }));
    expect(appendRuncmd(fail, "userData", doc, [])).toBe(doc);
  });
  it("refuses a script or a document it cannot add to, without echoing it", () => {
    expect(() => appendRuncmd(fail, "userData", "#!/bin/sh\necho secret-value\n", ["mount /srv"])).toThrow(/not a #cloud-config document/);
    expect(() => appendRuncmd(fail, "userData", "#cloud-config\nruncmd: nope\n", ["mount /srv"])).toThrow(/runcmd is not a list/);
    expect(() => appendRuncmd(fail, "userData", "#!/bin/sh\necho secret-value\n", ["x"])).not.toThrow(/secret-value/);
  });
});
