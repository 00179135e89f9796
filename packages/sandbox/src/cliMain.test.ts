import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./cliMain.js";
import type { Sandbox } from "./server.js";
import { call } from "./testClient.js";

let running: Sandbox | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) } };
};

describe("hearth-sandbox command", () => {
  it("prints the providers' environment as KEY=value lines and serves what the flags ask for", async () => {
    const c = capture();
    running = await runCli(["--template", "9000:debian-12", "--faults", "slowTaskMs=1", "--clone-ms", "5", "--log"], c.io);
    const env = Object.fromEntries(c.out.join("").trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    expect(Object.keys(env)).toEqual(["PROXMOX_VE_ENDPOINT", "PROXMOX_VE_API_TOKEN", "PROXMOX_VE_INSECURE", "HCLOUD_ENDPOINT", "HCLOUD_TOKEN", "DIGITALOCEAN_API_URL", "DIGITALOCEAN_TOKEN", "HEARTH_SANDBOX_STATE_URL"]);
    expect(env.PROXMOX_VE_API_TOKEN).toBe(running!.proxmox.apiToken);
    const state = await call(env.HEARTH_SANDBOX_STATE_URL!);
    expect(state.body.proxmox.vms["9000"].config.name).toBe("debian-12");
    await call(`${env.PROXMOX_VE_ENDPOINT}api2/json/version`, { headers: { Authorization: `PVEAPIToken=${env.PROXMOX_VE_API_TOKEN}` } });
    expect(c.err.join("")).toContain("proxmox GET /api2/json/version -> 200");
    expect(c.err.join("")).not.toContain(env.PROXMOX_VE_API_TOKEN!);
  });

  it("prints help and starts nothing", async () => {
    const c = capture();
    expect(await runCli(["--help"], c.io)).toBeUndefined();
    expect(c.out.join("")).toContain("Usage: hearth-sandbox");
  });

  it.each([
    [["--port", "abc"], /--port must be a non-negative integer/],
    [["--template", "42"], /--template needs a VM id >= 100/],
    [["--faults", "errorRate=2"], /from 0 to 1/],
    [["--bogus"], /Unknown option '--bogus'/],
  ])("refuses %j", async (args, message) => {
    await expect(runCli(args, capture().io)).rejects.toThrow(message);
  });
});
