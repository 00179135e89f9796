import { ALLOWLIST, type AllowlistEntry } from "./allowlist.js";
import { OpenApiChecker, type OpenApiOperation } from "./openapi.js";
import { checkPveParameters, checkPveReturns, PveApiIndex, type PveErrors } from "./pve.js";
import type { Specs } from "./specs.js";

export type ConformanceApi = "proxmox" | "hcloud" | "digitalocean";

/** One request the sandbox received and the response it sent. */
export interface Exchange {
  api: ConformanceApi;
  method: string;
  /** Path below the API prefix (`/nodes/pve1/qemu/100/config`, `/servers/1`). */
  path: string;
  /** Query parameters; a repeated key keeps every value. */
  query: Record<string, string[]>;
  /** Form or JSON body as parsed (for Proxmox without the merged query). */
  body: Record<string, unknown>;
  status: number;
  response: unknown;
  /** The response is an injected fault (a 500 before the emulator saw the call). */
  injected?: boolean;
  /** The sandbox refused the request as the real API does ({@link ConformanceChecker.refusal}): its request findings are the refusal, not violations. */
  refused?: boolean;
}

export type ViolationKind =
  /** No path template of the document matches. */
  | "unknown-path"
  /** The path exists, the method does not. */
  | "unknown-method"
  | "path-parameter"
  | "query-parameter"
  /** A parameter or body field has a wrong type, format, pattern, enum, range or is missing. */
  | "request-body"
  /** A request field or query parameter the document does not name. */
  | "undocumented-request-field"
  /** The response status is not documented for the operation. */
  | "undocumented-status"
  /** The response body does not fit the documented schema. */
  | "response-body"
  /** A response field the documented schema does not name. */
  | "undocumented-response-field"
  /** A value of a Proxmox format the checker does not implement went by unchecked. */
  | "unchecked-format"
  /** The checker itself failed on an exchange (a bug to fix in the checker, never allowlisted). */
  | "checker-error";

export interface Violation {
  api: ConformanceApi;
  method: string;
  path: string;
  /** The document's path template, when one matched. */
  template?: string;
  kind: ViolationKind;
  /** The offending field (`net0.bridge`, `server.datacenter`, a query parameter name). */
  field?: string;
  message: string;
  status?: number;
}

/** What the sandbox answers instead of calling the emulator, as the real API refuses the request. */
export interface Refusal {
  status: number;
  message: string;
  /** hcloud error code / DigitalOcean error id. */
  code?: string;
  /** Proxmox: per-parameter errors (`errors` of the reply). */
  fields?: Record<string, string>;
  /** hcloud: `details` of an `invalid_input` error. */
  details?: { fields: { name: string; messages: string[] }[] };
  /** The whole reply body, where the operation documents an error shape other than the API's usual one. */
  body?: unknown;
}

export interface CheckResult {
  template?: string;
  violations: Violation[];
  allowed: { violation: Violation; entry: AllowlistEntry }[];
}

