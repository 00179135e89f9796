import { failFor, type Fail } from "./errors.js";
import { checkHostname } from "./naming.js";
import { parse } from "yaml";
import { checkYamlString, renderYaml11 } from "./yaml11.js";

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
// `user[:group]` with Linux user and group names (a trailing '$' marks machine accounts).
const ownerPattern = /^[a-z_][a-z0-9_-]*\$?(:[a-z_][a-z0-9_-]*\$?)?$/;
// IANA zone names such as UTC, Europe/Vienna, America/Argentina/Buenos_Aires, Etc/GMT+1.
const timezonePattern = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/;

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

/** Checks a cloud-init user name (or, with `what = "a group"`, a group name). */
export function checkUserName(fail: Fail, field: string, value: unknown, what: "a user" | "a group" = "a user"): string {
  if (typeof value !== "string" || !userPattern.test(value) || (what === "a user" && value === "root")) {
    fail(field, value, what === "a user" ? "use a Linux user name (lowercase letters, digits, '_' or '-', up to 32 characters), not root" : "use a Linux group name (lowercase letters, digits, '_' or '-', up to 32 characters)");
  }
  return value as string;
}

/**
 * Checks a cloud config; returns it unchanged. Every string must come back from cloud-init's
 * YAML 1.1 reader as written (see yaml11.ts): strings with characters YAML cannot carry are
 * refused here, and names, paths, owners and modes are one line.
 */
export function checkCloudConfig(fail: Fail, field: string, config: CloudConfig): CloudConfig {
  if (config === null || typeof config !== "object") fail(field, config, "use an object such as { users: [...], packages: [...] }");
  if (config.hostname !== undefined) checkHostname(fail, `${field}.hostname`, config.hostname);
  if (config.timezone !== undefined) {
    checkYamlString(fail, `${field}.timezone`, config.timezone, { oneLine: true });
    if (!timezonePattern.test(config.timezone)) fail(`${field}.timezone`, config.timezone, "use a time zone name such as UTC or Europe/Vienna");
  }
  config.users?.forEach((user, i) => {
    checkUserName(fail, `${field}.users[${i}].name`, user.name);
    if (user.sshKeys) {
      checkSshKeys(fail, `${field}.users[${i}].sshKeys`, user.sshKeys);
      user.sshKeys.forEach((k, j) => checkYamlString(fail, `${field}.users[${i}].sshKeys[${j}]`, k, { oneLine: true }));
    }
    user.groups?.forEach((g, j) => checkUserName(fail, `${field}.users[${i}].groups[${j}]`, g, "a group"));
    if (user.shell !== undefined && (typeof user.shell !== "string" || !/^\/[A-Za-z0-9._/+-]+$/.test(user.shell))) {
      fail(`${field}.users[${i}].shell`, user.shell, "use an absolute path such as /bin/bash");
    }
  });
  config.packages?.forEach((pkg, i) => {
    if (typeof pkg !== "string" || !packagePattern.test(pkg)) fail(`${field}.packages[${i}]`, pkg, "use a package name such as nginx or wireguard-tools");
  });
  config.writeFiles?.forEach((file, i) => {
    if (typeof file.path !== "string" || !file.path.startsWith("/") || file.path.includes("\n")) {
      fail(`${field}.writeFiles[${i}].path`, file.path, "use an absolute path such as /etc/hearth/config.json");
    }
    checkYamlString(fail, `${field}.writeFiles[${i}].path`, file.path, { oneLine: true });
    if (typeof file.content !== "string") fail(`${field}.writeFiles[${i}].content`, file.content, "content is a string");
    // File contents may be secret (keys, tokens): never echoed.
    checkYamlString(fail, `${field}.writeFiles[${i}].content`, file.content, { secret: true });
    if (file.owner !== undefined && (typeof file.owner !== "string" || !ownerPattern.test(file.owner))) {
      fail(`${field}.writeFiles[${i}].owner`, file.owner, 'use "user" or "user:group" with Linux names, such as "root:root"');
    }
    if (file.permissions !== undefined && !/^0?[0-7]{3,4}$/.test(file.permissions)) {
      fail(`${field}.writeFiles[${i}].permissions`, file.permissions, 'use an octal mode such as "0644" or "0600"');
    }
  });
  config.runcmd?.forEach((cmd, i) => {
    const ok = typeof cmd === "string" ? cmd.trim() !== "" : Array.isArray(cmd) && cmd.length > 0 && cmd.every((c) => typeof c === "string");
    if (!ok) fail(`${field}.runcmd[${i}]`, cmd, "a command is a non-empty string or a non-empty list of strings");
    (typeof cmd === "string" ? [cmd] : cmd).forEach((part, j) =>
      checkYamlString(fail, typeof cmd === "string" ? `${field}.runcmd[${i}]` : `${field}.runcmd[${i}][${j}]`, part),
    );
  });
  return config;
}

