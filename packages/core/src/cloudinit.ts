import { stringify } from "yaml";
import type { Fail } from "./errors.js";
import { checkHostname } from "./naming.js";

/** A user account created by cloud-init. */
export interface CloudInitUser {
  readonly name: string;
  /** OpenSSH public keys (`ssh-ed25519 AAAA... comment`). */
  readonly sshKeys?: readonly string[];
  /** Passwordless sudo for everything. @default true */
  readonly sudo?: boolean;
  /** @default [] */
  readonly groups?: readonly string[];
  /** @default "/bin/bash" */
  readonly shell?: string;
}

/** A file cloud-init writes before running commands. */
export interface CloudInitFile {
  /** Absolute path. */
  readonly path: string;
  readonly content: string;
  /** Octal mode. @default "0644" */
  readonly permissions?: string;
  /** @default "root:root" */
  readonly owner?: string;
}

/** What Hearth renders into `#cloud-config`. */
export interface CloudConfig {
  readonly hostname?: string;
  readonly users?: readonly CloudInitUser[];
  readonly packages?: readonly string[];
  /** Run `apt update` (or the distribution's equivalent) first. @default true when packages are given */
  readonly packageUpdate?: boolean;
  readonly writeFiles?: readonly CloudInitFile[];
  /** Commands run once at first boot, in order; a string runs in a shell, an array runs directly. */
  readonly runcmd?: ReadonlyArray<string | readonly string[]>;
  readonly timezone?: string;
}

const userPattern = /^[a-z_][a-z0-9_-]{0,31}$/;
const sshKeyPattern = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;
const packagePattern = /^[a-zA-Z0-9][a-zA-Z0-9.+:=~_-]*$/;

/** True for one OpenSSH public key line. */
export function isSshPublicKey(value: string): boolean {
  return typeof value === "string" && !value.includes("\n") && sshKeyPattern.test(value.trim());
}

/** Checks a list of OpenSSH public keys. */
export function checkSshKeys(fail: Fail, field: string, keys: readonly string[]): readonly string[] {
  if (!Array.isArray(keys)) fail(field, keys, "use a list of OpenSSH public keys");
  keys.forEach((key, i) => {
    if (!isSshPublicKey(key)) {
      // Public keys are not secret, but a pasted private key would be: never echo it.
      const shown = typeof key === "string" && key.includes("PRIVATE KEY") ? "[private key]" : key;
      fail(`${field}[${i}]`, shown, "use one OpenSSH public key line such as \"ssh-ed25519 AAAAC3Nz... you@host\" (never a private key)");
    }
  });
  return keys;
}

/** Checks a cloud-init user name. */
export function checkUserName(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || !userPattern.test(value) || value === "root") {
    fail(field, value, "use a Linux user name (lowercase letters, digits, '_' or '-', up to 32 characters), not root");
  }
  return value as string;
}

/** Checks a cloud config; returns it unchanged. */
export function checkCloudConfig(fail: Fail, field: string, config: CloudConfig): CloudConfig {
  if (config.hostname !== undefined) checkHostname(fail, `${field}.hostname`, config.hostname);
  config.users?.forEach((user, i) => {
    checkUserName(fail, `${field}.users[${i}].name`, user.name);
    if (user.sshKeys) checkSshKeys(fail, `${field}.users[${i}].sshKeys`, user.sshKeys);
  });
  config.packages?.forEach((pkg, i) => {
    if (typeof pkg !== "string" || !packagePattern.test(pkg)) fail(`${field}.packages[${i}]`, pkg, "use a package name such as nginx or wireguard-tools");
  });
  config.writeFiles?.forEach((file, i) => {
    if (typeof file.path !== "string" || !file.path.startsWith("/") || file.path.includes("\n")) {
      fail(`${field}.writeFiles[${i}].path`, file.path, "use an absolute path such as /etc/hearth/config.json");
    }
    if (typeof file.content !== "string") fail(`${field}.writeFiles[${i}].content`, file.content, "content is a string");
    if (file.permissions !== undefined && !/^0?[0-7]{3,4}$/.test(file.permissions)) {
      fail(`${field}.writeFiles[${i}].permissions`, file.permissions, 'use an octal mode such as "0644" or "0600"');
    }
  });
  config.runcmd?.forEach((cmd, i) => {
    const ok = typeof cmd === "string" ? cmd.trim() !== "" : Array.isArray(cmd) && cmd.length > 0 && cmd.every((c) => typeof c === "string");
    if (!ok) fail(`${field}.runcmd[${i}]`, cmd, "a command is a non-empty string or a non-empty list of strings");
  });
  return config;
}

/**
 * Renders a `#cloud-config` document. Keys are written in a fixed order so the same input
 * always yields the same bytes (an unchanged program shows no diff).
 */
export function renderCloudConfig(config: CloudConfig): string {
  const doc: Record<string, unknown> = {};
  if (config.hostname) {
    doc.hostname = config.hostname;
    doc.preserve_hostname = false;
  }
  if (config.timezone) doc.timezone = config.timezone;
  if (config.users?.length) {
    doc.users = [
      "default",
      ...config.users.map((u) => ({
        name: u.name,
        ...(u.sudo === false ? {} : { sudo: "ALL=(ALL) NOPASSWD:ALL" }),
        ...(u.groups?.length ? { groups: u.groups.join(", ") } : {}),
        shell: u.shell ?? "/bin/bash",
        lock_passwd: true,
        ...(u.sshKeys?.length ? { ssh_authorized_keys: [...u.sshKeys] } : {}),
      })),
    ];
  }
  if (config.packages?.length) {
    doc.package_update = config.packageUpdate ?? true;
    doc.packages = [...config.packages];
  } else if (config.packageUpdate !== undefined) {
    doc.package_update = config.packageUpdate;
  }
  if (config.writeFiles?.length) {
    doc.write_files = config.writeFiles.map((f) => ({
      path: f.path,
      content: f.content,
      permissions: f.permissions ?? "0644",
      owner: f.owner ?? "root:root",
    }));
  }
  if (config.runcmd?.length) doc.runcmd = config.runcmd.map((c) => (typeof c === "string" ? c : [...c]));
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}
