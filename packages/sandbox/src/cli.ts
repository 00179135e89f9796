import { runCli } from "./cliMain.js";

const io = { stdout: (t: string) => void process.stdout.write(t), stderr: (t: string) => void process.stderr.write(t) };

runCli(process.argv.slice(2), io).then(
  (sandbox) => {
    if (!sandbox) return;
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      io.stderr(`hearth-sandbox: ${signal}, stopping\n`);
      void sandbox.stop().then(() => process.exit(0));
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  },
  (e: unknown) => {
    io.stderr(`hearth-sandbox: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
