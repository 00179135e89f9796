/**
 * A throwaway PostgreSQL server for the team-state tests: Debian's server programs (installed by
 * scripts/postgres.sh), a fresh cluster in a temp directory, listening on 127.0.0.1 only at a free
 * port, password authentication, stopped and deleted by `stop()`.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../scripts/lib/engine.js";

const exec = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface Postgres {
  /** `postgres://user:password@127.0.0.1:port/pulumi?sslmode=disable`: the database `pulumi login` takes. */
  readonly url: string;
  readonly port: number;
  /** Runs one SQL statement with psql against the `pulumi` database; rows as tab-separated lines. */
  sql(statement: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** PostgreSQL refuses to run as root (initdb: "cannot be run as root"), so as root the server runs as `postgres`. */
function asServerUser(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

export async function startPostgres(): Promise<Postgres> {
  const { stdout } = await exec("bash", [join(repoRoot, "scripts/postgres.sh"), "--bindir"]);
  const bin = stdout.trim();
  const dir = mkdtempSync(join(tmpdir(), "hearth-pg-"));
  const data = join(dir, "data");
  const password = randomBytes(18).toString("base64url");
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (process.getuid?.() === 0) {
    const { stdout: ids } = await exec("id", ["-u", "postgres"]);
    const { stdout: gids } = await exec("id", ["-g", "postgres"]);
    chownSync(dir, Number(ids.trim()), Number(gids.trim()));
    chownSync(pwfile, Number(ids.trim()), Number(gids.trim()));
  }
  chmodSync(dir, 0o700);
  const user = "hearth";
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asServerUser(join(bin, cmd), args);
    return exec(c, a, { env: { ...process.env, PGPASSWORD: password } });
  };
  await run("initdb", ["-D", data, "-U", user, `--pwfile=${pwfile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"]);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      // Only loopback TCP; the Unix socket goes into the temp dir, not /var/run/postgresql.
      await run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, "start"]);
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
  await run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "pulumi"]);
  const url = `postgres://${user}:${password}@127.0.0.1:${port}/pulumi?sslmode=disable`;
  return {
    url,
    port,
    async sql(statement) {
      const { stdout: out } = await run("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "pulumi", "-At", "-F", "\t", "-c", statement]);
      return out.split("\n").filter((l) => l.length > 0);
    },
    async stop() {
      try {
        await run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
