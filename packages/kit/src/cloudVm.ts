import * as pulumi from "@pulumi/pulumi";
import {
  appendRuncmd,
  checkCloudConfig,
  checkUserDataSize,
  isSshPublicKey,
  isWholeNumber,
  renderCloudConfig,
  userDataLimits,
  type CloudConfig,
  type VmCloudInit,
  type Fail,
} from "@hearth/core";
import { checked, isPlain } from "./checked.js";

/** An SSH key the cloud should install: a public key line, or an existing key's id or name. */
export type SshKeyRef = pulumi.Input<string | number>;

export interface SortedSshKeys {
  /** Public key lines to register as keys of their own, with their index in the list. */
  readonly publicKeys: ReadonlyArray<{ readonly index: number; readonly key: string }>;
  /** Ids, names or fingerprints of keys that already exist, passed through. */
  readonly references: ReadonlyArray<pulumi.Input<string>>;
}

/**
 * Splits `sshKeys` into public keys (to register) and references (to pass through). A plain
 * string that looks like an OpenSSH key must be a valid one; private keys are refused without
 * echoing them. Outputs are treated as references because they cannot be inspected yet.
 */
export function sortSshKeys(fail: Fail, field: string, keys: readonly SshKeyRef[] | undefined): SortedSshKeys {
  const publicKeys: Array<{ index: number; key: string }> = [];
  const references: Array<pulumi.Input<string>> = [];
  if (keys !== undefined && !Array.isArray(keys)) fail(field, keys, "use a list of public keys, key ids or key names");
  (keys ?? []).forEach((key, index) => {
    if (typeof key === "number") {
      if (!isWholeNumber(key) || key < 1) fail(`${field}[${index}]`, key, "a key id is a positive whole number");
      references.push(String(key));
    } else if (typeof key === "string") {
      if (key.includes("PRIVATE KEY")) fail(`${field}[${index}]`, "[private key]", "give the public key line (never a private key)");
      if (/^(ssh-|ecdsa-|sk-)/.test(key.trim())) {
        if (!isSshPublicKey(key)) fail(`${field}[${index}]`, key, 'use one OpenSSH public key line such as "ssh-ed25519 AAAAC3Nz... you@host"');
        publicKeys.push({ index, key: key.trim() });
      } else {
        if (key.trim() === "") fail(`${field}[${index}]`, key, "use a public key, a key id or a key name");
        references.push(key);
      }
    } else {
      references.push(pulumi.output(key).apply(String));
    }
  });
  return { publicKeys, references };
}

/** One volume a cloud VM mounts on first boot: the provider's stable device path and where to mount it. */
export interface VolumeMount {
  readonly device: string;
  readonly mountPath: string;
}

/**
 * The first-boot shell commands that mount volumes: for each, an `/etc/fstab` line with
 * `nofail` (systemd.mount(5): the mount is then only wanted, not required, by local-fs.target, so
 * a boot without the volume goes on) and the file system type `auto` (the volume was formatted by
 * the provider), then a wait for the device, which appears only once the attachment (created after
 * the server) has run, and a mount. The volume's data is never formatted here.
 */
export function volumeMountCommands(mounts: readonly VolumeMount[]): string[] {
  const quote = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;
  return mounts.map(({ device, mountPath }) => {
    const d = quote(device);
    const m = quote(mountPath);
    return (
      `mkdir -p ${m} && (grep -qs ${quote(` ${mountPath} `)} /etc/fstab || echo ${quote(`${device} ${mountPath} auto defaults,nofail,discard 0 2`)} >> /etc/fstab)` +
      ` && for i in $(seq 1 90); do [ -b ${d} ] && break; sleep 2; done; mount ${m} || true`
    );
  });
}

/**
 * The user data of a cloud VM: `userData` as given, or `cloudInit` rendered as a
 * `#cloud-config` document with the VM's host name; undefined when neither is set.
 * `mounts` (volumes to mount) are added to the commands, after the user's own: to the rendered
 * `cloudInit`, or to a `#cloud-config` `userData` (a script as `userData` cannot take them).
 * Giving both is an error (one way to configure first boot). Either is refused when larger
 * than the cloud takes (`userDataLimits`): now when known, when it resolves otherwise.
 */
export function cloudVmUserData(
  fail: Fail,
  hostname: string,
  cloudInit: VmCloudInit | undefined,
  userData: pulumi.Input<string> | undefined,
  cloud: keyof typeof userDataLimits,
  mounts: readonly VolumeMount[] = [],
): pulumi.Input<string> | undefined {
  if (cloudInit !== undefined && userData !== undefined) {
    fail("userData", "[user data]", "give either cloudInit (rendered by Hearth) or userData (used as is), not both");
  }
  if (userData !== undefined) {
    // Mounts go at the end of a #cloud-config document's runcmd; a script cannot take them.
    const withMounts = (text: string) => checkUserDataSize(fail, "userData", appendRuncmd(fail, "userData", text, volumeMountCommands(mounts)), cloud);
    const check = (text: unknown) => {
      if (typeof text !== "string") fail("userData", "[user data]", "use a string: a #cloud-config document or a script");
      checkUserDataSize(fail, "userData", text as string, cloud);
    };
    if (!isPlain(userData)) return mounts.length === 0 ? checked(userData, check) : checked(userData, check).apply(withMounts);
    check(userData);
    return mounts.length === 0 ? userData : withMounts(userData);
  }
  const mountCommands = volumeMountCommands(mounts);
  if (cloudInit === undefined) {
    if (mountCommands.length === 0) return undefined;
    const config: CloudConfig = { hostname, runcmd: mountCommands };
    checkCloudConfig(fail, "cloudInit", config);
    return checkUserDataSize(fail, "cloudInit", renderCloudConfig(config, fail), cloud);
  }
  if (cloudInit === null || typeof cloudInit !== "object") fail("cloudInit", cloudInit, "use an object such as { user: \"ops\", sshKeys: [...] }");
  const config: CloudConfig = {
    hostname,
    users: [{ name: cloudInit.user ?? "hearth", sshKeys: cloudInit.sshKeys ?? [] }],
    ...(cloudInit.packages ? { packages: cloudInit.packages } : {}),
    ...(cloudInit.writeFiles ? { writeFiles: cloudInit.writeFiles } : {}),
    ...(cloudInit.runcmd || mountCommands.length > 0 ? { runcmd: [...(cloudInit.runcmd ?? []), ...mountCommands] } : {}),
    ...(cloudInit.timezone ? { timezone: cloudInit.timezone } : {}),
  };
  checkCloudConfig(fail, "cloudInit", config);
  return checkUserDataSize(fail, "cloudInit", renderCloudConfig(config, fail), cloud);
}
