import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { childOptions, composed, composedLabels, compositionOf, nameOwner } from "./composition.js";

pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) }, "hearth", "test");

const urnOf = (r: pulumi.Resource) => new Promise<string>((resolve) => r.urn.apply(resolve));
/** The URNs a resource's aliases resolve to (Pulumi collapses each alias to a URN in the constructor). */
const aliasUrns = (r: pulumi.Resource) =>
  Promise.all(((r as unknown as { __aliases: pulumi.Output<string>[] }).__aliases ?? []).map((a) => new Promise<string>((resolve) => a.apply(resolve))));

/** A raw resource of a made-up provider (the mocks create anything). */
class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

/** A component as the provider packages write one: every child's options pass through childOptions, labels through composedLabels. */
class Box extends pulumi.ComponentResource {
  public readonly thing: Raw;
  public readonly labels: Record<string, string>;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Box", name, {}, opts);
    this.labels = composedLabels(opts, { "hearth/component": "Box", env: "lab" });
    this.thing = new Raw("test:index:Thing", name, { labels: this.labels }, childOptions(opts, name, { parent: this, protect: false }));
    new Raw("test:index:Other", `${name}-other`, {}, childOptions(opts, `${name}-other`, { parent: this }));
  }
}

describe("composition", () => {
  it("rides on a copy of the options, and options a user wrote carry none", () => {
    const opts = { protect: true };
    const withIt = composed(opts, { labels: { "hearth/role": "ingress" } });
    expect(withIt).toEqual(opts);
    expect(withIt).not.toBe(opts);
    expect(compositionOf(withIt)).toEqual({ labels: { "hearth/role": "ingress" } });
    expect(compositionOf(opts)).toEqual({});
    expect(compositionOf(undefined)).toEqual({});
  });

  it("merges a child's options with the component's own, for that child only", () => {
    const opts = composed({}, { children: { web: { aliases: ["urn:old"], deleteBeforeReplace: true, additionalSecretOutputs: ["userData"] } } });
    expect(childOptions(opts, "web", { aliases: ["urn:own"], additionalSecretOutputs: ["password"] })).toEqual({
      aliases: ["urn:own", "urn:old"],
      deleteBeforeReplace: true,
      additionalSecretOutputs: ["password", "userData"],
    });
    const own = { protect: true };
    expect(childOptions(opts, "db", own)).toBe(own);
    expect(childOptions(undefined, "web", own)).toBe(own);
  });

  it("lays the composer's labels over the component's, Hearth's keys included", () => {
    const opts = composed({}, { labels: { "hearth/component": "GatewayNode", "hearth/role": "ingress" } });
    expect(composedLabels(opts, { "hearth/component": "Box", env: "lab" })).toEqual({ "hearth/component": "GatewayNode", "hearth/role": "ingress", env: "lab" });
    expect(composedLabels({}, { env: "lab" })).toEqual({ env: "lab" });
  });

  it("names the composer as the owner of the component's unique names", () => {
    expect(nameOwner(composed({}, { owner: 'GatewayNode "gw"' }), 'VmFromTemplate "gw"')).toBe('GatewayNode "gw"');
    expect(nameOwner({}, 'VmFromTemplate "gw"')).toBe('VmFromTemplate "gw"');
  });

  it("lets a composer keep a child's old URN when the child moves under a component", async () => {
    // Before: the composer created the Thing itself.
    const before = new pulumi.ComponentResource("test:index:Composer", "gw", {});
    const oldThing = new Raw("test:index:Thing", "gw", {}, { parent: before });
    const oldUrn = await urnOf(oldThing);
    expect(oldUrn).toBe("urn:pulumi:test::hearth::test:index:Composer$test:index:Thing::gw");

    // After: the Thing is a Box's child; the composer aliases it to where it was.
    const after = new pulumi.ComponentResource("test:index:Composer", "gw2", {});
    const box = new Box("gw2", composed({ parent: after }, { labels: { "hearth/role": "ingress" }, children: { gw2: { aliases: [{ parent: after }] } } }));
    // (The mocks qualify a URN's type by the parent's type only; the engine by the whole chain.)
    expect(await urnOf(box.thing)).not.toContain("test:index:Composer$test:index:Thing::");
    expect(await aliasUrns(box.thing)).toEqual(["urn:pulumi:test::hearth::test:index:Composer$test:index:Thing::gw2"]);
    expect(box.labels).toEqual({ "hearth/component": "Box", "hearth/role": "ingress", env: "lab" });

    // A Box built with options a user wrote has no aliases.
    const plain = new Box("plain");
    expect(await aliasUrns(plain.thing)).toEqual([]);
  });
});
