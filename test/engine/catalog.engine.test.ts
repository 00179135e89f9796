import { generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCatalog } from "@hearth/catalog/client";
import { EngineWorkspace, countByType, findPlaintext, repoRoot } from "../../scripts/lib/engine.js";

// The real engine on a Hearth component that needs no provider plugin: plan, apply, no-change
// plan, destroy; and the signing key never reaches the plan, the logs or the state in plain text.
describe("engine: examples/catalog-basic", () => {
  const ws = new EngineWorkspace(join(repoRoot, "examples/catalog-basic"), "enginetest");
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const signingKey = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const outputFile = join(ws.projectDir, "catalog.json");

  beforeAll(async () => {
    await ws.init({}, { catalogSigningKey: signingKey });
  }, 120_000);

  afterAll(() => {
    ws.dispose();
  });

  it("plans the stack and the catalog component", async () => {
    const preview = await ws.previewJson();
    expect(countByType(preview)).toEqual({ "pulumi:pulumi:Stack": 1, "hearth:catalog:GatewayCatalog": 1 });
  }, 300_000);

  it("applies, publishes a catalog clients verify, and then plans no changes", async () => {
    await ws.run(["up", "--yes", "--skip-preview", "--stack", "enginetest"]);
    const outputs = JSON.parse((await ws.run(["stack", "output", "--json", "--stack", "enginetest"])).stdout) as Record<string, unknown>;
    expect(outputs.keyId).toBe("2026-11");
    const checked = verifyCatalog(outputs.signed, { "2026-11": publicKey }, new Date("2026-11-24T00:00:00Z"));
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.catalog.gateways.map((g) => g.id)).toEqual(["ingress-ams3", "ingress-fsn1"]);
    expect(existsSync(outputFile)).toBe(true);
    expect(JSON.parse(readFileSync(outputFile, "utf8"))).toEqual(JSON.parse(String(outputs.signed)));

    // An unchanged fleet signs to the same bytes: the second plan is empty.
    await ws.run(["preview", "--expect-no-changes", "--stack", "enginetest"]);
  }, 300_000);

  it("destroys everything", async () => {
    await ws.run(["destroy", "--yes", "--skip-preview", "--stack", "enginetest"]);
    const state = JSON.parse((await ws.run(["stack", "export", "--stack", "enginetest"])).stdout) as {
      deployment: { resources?: unknown[] };
    };
    expect(state.deployment.resources ?? []).toHaveLength(0);
  }, 300_000);

  it("never writes the signing key in plain text", () => {
    // The scan is only meaningful over what the runs really wrote.
    expect(ws.stateText()).toContain("hearth:catalog:GatewayCatalog");
    expect(ws.transcript.join("\n")).toContain("front-doors");
    const leaks = findPlaintext(signingKey, {
      "engine output": ws.transcript.join("\n"),
      "state files": ws.stateText(),
      "stack config file": readFileSync(ws.configFile, "utf8"),
    });
    expect(leaks).toEqual([]);
  });
});