const renderFail = failFor("cloud-config", "(render)");

/**
 * Renders a `#cloud-config` document that cloud-init's YAML 1.1 reader reads back exactly
 * (see yaml11.ts). Keys are written in a fixed order so the same input always yields the
 * same bytes (an unchanged program shows no diff). A string YAML cannot carry raises a
 * HearthValidationError naming its place (file contents reported as `[secret]`); components
 * check with {@link checkCloudConfig} first, so theirs name the component.
 */
export function renderCloudConfig(config: CloudConfig, fail: Fail = renderFail): string {
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
  checkStrings(fail, "", doc);
  return `#cloud-config\n${renderYaml11(doc)}`;
}

/**
 * Adds shell commands to the end of a `#cloud-config` document's `runcmd` (read and written as
 * YAML 1.1, cloud-init's PyYAML dialect), for user data Hearth did not render itself (a
 * GatewayNode's bootstrap, a user's own document). A script or anything else that is not a
 * `#cloud-config` mapping is refused: Hearth cannot add to it. The document is never echoed.
 */
export function appendRuncmd(fail: Fail, field: string, userData: string, commands: readonly string[]): string {
  if (commands.length === 0) return userData;
  const refuse = (why: string): never => fail(field, "[user data]", `${why}; Hearth adds volume mounts to a #cloud-config document only: mount the volumes yourself and leave their mountPath out`);
  if (!/^#cloud-config[ \t]*\r?\n/.test(userData)) refuse("the user data is not a #cloud-config document");
  let doc: unknown;
  try {
    doc = parse(userData, { version: "1.1" });
  } catch {
    refuse("the user data is not valid YAML");
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) refuse("the user data is not a mapping");
  const { runcmd = [], ...rest } = doc as Record<string, unknown>;
  if (!Array.isArray(runcmd)) refuse("its runcmd is not a list");
  checkStrings(fail, field, commands);
  return `#cloud-config\n${renderYaml11({ ...rest, runcmd: [...(runcmd as unknown[]), ...commands] })}`;
}

/** Every string of a rendered document, checked before rendering. */
function checkStrings(fail: Fail, path: string, value: unknown): void {
  if (typeof value === "string") checkYamlString(fail, path, value, { secret: /\.content$/.test(path) });
  else if (Array.isArray(value)) value.forEach((v, i) => checkStrings(fail, `${path}[${i}]`, v));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) checkStrings(fail, path === "" ? k : `${path}.${k}`, v);
}

/**
 * User-data size limits of the clouds, in bytes of UTF-8:
 * - hcloud: "This field is limited to 32KiB." (hcloud-openapi.json
 *   /components/schemas/create_server_request/properties/user_data);
 * - DigitalOcean: "may not exceed 64 KiB in size" (digitalocean-openapi.json
 *   /paths/~1v2~1droplets/post/requestBody/content/application~1json/schema/oneOf/0/allOf/1/properties/user_data).
 * Proxmox has none here: Hearth renders no user-data for it (Proxmox builds its own from
 * ciuser/sshkeys, or uses a snippet file the user uploads).
 */
export const userDataLimits = { hcloud: 32 * 1024, digitalocean: 64 * 1024 } as const;

/** Checks the size of user-data for a cloud; the user-data itself is never echoed. */
export function checkUserDataSize(fail: Fail, field: string, userData: string, cloud: keyof typeof userDataLimits): string {
  const bytes = Buffer.byteLength(userData, "utf8");
  const limit = userDataLimits[cloud];
  if (bytes > limit) {
    fail(field, `[user data, ${bytes} bytes]`, `${cloud === "hcloud" ? "Hetzner Cloud" : "DigitalOcean"} takes user-data of at most ${limit / 1024} KiB (${limit} bytes); shorten files or commands, or fetch large content at first boot`);
  }
  return userData;
}
