import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "@hearth/core";
import { checked } from "../checked.js";
import {
  captureChildren,
  expectRefused,
  installMocks,
  late,
  lateErrors,
  OutputNotResolvedError,
  outputOf,
  presets,
  proxmoxTypes,
  recorded,
  recordedNamed,
  recordedOf,
  resetMocks,
} from "../testing.js";

/** A provider resource of any type (CustomResource itself is abstract). */
class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

/** A small component with one provider child, the shape of every Hearth component. */
class Box extends pulumi.ComponentResource {
  readonly size: pulumi.Output<number>;
  readonly address: pulumi.Output<string>;
  constructor(name: string, args: { size: pulumi.Input<number> }, opts?: pulumi.ComponentResourceOptions) {
    const size = checked(args.size, (v) => {
      if (v > 10) failFor("Box", name)("size", v, "use at most 10");
    });
    if (typeof args.size === "number" && args.size < 0) failFor("Box", name)("size", args.size, "use 0 or more");
    super("hearth:test:Box", name, {}, opts);
    const server = new Raw("hcloud:index/server:Server", name, { serverType: size.apply((s) => `cx${s}`), ipv4Address: undefined }, { parent: this, aliases: [{ name: `${name}-old` }] });
    this.size = size;
    this.address = (server as unknown as { ipv4Address: pulumi.Output<string> }).ipv4Address;
    this.registerOutputs({ size: this.size });
  }
}

/** A provider resource whose output `late` is never answered by the mocks and whose `pending` never resolves. */
class Slow extends pulumi.CustomResource {
  declare readonly pending: pulumi.Output<string>;
  constructor(name: string) {
    super("test:index:Slow", name, { pending: new Promise<string>(() => undefined) });
  }
}

beforeAll(() => installMocks({ answers: [presets.hcloud, presets.proxmox] }));
beforeEach(resetMocks);

describe("installMocks: every resource recorded, answered per type", () => {
  it("records components and children in order with their inputs, and answers with the preset", async () => {
    const box = new Box("web", { size: 3 });
    expect(await outputOf(box.address)).toMatch(/^203\.0\.113\.\d+$/);
    expect(recorded.map((r) => [r.type, r.name, r.custom])).toEqual([
      ["hearth:test:Box", "web", false],
      ["hcloud:index/server:Server", "web", true],
    ]);
    expect(recordedOf("hcloud:index/server:Server")[0]!.inputs).toEqual({ serverType: "cx3" });
    expect(recordedNamed("web")).toHaveLength(2);
    // Ids are numbers as text, distinct per resource (what Hetzner and DigitalOcean ids look like).
    const ids = recorded.map((r) => r.id);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^\d+$/);
  });

  it("answers Proxmox VMs with the requested id and the agent's addresses, files with their volume id", async () => {
    const vm = new Raw(proxmoxTypes.vm, "vm", { vmId: 201, vmIdOut: undefined, ipv4Addresses: undefined }) as unknown as { vmId: pulumi.Output<number>; ipv4Addresses: pulumi.Output<string[][]> };
    const file = new Raw(proxmoxTypes.file, "img", { datastoreId: "local", contentType: "iso" });
    expect(await outputOf(vm.ipv4Addresses)).toEqual([["127.0.0.1"], ["10.20.0.15"], [], ["10.30.0.2"]]);
    expect(await outputOf(file.id)).toBe("local:iso/image.qcow2");
  });

  it("empties the list in place on reset, so a reference taken once stays current", async () => {
    const list = recorded;
    new Box("a", { size: 1 });
    await resetMocks();
    expect(list).toBe(recorded);
    expect(list).toEqual([]);
  });
});

describe("captureChildren: the options the engine receives", () => {
  it("records parent, aliases and other options of every child", async () => {
    const capture = captureChildren();
    const box = new Box("db", { size: 2 }, { transformations: capture.transformations, protect: false });
    await outputOf(box.size);
    expect(capture.children.map((c) => `${c.type}::${c.name}`)).toEqual(["hcloud:index/server:Server::db"]);
    expect(capture.parents.get("hcloud:index/server:Server::db")).toBe(box);
    expect(capture.optionsOf("hcloud:index/server:Server", "db").aliases).toEqual([{ name: "db-old" }]);
    expect(capture.parents.get("hearth:test:Box::db")).toBeUndefined(); // the component itself, at the top
    expect(() => capture.optionsOf("hcloud:index/server:Server", "nope")).toThrow(/no resource hcloud:index\/server:Server::nope was captured; seen: .*hcloud:index\/server:Server::db/);
  });
});

