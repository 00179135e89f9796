import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, OutputNotResolvedError, outputOf, recorded } from "../testing.js";

// Its own file (own process): the mocks run as a preview, where outputs they do not answer are unknown.
beforeAll(() => installMocks({ preview: true, answers: { "hcloud:index/server:Server": () => ({ state: { status: "running" } }) } }));

/** A provider resource of any type (CustomResource itself is abstract). */
class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

describe("installMocks({ preview: true })", () => {
  it("runs as a preview, answers what the preset gives and names an unknown Output instead of hanging", async () => {
    expect(pulumi.runtime.isDryRun()).toBe(true);
    const server = new Raw("hcloud:index/server:Server", "web", { serverType: "cx23", status: undefined, ipv4Address: undefined }) as unknown as {
      status: pulumi.Output<string>;
      ipv4Address: pulumi.Output<string>;
    };
    expect(await outputOf(server.status)).toBe("running");
    const error = await outputOf(server.ipv4Address).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputNotResolvedError);
    expect((error as Error).message).toBe('hcloud:index/server:Server "web".ipv4Address is unknown: its value is only known after a deployment (the mocks run as a preview and did not answer it)');
    expect(recorded.map((r) => r.name)).toEqual(["web"]);
  });
});
