/**
 * Test support for the component tests (not exported from the package): Pulumi mocks that
 * record every resource, and a transformation that captures each child's options (parent,
 * dependsOn) the way the engine would receive them.
 */
import * as pulumi from "@pulumi/pulumi";
import type { HearthValidationError } from "@hearth/core";
import { expectRefused as sharedExpectRefused } from "../../../test/support/refused.js";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly custom: boolean;
}

export interface CapturedChild {
  readonly type: string;
  readonly name: string;
  readonly resource: pulumi.Resource;
  readonly props: Record<string, any>;
  readonly opts: pulumi.ResourceOptions;
}

/** Resources the mocks saw, in registration order. Cleared by {@link resetMocks}. */
export const recorded: RecordedResource[] = [];

let nextVmId = 1000;

/**
 * A check on an Output fails inside `apply`, which Pulumi reports as a rejected registration
 * (in a real run that fails the deployment). Tests that exercise those checks name their
 * component with a `late` prefix; only HearthValidationErrors of such components are taken out
 * of vitest's unhandled-rejection report, every other rejection still fails the run.
 */
function tolerateLateValidationErrors(): void {
  const isExpected = (reason: unknown) =>
    reason instanceof Error && reason.name === "HearthValidationError" && /^\w+ "late/.test(String((reason as { component?: unknown }).component));
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason, promise) => {
    if (isExpected(reason)) return;
    for (const listener of previous) listener(reason, promise);
  });
}

/** Installs Pulumi mocks that record resources and answer like the Proxmox provider would. */
export async function installMocks(): Promise<void> {
  tolerateLateValidationErrors();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? false });
        const state: Record<string, any> = { ...args.inputs };
        switch (args.type) {
          case "proxmoxve:index/vmLegacy:VmLegacy":
            state.vmId = args.inputs.vmId ?? nextVmId++;
            state.ipv4Addresses = [["127.0.0.1"], ["10.20.0.15"], [], ["10.30.0.2"]];
            break;
          case "proxmoxve:download/file:File":
            state.fileName = args.inputs.fileName ?? "image.qcow2";
            state.id = `${args.inputs.datastoreId}:${args.inputs.contentType}/${state.fileName}`;
            return { id: state.id, state };
        }
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "hearth",
    "test",
    false,
  );
}

/** Lets registrations of the previous test land, then forgets every recorded resource. */
export async function resetMocks(): Promise<void> {
  await settle();
  recorded.length = 0;
}

/** The recorded resources of one provider type, for example `"proxmoxve:index/vmLegacy:VmLegacy"`. */
export function recordedOf(type: string): RecordedResource[] {
  return recorded.filter((r) => r.type === type);
}

/**
 * A transformation (pass it in a component's options; children inherit it) that records each
 * provider resource it sees, with the options the engine receives (parent, dependsOn).
 */
export function captureChildren(): { transformation: pulumi.ResourceTransformation; children: CapturedChild[] } {
  const children: CapturedChild[] = [];
  return {
    children,
    transformation: (args) => {
      if (args.type.startsWith("hearth:")) return undefined;
      children.push({ type: args.type, name: args.name, resource: args.resource, props: args.props, opts: args.opts });
      return undefined;
    },
  };
}

/** Resolves an Output's value (rejects when the Output failed, for example a validation in apply). */
export function value<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until the mocks have settled every pending registration. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

export const types = {
  vm: "proxmoxve:index/vmLegacy:VmLegacy",
  file: "proxmoxve:download/file:File",
  group: "proxmoxve:cluster/firewall/security/groupLegacy:GroupLegacy",
  rules: "proxmoxve:firewall/rulesLegacy:RulesLegacy",
  options: "proxmoxve:firewall/optionsLegacy:OptionsLegacy",
  bridge: "proxmoxve:network/linux/bridge:Bridge",
  vlan: "proxmoxve:network/linux/vlan:Vlan",
  zoneSimple: "proxmoxve:sdn/zone/simple:Simple",
  zoneVlan: "proxmoxve:sdn/zone/vlan:Vlan",
  vnet: "proxmoxve:sdn/vnet:Vnet",
  subnet: "proxmoxve:sdn/subnet:Subnet",
  applier: "proxmoxve:sdn/applier:Applier",
  backupJob: "proxmoxve:backup/job:Job",
} as const;

/**
 * Asserts that `make` throws a HearthValidationError matching `message` and that nothing at
 * all was registered (neither the component nor any child): the shared helper of every
 * package (test/support/refused.ts) on this file's mocks.
 */
export async function expectRefused(make: () => unknown, message: RegExp): Promise<HearthValidationError> {
  return sharedExpectRefused(recorded, make, message);
}
