import { beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, presets, recordedOf as byType, recorded as created, captureChildren as parentRecorder, resetMocks as reset, settle, outputOf as value, expectRefused, lateErrors } from "@hearth/kit/testing";
import { expectAllRefused } from "../../../test/support/refused.js";
import { notAnObject, notAString } from "../../../test/support/badInputs.js";
import { PublicIp } from "./publicIp.js";
import { VmFromTemplate } from "./vmFromTemplate.js";

installMocks({ answers: presets.hcloud });
beforeEach(reset);

describe("hcloud PublicIp", () => {
  it("creates an unassigned primary IPv4 in the location that outlives its server and is replaced delete-first", async () => {
    const { transformations, parents, options } = parentRecorder();
    const ip = new PublicIp("front", { location: "nbg1", labels: { env: "prod" } }, { transformations });
    expect(await value(ip.address)).toBe("198.51.100.7");
    expect(await value(ip.ipId)).toMatch(/^[0-9]+$/);
    await settle();
    const [primary] = byType("hcloud:index/primaryIp:PrimaryIp");
    expect(primary).toMatchObject({ name: "front", inputs: { name: "front", type: "ipv4", location: "nbg1", autoDelete: false } });
    // No assignee (the server takes the IP at creation) and no datacenter (removed 2026-07-01).
    expect(Object.keys(primary!.inputs).sort()).toEqual(["autoDelete", "labels", "location", "name", "type"]);
    expect(primary!.inputs.labels).toEqual({ "hearth/component": "PublicIp", "hearth/managed-by": "hearth", "hearth/stack": "test", env: "prod" });
    expect(parents.get("hcloud:index/primaryIp:PrimaryIp::front")).toBe(ip);
    expect(options.get("hcloud:index/primaryIp:PrimaryIp::front")!.deleteBeforeReplace).toBe(true);
  });

  it("takes Hetzner's name and delete protection, and passes protect on to its child", async () => {
    const children: pulumi.Resource[] = [];
    const capture: pulumi.ResourceTransformation = (args) => void (args.type === "hcloud:index/primaryIp:PrimaryIp" && children.push(args.resource));
    new PublicIp("front", { name: "front-door", location: pulumi.output("fsn1"), deleteProtection: true }, { transformations: [capture], protect: true });
    await settle();
    expect(byType("hcloud:index/primaryIp:PrimaryIp")[0]!.inputs).toMatchObject({ name: "front-door", location: "fsn1", deleteProtection: true });
    // `protect` on the component reaches the primary IP (Pulumi copies it to children), so a plan that replaces the address fails.
    expect(children.map((c) => (c as unknown as { __protect?: boolean }).__protect)).toEqual([true]);
  });

  it("refuses bad input with every problem at once, before registering anything", async () => {
    const error = await expectRefused(() => new PublicIp("bad", { location: "ams3", labels: { "hearth/role": "x" }, deleteProtection: "yes" } as never));
    expect(error.problems.map((p) => p.field)).toEqual(["location", "labels.hearth/role", "deleteProtection"]);
    expect(error.message).toMatch(/location "ams3"/);
  });

  it("refuses a primary IP name another component of the program already uses", async () => {
    new PublicIp("a", { name: "shared", location: "fsn1" });
    await expectRefused(() => new PublicIp("b", { name: "shared", location: "fsn1" }), /already uses the Hetzner Cloud primary IP name "shared"/);
  });

  it("refuses generated bad args, locations and names", async () => {
    const runs = await expectAllRefused(
      created,
      fc.oneof(
        notAnObject.map((args) => args as never),
        fc.oneof(notAString, fc.constantFrom("ams3", "fsn", "FSN1", "")).map((location) => ({ location }) as never),
        fc.oneof(notAString, fc.constantFrom("", " front")).map((name) => ({ location: "fsn1", name }) as never),
      ),
      (args) => new PublicIp("gen", args),
      150,
    );
    expect(runs).toBe(150);
  });

  it("checks an Output location when it resolves", async () => {
    const errors = await lateErrors(() => void new PublicIp("later", { location: pulumi.output("ams3" as "fsn1") }));
    expect(errors.map((e) => e.message).join("\n")).toMatch(/PublicIp "later": location "ams3"/);
  });

  it("is taken by a VmFromTemplate at creation (publicIpv4), which is then replaced delete-first", async () => {
    const { transformations, options } = parentRecorder();
    const ip = new PublicIp("front", { location: "fsn1" });
    const vm = new VmFromTemplate("web", { location: "fsn1", publicIpv4: ip.ipId }, { transformations });
    await value(vm.instanceId);
    await settle();
    const [server] = byType("hcloud:index/server:Server");
    expect(server!.inputs.publicNets).toEqual([{ ipv4Enabled: true, ipv4: Number(await value(ip.ipId)), ipv6Enabled: true }]);
    expect(options.get("hcloud:index/server:Server::web")!.deleteBeforeReplace).toBe(true);
    // Without a PublicIp the server keeps Hetzner's own public addresses and is replaced create-first.
    await reset();
    const { transformations: t2, options: o2 } = parentRecorder();
    await value(new VmFromTemplate("plain", { location: "fsn1" }, { transformations: t2 }).instanceId);
    await settle();
    expect(byType("hcloud:index/server:Server")[0]!.inputs.publicNets).toBeUndefined();
    expect(o2.get("hcloud:index/server:Server::plain")!.deleteBeforeReplace).toBeUndefined();
  });

  it("refuses a publicIpv4 that is not a primary IP id", async () => {
    await expectRefused(() => new VmFromTemplate("web", { location: "fsn1", publicIpv4: "198.51.100.7" }), /publicIpv4 "198.51.100.7".*PublicIp's ipId/);
  });
});