/** `path` matched by an allowlist entry's `field`: exact, or a RegExp. */
function allowedBy(v: Violation, entries: readonly AllowlistEntry[]): AllowlistEntry | undefined {
  return entries.find(
    (e) =>
      e.api === v.api &&
      e.kind === v.kind &&
      (e.method === undefined || e.method === v.method) &&
      (e.template === undefined || e.template === v.template) &&
      (e.field === undefined || (typeof e.field === "string" ? e.field === v.field : e.field.test(v.field ?? ""))) &&
      (e.status === undefined || e.status === v.status),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks exchanges against the official descriptions and decides which requests the real API
 * would refuse. Stateless apart from compiled validators; one instance serves many sandboxes.
 */
export class ConformanceChecker {
  private readonly pve: PveApiIndex;
  private readonly openapi: Record<"hcloud" | "digitalocean", OpenApiChecker>;

  constructor(
    specs: Specs,
    readonly allowlist: readonly AllowlistEntry[] = ALLOWLIST,
  ) {
    this.pve = new PveApiIndex(specs.proxmox);
    this.openapi = { hcloud: new OpenApiChecker(specs.hcloud), digitalocean: new OpenApiChecker(specs.digitalocean, "/v2") };
  }

  /** How many (method, path template) pairs each document describes. */
  get documented(): Record<ConformanceApi, number> {
    return { proxmox: this.pve.size, hcloud: this.openapi.hcloud.size, digitalocean: this.openapi.digitalocean.size };
  }

  /**
   * The refusal the real API gives this request before any handler runs, or undefined.
   * Proxmox: RESTHandler's parameter verification (proxmox/pve-common src/PVE/RESTHandler.pm
   * `handle` -> PVE::JSONSchema::validate, 400 "Parameter verification failed." with per-field
   * `errors`). hcloud: 400 `invalid_input` with `details.fields` (hetznercloud/hcloud-go
   * hcloud/error.go `ErrorInvalidInputDetails`). DigitalOcean: 422 `unprocessable_entity`
   * (`{id, message}`, the error schema of digitalocean-openapi.json).
   */
  refusal(api: ConformanceApi, method: string, path: string, query: Record<string, string[]>, body: Record<string, unknown>): Refusal | undefined {
    // A finding the allowlist covers (the newer client or server accepts it) is no refusal.
    const allowed = (template: string, kind: ViolationKind, field: string): boolean => !!allowedBy({ api, method, path, template, kind, field, message: "" }, this.allowlist);
    if (api === "proxmox") {
      const m = this.pve.match(path);
      const info = m?.info[method];
      if (!m || !info) return undefined;
      const { errors } = checkPveParameters(info, { ...flatQuery(query), ...body, ...m.params });
      for (const [field, message] of Object.entries(errors)) if (allowed(m.template, pveKind(message), field)) delete errors[field];
      return Object.keys(errors).length ? { status: 400, message: "Parameter verification failed.", fields: errors } : undefined;
    }
    const checker = this.openapi[api];
    const { op } = checker.match(method, path);
    if (!op) return undefined;
    const findings = [
      ...checker.checkQuery(op, query).invalid.filter((f) => !allowed(op.template, "query-parameter", `?${f.field}`)),
      ...this.bodyFindings(checker, op, body).filter((f) => !allowed(op.template, "request-body", f.field)),
    ];
    if (!findings.length) return undefined;
    if (api === "hcloud") {
      const byField = new Map<string, string[]>();
      for (const f of findings) byField.set(f.field || "body", [...(byField.get(f.field || "body") ?? []), f.message]);
      const fields = [...byField].map(([name, messages]) => ({ name, messages }));
      // The message names the first field, as Hetzner's API reference shows ("invalid input in field 'broken_field': is too long").
      return { status: 400, code: "invalid_input", message: `invalid input in field '${fields[0]!.name}': ${fields[0]!.messages[0]}`, details: { fields } };
    }
    // DigitalOcean answers a malformed request 400 where the operation documents a 400, else 422,
    // in the error schema the operation documents for that status: mostly `{id, message}`, for
    // some (POST /v2/tags) `{error, messages, root_causes}`.
    const message = findings.map((f) => `${f.field || "body"} ${f.message}`).join("; ");
    const status = op.responses["400"] ? 400 : 422;
    const schema = op.responses[String(status)]?.schemaPointer ? (checker.deref(checker.resolvePointer(`#${op.responses[String(status)]!.schemaPointer!}`)) as { required?: string[] } | undefined) : undefined;
    if (schema?.required?.includes("root_causes")) return { status, message, body: { error: message, messages: null, root_causes: [message] } };
    return status === 400 ? { status, code: "bad_request", message } : { status, code: "unprocessable_entity", message };
  }

  /**
   * Compile, now, the request validators of the operation an emulated route answers (a
   * `:param` becomes a placeholder segment), so that no refusal check compiles a large schema
   * while the emulator's clocks run.
   */
  warm(api: ConformanceApi, method: string, pattern: string): void {
    if (api === "proxmox") return;
    const checker = this.openapi[api];
    const { op } = checker.match(method, pattern.replace(/:[^/]+/g, "1"));
    if (!op) return;
    if (op.requestBody?.schemaPointer) checker.validate(op.requestBody.schemaPointer, {});
    checker.checkQuery(op, Object.fromEntries(op.parameters.filter((p) => p.in === "query").map((p) => [p.name, ["1"]])));
  }

  private bodyFindings(checker: OpenApiChecker, op: OpenApiOperation, body: Record<string, unknown>): { field: string; message: string }[] {
    const pointer = op.requestBody?.schemaPointer;
    if (!pointer) return [];
    if (!Object.keys(body).length && !op.requestBody?.required) return [];
    return checker.validate(pointer, body);
  }

  /** Every way an exchange departs from the document, split into violations and allowlisted gaps. */
  check(x: Exchange): CheckResult {
    const found: Omit<Violation, "api" | "method" | "path" | "template">[] = [];
    const add = (v: Omit<Violation, "api" | "method" | "path" | "template">): void => {
      found.push(v);
    };
    const template = x.api === "proxmox" ? this.checkPve(x, add) : this.checkOpenApi(x as Exchange & { api: "hcloud" | "digitalocean" }, add);
    const result: CheckResult = { template, violations: [], allowed: [] };
    for (const f of found) {
      const v: Violation = { api: x.api, method: x.method, path: x.path, ...(template ? { template } : {}), status: x.status, ...f };
      const entry = allowedBy(v, this.allowlist);
      if (entry) result.allowed.push({ violation: v, entry });
      else result.violations.push(v);
    }
    return result;
  }

  private checkPve(x: Exchange, add: (v: Omit<Violation, "api" | "method" | "path" | "template">) => void): string | undefined {
    const m = this.pve.match(x.path);
    if (!m) {
      add({ kind: "unknown-path", message: `no path of the PVE API matches ${x.path}`, status: x.status });
      return undefined;
    }
    const info = m.info[x.method];
    if (!info) {
      add({ kind: "unknown-method", message: `${m.template} has no ${x.method} (documented: ${Object.keys(m.info).join(", ")})`, status: x.status });
      return m.template;
    }
    const params = { ...flatQuery(x.query), ...x.body, ...m.params };
    const { errors, unchecked } = checkPveParameters(info, params);
    for (const [field, message] of Object.entries(x.refused ? {} : errors)) add({ kind: pveKind(message), field, message: message.trimEnd() });
    for (const u of unchecked) add({ kind: "unchecked-format", field: u.path, message: `format '${u.format}' is not implemented by the checker` });
    if (x.injected || x.status < 200 || x.status >= 300) return m.template;
    if (!isObject(x.response) || !("data" in x.response)) {
      add({ kind: "response-body", message: "a PVE reply is an object with `data`", status: x.status });
      return m.template;
    }
    const extra = Object.keys(x.response).filter((k) => k !== "data");
    for (const k of extra) add({ kind: "undocumented-response-field", field: k, message: "PVE replies carry only `data` on success", status: x.status });
    const returned = checkPveReturns(info, x.response.data);
    for (const [field, message] of Object.entries(returned.errors)) {
      const kind = message.startsWith("property is not defined in schema") ? "undocumented-response-field" : "response-body";
      add({ kind, field: `data${field === "_root" ? "" : field.startsWith("[") ? field : `.${field}`}`, message: message.trimEnd(), status: x.status });
    }
    return m.template;
  }

  private checkOpenApi(x: Exchange & { api: "hcloud" | "digitalocean" }, add: (v: Omit<Violation, "api" | "method" | "path" | "template">) => void): string | undefined {
    const checker = this.openapi[x.api];
    const { op, pathKnown, params } = checker.match(x.method, x.path);
    if (!op) {
      add({ kind: pathKnown ? "unknown-method" : "unknown-path", message: pathKnown ? `${x.path} has no ${x.method} in the document` : `no path of the document matches ${x.path}`, status: x.status });
      return undefined;
    }
    const template = op.template;
    for (const f of checker.checkPathParams(op, params)) add({ kind: "path-parameter", field: f.field, message: f.message });
    const q = checker.checkQuery(op, x.query);
    for (const name of q.unknown) add({ kind: "undocumented-request-field", field: `?${name}`, message: "query parameter not documented for this operation" });
    if (!x.refused) for (const f of q.invalid) add({ kind: "query-parameter", field: `?${f.field}`, message: f.message });
    const bodyPointer = op.requestBody?.schemaPointer;
    if (bodyPointer) {
      if (!x.refused) for (const f of this.bodyFindings(checker, op, x.body)) add({ kind: "request-body", field: f.field, message: f.message });
      for (const field of checker.undocumented(bodyPointer, x.body)) add({ kind: "undocumented-request-field", field, message: "request field not documented" });
    } else if (Object.keys(x.body).length) add({ kind: "undocumented-request-field", field: Object.keys(x.body).join(","), message: "the operation documents no request body" });
    if (x.injected) return template;
    const status = String(x.status);
    const documented = op.responses[status] ?? op.responses[`${status[0]}xx`] ?? op.responses.default;
    if (!documented) {
      add({ kind: "undocumented-status", message: `status ${x.status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`, status: x.status });
      return template;
    }
    const hasBody = x.response !== undefined && x.response !== null && x.response !== "";
    if (!documented.schemaPointer) {
      if (hasBody) add({ kind: "undocumented-response-field", message: `status ${x.status} documents no body`, status: x.status });
      return template;
    }
    for (const f of checker.validate(documented.schemaPointer, x.response)) add({ kind: "response-body", field: f.field, message: f.message, status: x.status });
    for (const field of checker.undocumented(documented.schemaPointer, x.response)) add({ kind: "undocumented-response-field", field, message: "response field not documented", status: x.status });
    return template;
  }
}

/** PVE's message for an unknown parameter marks it undocumented; every other message is a value error. */
const pveKind = (message: string): ViolationKind => (message.startsWith("property is not defined in schema") ? "undocumented-request-field" : "request-body");

/** Query parameters as PVE's HTTP server merges them into the parameters (a repeated key keeps all values). */
function flatQuery(query: Record<string, string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v.length === 1 ? v[0]! : v]));
}

export type { PveErrors };
