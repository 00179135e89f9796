import { parseArgs } from "node:util";
import { parseFaults } from "./faults.js";
import type { SeedTemplate } from "./proxmox.js";
import { startSandbox, type Sandbox } from "./server.js";

export const USAGE = `Usage: hearth-sandbox [options]

Starts local emulators of the Proxmox VE, Hetzner Cloud and DigitalOcean APIs on 127.0.0.1
and prints their endpoints and (fake, local) credentials as environment variables.

Options:
  --port N             Proxmox on N, hcloud on N+1, DigitalOcean on N+2 (default: ephemeral ports)
  --state-file PATH    load state from PATH and save it there on every change and at exit
  --faults SPEC        fault injection: errorRate=0.05,seed=7,lockTimeoutRate=0.2,slowTaskMs=500
                       (errorStatuses=409|429|502 picks the statuses of injected errors)
  --template ID[:NAME] a Proxmox template VM present at start (repeatable)
  --time-scale X      wall-clock time per real Proxmox millisecond (default 0.02; 1 = real time)
  --clone-ms N         deprecated: a clone's disk copy takes N ms when alone on its storage
  --log                log every API call to stderr
  -h, --help           show this help

Stop it with Ctrl-C (SIGINT) or SIGTERM.`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * The `hearth-sandbox` command without the process around it: parse the arguments, start the
 * sandbox and print its environment. Returns undefined for --help. Throws on bad arguments.
 */
export async function runCli(argv: string[], io: CliIo): Promise<Sandbox | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      "state-file": { type: "string" },
      faults: { type: "string" },
      template: { type: "string", multiple: true },
      "clone-ms": { type: "string" },
      "time-scale": { type: "string" },
      log: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return undefined;
  }
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535 * 1000) throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
    return n;
  };
  const positive = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a number > 0, got "${v}"`);
    return n;
  };
  const templates: SeedTemplate[] = (values.template ?? []).map((t) => {
    const [id, name] = t.split(":", 2);
    const vmid = int("template", id);
    if (vmid === undefined || vmid < 100) throw new Error(`--template needs a VM id >= 100, got "${t}"`);
    return { vmid, ...(name ? { name } : {}) };
  });
  const sandbox = await startSandbox({
    port: int("port", values.port),
    stateFile: values["state-file"],
    faults: values.faults ? parseFaults(values.faults) : undefined,
    proxmox: { templates, cloneMs: int("clone-ms", values["clone-ms"]), timeScale: positive("time-scale", values["time-scale"]) },
    log: values.log ? (line) => io.stderr(`${line}\n`) : undefined,
  });
  for (const [k, v] of Object.entries(sandbox.env())) io.stdout(`${k}=${v}\n`);
  io.stdout(`HEARTH_SANDBOX_STATE_URL=${sandbox.hcloud.endpoint.replace(/\/v1$/, "")}/__sandbox/state\n`);
  io.stderr("hearth-sandbox: ready (Ctrl-C to stop)\n");
  return sandbox;
}
