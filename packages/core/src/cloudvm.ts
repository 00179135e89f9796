import type { CloudConfig } from "./cloudinit.js";

/**
 * First-boot setup for a cloud VM, in the words the Proxmox components use (`user`,
 * `sshKeys`) plus the cloud-config parts a cloud VM commonly needs.
 */
export interface CloudVmInit {
  /** The account cloud-init creates, with passwordless sudo. @default "hearth" */
  readonly user?: string;
  /** OpenSSH public keys for that account. @default [] */
  readonly sshKeys?: readonly string[];
  /** Packages installed at first boot. @default [] */
  readonly packages?: readonly string[];
  /** Files written at first boot. @default [] */
  readonly writeFiles?: CloudConfig["writeFiles"];
  /** Commands run once at first boot, in order. @default [] */
  readonly runcmd?: CloudConfig["runcmd"];
  /** @default the image's (usually UTC) */
  readonly timezone?: string;
}