describe("expectRefused", () => {
  it("passes when a HearthValidationError is thrown before anything registers", async () => {
    const error = await expectRefused(() => new Box("neg", { size: -1 }), /size -1 is not valid; use 0 or more/);
    expect(error.component).toBe('Box "neg"');
  });

  it("fails on no error, on another error, on another message, and when something registered", async () => {
    await expect(expectRefused(() => undefined)).rejects.toThrow(/expected a HearthValidationError, got no error/);
    await expect(expectRefused(() => JSON.parse("{"))).rejects.toThrow(/expected a HearthValidationError, got SyntaxError/);
    await expect(expectRefused(() => new Box("neg", { size: -1 }), /size 7/)).rejects.toThrow(/does not match/);
    await expect(
      expectRefused(() => {
        new Raw("hcloud:index/network:Network", "leak", {});
        throw new HearthValidationError('Box "x"', "size", 1, "no");
      }),
    ).rejects.toThrow(/refused input registered hcloud:index\/network:Network "leak"/);
  });
});

describe("outputOf: a value, or a rejection that names the Output", () => {
  it("resolves plain values, Outputs and secrets", async () => {
    expect(await outputOf(5)).toBe(5);
    expect(await outputOf(pulumi.output(Promise.resolve("x")))).toBe("x");
    expect(await outputOf(pulumi.secret("s"))).toBe("s");
  });

  it("rejects with the check's own error when a late value fails its check (no unhandled rejection left)", async () => {
    const size = checked(pulumi.output(12), (v) => failFor("Box", "late")("size", v, "use at most 10"));
    await expect(outputOf(size)).rejects.toThrow(HearthValidationError);
  });
});

describe("late: checks on values that resolve later", () => {
  it("rejects with the HearthValidationError the registrations raised, naming the component and field", async () => {
    await expect(late(() => new Box("big", { size: pulumi.output(11) }))).rejects.toThrow('Box "big": size 11 is not valid; use at most 10');
  });

  it("rejects with the error of an awaited Output of the component", async () => {
    await expect(late(() => outputOf(new Box("big2", { size: pulumi.output(12) }).size))).rejects.toThrow(/size 12 is not valid/);
  });

  it("resolves with the body's result when every late value passes", async () => {
    await expect(late(() => outputOf(new Box("fine", { size: pulumi.output(4) }).size))).resolves.toBe(4);
  });

  it("collects every late error (one per component) and reports several as one AggregateError", async () => {
    const errors = await lateErrors(() => {
      new Box("one", { size: pulumi.output(20) });
      new Box("two", { size: pulumi.output(30) });
    });
    expect(errors.map((e) => e.component).sort()).toEqual(['Box "one"', 'Box "two"']);
    const both = await late(() => {
      new Box("three", { size: pulumi.output(20) });
      new Box("four", { size: pulumi.output(30) });
    }).catch((e: unknown) => e);
    expect(both).toBeInstanceOf(AggregateError);
    expect((both as Error).message).toMatch(/Box "three".*\n.*Box "four"|Box "four".*\n.*Box "three"/);
  });

  it("lets any other error through", async () => {
    await expect(lateErrors(() => Promise.reject(new TypeError("a bug")))).rejects.toThrow(TypeError);
  });
});

// Last: the registration of `Slow` never completes, so Pulumi's queue of pending calls never drains
// after it and every later settle() waits its full bound.
describe("outputOf: a registration that never completes", () => {
  it("rejects with the resource and field when the Output never resolves, instead of hanging", async () => {
    const slow = new Slow("forever");
    const started = Date.now();
    const error = await outputOf(slow.pending, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputNotResolvedError);
    expect((error as Error).message).toBe('test:index:Slow "forever".pending did not resolve within 200 ms (it waits on a value the mocks never answered, or on itself)');
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(outputOf(new Promise<never>(() => undefined), { timeoutMs: 50, name: "vm.vmId" })).rejects.toThrow(/^vm\.vmId did not resolve within 50 ms/);
  });

});
