import { afterEach, describe, expect, it } from "vitest";
import { deriveWireguardPrivateKey, wireguardPublicKey } from "@hearth/gateway";
import { programFile, SandboxProject } from "./harness.js";

const gatewaySeed = "hearth-e2e-gateway-seed-not-a-real-secret-0123456789";

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("hcloud volumes: the real engine and provider against the sandbox", () => {
  it("a volume outlives its server: mounted, drift reverted, kept with its data through a replacement, guarded and protected", async () => {
    project = await SandboxProject.fromFile(programFile("hcloud-volumes"), { hcloud: { actionMs: 50 } });
    const p = project;
    const up = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(up);
    const state = p.sandbox.inspect().hcloud;
    const [server] = Object.values(state.servers);
    const [volume] = Object.values(state.volumes ?? {});
    // Attached to the server, protected at Hetzner, mounted on first boot by its linux_device with nofail.
    expect(volume).toMatchObject({ name: "data", size: 10, format: "ext4", server: server!.id, protection: { delete: true }, location: { name: "fsn1" } });
    expect(volume!.labels).toMatchObject({ app: "db", "hearth/component": "Volume" });
    expect(state.guestUserData?.[String(server!.id)]).toContain(`${String(volume!.linux_device)} /srv/data auto defaults,nofail,discard 0 2`);
    expect(up.output).toContain(`volumeId   : "${volume!.id}"`);
    // The snapshot was taken after the attachment had unlocked the server.
    const images = Object.values(state.images ?? {});
    expect(images).toEqual([expect.objectContaining({ type: "snapshot", created_from: expect.objectContaining({ id: server!.id }) })]);

    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    // Drift on the volume's labels is reported and reverted.
    p.sandbox.mutate({ api: "hcloud", kind: "volume", id: volume!.id as number, set: { labels: { app: "db", touched: "yes" } } });
    const drift = await p.pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(drift.code, drift.output).not.toBe(0);
    expect(drift.output).toContain("touched");
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    expect(Object.values(p.sandbox.inspect().hcloud.volumes ?? {})[0]!.labels).not.toHaveProperty("touched");

    // Data written by the guest stays on the volume when the server is replaced (a new image).
    p.sandbox.writeVolumeFile({ api: "hcloud", volumeId: volume!.id as number, path: "/srv/data/marker", content: "written by db-1" });
    p.setConfig({ image: "ubuntu-24.04" });
    const replace = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(replace);
    expect(replace.output).toMatch(/hcloud:index:Server db-1 .*replaced/);
    const after = p.sandbox.inspect().hcloud;
    const [newServer] = Object.values(after.servers);
    expect(newServer!.id).not.toBe(server!.id);
    expect(Object.values(after.volumes ?? {})).toEqual([expect.objectContaining({ id: volume!.id, server: newServer!.id })]);
    expect(p.sandbox.volumeFiles({ api: "hcloud", volumeId: volume!.id as number })).toEqual({ attachedTo: newServer!.id, files: { "/srv/data/marker": "written by db-1" } });
    // The snapshot was taken once and stays.
    expect(Object.values(after.images ?? {}).map((i) => i.id)).toEqual(images.map((i) => i.id));
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));

    // Growing is in place; a smaller size is refused by Hetzner and leaves the volume as it was.
    p.setConfig({ sizeGb: 20 });
    const grown = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(grown);
    expect(grown.output).not.toMatch(/replace/);
    expect(Object.values(p.sandbox.inspect().hcloud.volumes ?? {})).toEqual([expect.objectContaining({ id: volume!.id, size: 20 })]);
    p.setConfig({ sizeGb: 15 });
    const shrink = await p.pulumi(["up", "--yes", "--skip-preview"]);
    expect(shrink.code, shrink.output).not.toBe(0);
    expect(shrink.output).toMatch(/greater than the current size/);
    expect(Object.values(p.sandbox.inspect().hcloud.volumes ?? {})).toEqual([expect.objectContaining({ id: volume!.id, size: 20 })]);
    expect(p.sandbox.volumeFiles({ api: "hcloud", volumeId: volume!.id as number }).files).toEqual({ "/srv/data/marker": "written by db-1" });
    // The failed update left the asked size in Pulumi's state; with the size set back, a refresh
    // reads the real one and nothing is left to change.
    p.setConfig({ sizeGb: 20 });
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    // Moving the volume would replace it and lose the data: the preview fails, saying what to do.
    p.setConfig({ volumeLocation: "nbg1" });
    const moved = await p.pulumi(["preview"]);
    expect(moved.code, moved.output).not.toBe(0);
    expect(moved.output).toMatch(/Volume "data": location "nbg1".*lives in "fsn1".*Set location back to "fsn1", or, to delete the data on purpose, set allowReplacement: true and deleteProtection: false/s);
    p.setConfig({ volumeLocation: "fsn1" });
    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    // Stateful by default: destroy refuses and the volume and its data stay.
    const refused = await p.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(refused.code, refused.output).not.toBe(0);
    expect(refused.output).toMatch(/protect/);
    expect(Object.values(p.sandbox.inspect().hcloud.volumes ?? {})).toHaveLength(1);

    // Lifting the protection on purpose: destroy leaves nothing.
    p.setConfig({ deleteProtection: false });
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    expect(Object.values(p.sandbox.inspect().hcloud.volumes ?? {})[0]).toMatchObject({ protection: { delete: false } });
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });

  it("a gateway's volume follows its server through a delete-first replacement (primary IP and attachment both go first)", async () => {
    project = await SandboxProject.fromFile(
      programFile("hcloud-gateway-volume"),
      { hcloud: { actionMs: 20 } },
      { config: { ports: [443], homeWireguardPublicKey: wireguardPublicKey(deriveWireguardPrivateKey(gatewaySeed, "home")) }, secrets: { wireguardSeed: gatewaySeed } },
    );
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const before = p.sandbox.inspect().hcloud;
    const [server] = Object.values(before.servers);
    const [volume] = Object.values(before.volumes ?? {});
    expect(volume).toMatchObject({ server: server!.id });
    // The gateway's bootstrap, with the mount at the end of its runcmd.
    expect(before.guestUserData?.[String(server!.id)]).toMatch(/wg-quick@wg0[\s\S]*scsi-0HC_Volume_\d+ \/var\/lib\/hearth auto defaults,nofail/);
    p.sandbox.writeVolumeFile({ api: "hcloud", volumeId: volume!.id as number, path: "/var/lib/hearth/acme.json", content: "certificates" });
    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    // New ports, new bootstrap: the server is replaced delete-first; the volume moves with it.
    p.setConfig({ ports: [443, 80] });
    const replaced = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(replaced);
    expect(replaced.output).toMatch(/hcloud:index:Server ingress-fsn1 .*replaced/);
    const [newServer] = Object.values(p.sandbox.inspect().hcloud.servers);
    expect(newServer!.id).not.toBe(server!.id);
    expect(p.sandbox.volumeFiles({ api: "hcloud", volumeId: volume!.id as number })).toEqual({ attachedTo: newServer!.id, files: { "/var/lib/hearth/acme.json": "certificates" } });
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.stateText()).not.toContain(gatewaySeed);
  });

  it("why attachments are replaced delete-first: created first, the new attachment is refused because the volume is still attached", async () => {
    project = await SandboxProject.fromFile(programFile("hcloud-raw-attachment"), { hcloud: { actionMs: 20 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    p.setConfig({ image: "ubuntu-24.04" });
    const createFirst = await p.pulumi(["up", "--yes", "--skip-preview"]);
    expect(createFirst.code, createFirst.output).not.toBe(0);
    expect(createFirst.output).toMatch(/volume_already_attached|already attached/);
    // The same change with the attachment replaced delete-first goes through.
    p.setConfig({ deleteBeforeReplace: true });
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const state = p.sandbox.inspect().hcloud;
    const servers = Object.values(state.servers);
    expect(servers).toHaveLength(1);
    expect(Object.values(state.volumes ?? {})[0]).toMatchObject({ server: servers[0]!.id });
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
  });

  it("the engine previews and runs a read of a volume whose id is not known yet (the DigitalOcean VM reads its volumes so)", async () => {
    project = await SandboxProject.fromFile(programFile("hcloud-read-volume"), { hcloud: { actionMs: 20 } });
    const p = project;
    const preview = await p.pulumi(["preview"]);
    ok(preview);
    expect(preview.output).toMatch(/readName: \[unknown\]/);
    const up = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(up);
    expect(up.output).toMatch(/readName: "made"/);
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
  });
});
