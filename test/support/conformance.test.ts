import { startSandbox } from "@hearth/sandbox";
import { describe, expect, it } from "vitest";
import { assertAllConformant, assertConformant, forget } from "./conformance.js";

describe("the conformance check every sandbox test runs", () => {
  it("fails on an exchange the document does not allow, once, and passes a clean run", async () => {
    const sb = await startSandbox();
    try {
      const headers = { Authorization: `Bearer ${sb.hcloud.token}` };
      expect((await fetch(`${sb.hcloud.endpoint}/locations`, { headers })).status).toBe(200);
      await expect(assertConformant(sb)).resolves.toBeUndefined();
      // hcloud ignores unknown query parameters, but the document names none called `flavour`.
      expect((await fetch(`${sb.hcloud.endpoint}/locations?flavour=mint`, { headers })).status).toBe(200);
      await expect(assertConformant(sb)).rejects.toThrow(/hcloud GET \/locations -> 200 \[undocumented-request-field\] \?flavour: query parameter not documented/);
      // Reported once: the next check only looks at what came after.
      await expect(assertConformant(sb)).resolves.toBeUndefined();
    } finally {
      await sb.stop();
    }
  });

  it("watches every sandbox started, without being told about it (what the afterEach hook checks)", async () => {
    const sb = await startSandbox();
    try {
      await fetch(`${sb.hcloud.endpoint}/locations?flavour=mint`, { headers: { Authorization: `Bearer ${sb.hcloud.token}` } });
      await expect(assertAllConformant()).rejects.toThrow(/\?flavour/);
    } finally {
      forget(sb);
      await sb.stop();
    }
  });

  it("fails when the documents could not be found, unless conformance was turned off", async () => {
    const previous = process.env.HEARTH_SPECS_DIR;
    process.env.HEARTH_SPECS_DIR = "/nonexistent";
    try {
      const missing = await startSandbox();
      const off = await startSandbox({ conformance: false });
      await Promise.all([missing.stop(), off.stop()]);
      await expect(assertConformant(missing)).rejects.toThrow(/not checked: the official API descriptions were not found/);
      forget(missing);
      await expect(assertConformant(off)).resolves.toBeUndefined();
    } finally {
      if (previous === undefined) delete process.env.HEARTH_SPECS_DIR;
      else process.env.HEARTH_SPECS_DIR = previous;
    }
  });
});
