import { beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, presets, recordedOf as byType, recorded as created, captureChildren as parentRecorder, resetMocks as reset, settle, outputOf as value, expectRefused, lateErrors } from "@hearth/kit/testing";
import { expectAllRefused } from "../../../test/support/refused.js";
import { notAnObject, notAString } from "../../../test/support/badInputs.js";
import { PublicIp } from "./publicIp.js";
import { VmFromTemplate } from "./vmFromTemplate.js";

installMocks({ answers: presets.digitalocean });
beforeEach(reset);

describe("digitalocean PublicIp", () => {
  it("reserves an address to the region and assigns it to the droplet by a separate assignment", async () => {
    const { transformations, parents } = parentRecorder();
    const ip = new PublicIp("front", { region: "fra1", vmId: "4242" }, { transformations });
    expect(await value(ip.address)).toBe("198.51.100.8");
    await settle();
    const [reserved] = byType("digitalocean:index/reservedIp:ReservedIp");
    // Reserved to the region only: a droplet id here would tie the address to that droplet.
    expect(reserved).toMatchObject({ name: "front", inputs: { region: "fra1" } });
    expect(Object.keys(reserved!.inputs)).toEqual(["region"]);
    const [assignment] = byType("digitalocean:index/reservedIpAssignment:ReservedIpAssignment");
    expect(assignment).toMatchObject({ name: "front-assignment", inputs: { ipAddress: "198.51.100.8", dropletId: 4242 } });
    expect(parents.get("digitalocean:index/reservedIp:ReservedIp::front")).toBe(ip);
    expect(parents.get("digitalocean:index/reservedIpAssignment:ReservedIpAssignment::front-assignment")).toBe(ip);
  });

  it("stays unassigned without vmId", async () => {
    new PublicIp("spare", { region: pulumi.output("ams3" as const) });
    await settle();
    expect(byType("digitalocean:index/reservedIp:ReservedIp")).toHaveLength(1);
    expect(byType("digitalocean:index/reservedIpAssignment:ReservedIpAssignment")).toHaveLength(0);
  });

  it("refuses bad input with every problem at once, before registering anything", async () => {
    const error = await expectRefused(() => new PublicIp("bad", { region: "fsn1", vmId: "droplet-1" } as never));
    expect(error.problems.map((p) => p.field)).toEqual(["region", "vmId"]);
  });

  it("refuses generated bad args, regions and droplet ids", async () => {
    const runs = await expectAllRefused(
      created,
      fc.oneof(
        notAnObject.map((args) => args as never),
        fc.oneof(notAString, fc.constantFrom("fsn1", "FRA1", "")).map((region) => ({ region }) as never),
        fc.oneof(notAString, fc.constantFrom("", "0", "-1", "1.5", "01", " 7")).map((vmId) => ({ region: "fra1", vmId }) as never),
      ),
      (args) => new PublicIp("gen", args),
      150,
    );
    expect(runs).toBe(150);
  });

  it("checks an Output droplet id when it resolves", async () => {
    const errors = await lateErrors(() => void new PublicIp("later", { region: "fra1", vmId: pulumi.output("not-an-id") }));
    expect(errors.map((e) => e.message).join("\n")).toMatch(/PublicIp "later": vmId "not-an-id"/);
  });

  it("keeps a VmFromTemplate's address across droplets: the assignment follows vm.instanceId; ipv6 is the droplet's own choice", async () => {
    const vm = new VmFromTemplate("web", { region: "fra1", ipv6: true });
    const ip = new PublicIp("web-ip", { region: "fra1", vmId: vm.instanceId });
    await value(ip.address);
    await settle();
    const [droplet] = byType("digitalocean:index/droplet:Droplet");
    expect(droplet!.inputs.ipv6).toBe(true);
    expect(byType("digitalocean:index/reservedIpAssignment:ReservedIpAssignment")[0]!.inputs.dropletId).toBe(Number(await value(vm.instanceId)));
    await reset();
    await value(new VmFromTemplate("plain", { region: "fra1" }).instanceId);
    await settle();
    expect(byType("digitalocean:index/droplet:Droplet")[0]!.inputs.ipv6).toBeUndefined();
  });

  it("refuses an ipv6 that is not a boolean", async () => {
    await expectRefused(() => new VmFromTemplate("web", { region: "fra1", ipv6: "yes" as never }), /ipv6 "yes".*true or false/);
  });
});
