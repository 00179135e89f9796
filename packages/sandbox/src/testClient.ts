import { request as httpsRequest } from "node:https";

/** What the tests read back from one call. */
export interface CallResult<T = unknown> {
  status: number;
  statusText: string;
  body: T;
}

/**
 * A tiny client for the sandbox in tests: JSON or form bodies, self-signed TLS accepted
 * (only for the loopback sandbox; never use rejectUnauthorized: false elsewhere).
 */
export function call<T = any>(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; form?: Record<string, string | number>; json?: unknown; raw?: string } = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  let payload: string | undefined = opts.raw;
  if (opts.form) {
    payload = new URLSearchParams(Object.entries(opts.form).map(([k, v]): [string, string] => [k, String(v)])).toString();
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  } else if (opts.json !== undefined) {
    payload = JSON.stringify(opts.json);
    headers["Content-Type"] = "application/json";
  }
  const method = opts.method ?? (payload ? "POST" : "GET");
  if (url.startsWith("http://")) {
    return fetch(url, { method, headers, body: payload }).then(async (res) => {
      const text = await res.text();
      return { status: res.status, statusText: res.statusText, body: (text ? JSON.parse(text) : undefined) as T };
    });
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", body: (text ? JSON.parse(text) : undefined) as T });
      });
    });
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Poll `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000, everyMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
