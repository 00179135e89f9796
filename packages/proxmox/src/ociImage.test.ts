import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OciImage } from "./ociImage.js";
import { captureChildren, expectRefused, installMocks, outputOf as value, presets, proxmoxTypes as types, recorded, recordedOf, resetMocks, settle } from "@hearth/kit/testing";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
});

describe("OciImage", () => {
  it("pulls the image to a vztmpl storage under the provider's default name", async () => {
    const { transformation, children } = captureChildren();
    const alpine = new OciImage("alpine", { node: "pve1", reference: "docker.io/library/alpine:3.22" }, { transformations: [transformation] });
    expect(await value(alpine.volumeId)).toBe("local:vztmpl/alpine_3.22.tar");
    expect(await value(alpine.fileName)).toBe("alpine_3.22.tar");
    expect(await value(alpine.sizeBytes)).toBe(4194304);
    await settle();
    expect(children.map((c) => [c.type, c.name])).toEqual([[types.ociImage, "alpine"]]);
    // Named after the tag: a new tag is a new file, pulled before the old one is deleted.
    expect(children[0]!.opts.deleteBeforeReplace).toBeUndefined();
    expect(recordedOf(types.ociImage)[0]?.inputs).toEqual({
      nodeName: "pve1",
      datastoreId: "local",
      reference: "docker.io/library/alpine:3.22",
      overwrite: false,
      overwriteUnmanaged: false,
      uploadTimeout: 600,
    });
  });

  it("uses the given file name, storage and options; a fixed name is replaced delete-first", async () => {
    const { transformation, children } = captureChildren();
    const ha = new OciImage("ha", { node: "pve1", reference: "ghcr.io/home-assistant/home-assistant:2026.11", fileName: "home-assistant.tar", storage: "nfs", redownloadWhenChanged: true, timeoutSeconds: 3600 }, { transformations: [transformation] });
    await settle();
    expect(children[0]!.opts.deleteBeforeReplace).toBe(true);
    expect(await value(ha.volumeId)).toBe("nfs:vztmpl/home-assistant.tar");
    expect(recordedOf(types.ociImage)[0]?.inputs).toMatchObject({ fileName: "home-assistant.tar", datastoreId: "nfs", overwrite: true, uploadTimeout: 3600 });
  });

  it("reports every problem at once and registers nothing", async () => {
    const error = await expectRefused(() => new OciImage("bad", { node: "", reference: "alpine", fileName: "alpine.tar.gz", replaceUnmanagedFile: 1 as never, timeoutSeconds: 1.5 }));
    expect(error.problems.map((p) => p.field).sort()).toEqual(["fileName", "node", "reference", "replaceUnmanagedFile", "timeoutSeconds"]);
    expect(error.message).toMatch(/Proxmox pulls by tag, not by digest/);
  });

  it("refuses references without a tag or with a digest (property)", async () => {
    const repo = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
    const bad = fc.oneof(repo, repo.map((r) => `${r}@sha256:${"a".repeat(64)}`), repo.map((r) => `${r.toUpperCase()}X:1`));
    await fc.assert(
      fc.asyncProperty(bad, async (reference) => {
        recorded.length = 0;
        await expectRefused(() => new OciImage("p", { node: "pve1", reference }), /reference/);
      }),
      { numRuns: 40 },
    );
  });
});
