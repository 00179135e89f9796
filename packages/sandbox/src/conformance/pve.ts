import { namedFormat, PVE_PROPERTY_FORMATS, PVE_PROPERTY_VALIDATORS } from "./pveFormats.js";

/**
 * The Proxmox VE API schema as `pve-api-9.1.3.json` holds it (the `apidata.js` behind the
 * official API viewer): a tree of paths, each with per-method `parameters` and `returns` in
 * PVE's own JSON-schema dialect (proxmox/pve-common `src/PVE/JSONSchema.pm`).
 */
export interface PveSchema {
  type?: string | string[];
  format?: string | Record<string, PveSchema>;
  pattern?: string;
  enum?: (string | number)[];
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  optional?: 0 | 1 | boolean;
  properties?: Record<string, PveSchema>;
  additionalProperties?: 0 | 1 | boolean | PveSchema;
  items?: PveSchema;
  alias?: string;
  keyAlias?: string;
  default_key?: 0 | 1;
  requires?: string | PveSchema;
  oneOf?: PveSchema[];
  "type-property"?: string;
  "instance-types"?: string[];
  group?: string;
}

export interface PveMethodInfo {
  method: string;
  name?: string;
  parameters?: PveSchema;
  returns?: PveSchema;
  permissions?: unknown;
  allowtoken?: 0 | 1;
  protected?: 0 | 1;
}

export interface PveApiNode {
  path: string;
  text?: string;
  leaf?: 0 | 1;
  info?: Record<string, PveMethodInfo>;
  children?: PveApiNode[];
}

/** Per-parameter errors, keyed like PVE's `errors` (`net0`, `net0.bridge`, `_root`). */
export type PveErrors = Record<string, string>;

/** Where the checker met a format it does not implement (reported, never silently passed). */
export interface UncheckedFormat {
  path: string;
  format: string;
}

interface Ctx {
  errors: PveErrors;
  unchecked: UncheckedFormat[];
  /** Responses: is a JSON number where a string is declared (and the reverse) a type error? */
  strictJson: boolean;
  /** Responses: are keys an object schema does not list an error even without additionalProperties: 0? */
  closedObjects: boolean;
}

/** `add_error`: several messages for one path are joined with a literal `\n` (PVE joins with '\n' in single quotes). */
function addError(errors: PveErrors, path: string, msg: string): void {
  const key = path || "_root";
  errors[key] = errors[key] ? `${errors[key]}\\n${msg}` : msg;
}

const isInteger = (v: string): boolean => /^[+-]?\d+$/.test(v);
const isNumber = (v: string): boolean => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v);
const truthy = (v: unknown): boolean => v === 1 || v === true || v === "1";

/**
 * Indexed keys: the API viewer folds `net0`..`netN` into one `net[n]` entry. Which schema
 * entry describes `key`, and under which name.
 */
export function propertyFor(properties: Record<string, PveSchema>, key: string): PveSchema | undefined {
  const direct = properties[key];
  if (direct) return direct;
  const m = /^([a-z][a-z_-]*?)(\d+)$/i.exec(key);
  return m ? properties[`${m[1]}[n]`] : undefined;
}

/** `check_type`: form values are strings, responses JSON; both follow PVE's rules, responses strictly typed. */
function checkType(path: string, type: PveSchema["type"], value: unknown, ctx: Ctx): boolean {
  if (!type) return true;
  if (Array.isArray(type)) {
    for (const t of type) {
      const tmp: Ctx = { ...ctx, errors: {} };
      if (checkType(path, t, value, tmp) && !Object.keys(tmp.errors).length) return true;
    }
    addError(ctx.errors, path, `type check ('${type.join("|")}') failed`);
    return false;
  }
  if (type === "any") return true;
  if (type === "null") {
    if (value !== null && value !== undefined) {
      addError(ctx.errors, path, `type check ('${type}') failed - value is not null`);
      return false;
    }
    return true;
  }
  const fail = (detail = ""): false => {
    addError(ctx.errors, path, `type check ('${type}') failed${detail}`);
    return false;
  };
  if (type === "array") return Array.isArray(value) || fail();
  if (type === "object") return (typeof value === "object" && value !== null && !Array.isArray(value)) || fail();
  if (typeof value === "object" && value !== null) return fail(` - got ${Array.isArray(value) ? "ARRAY" : "HASH"}`);
  if (ctx.strictJson) {
    // A JSON reply carries the declared type (clients decode by it); PVE's booleans are 0/1.
    if (type === "string") return typeof value === "string" || fail(` - got ${JSON.stringify(value)}`);
    if (type === "integer") return (typeof value === "number" && Number.isInteger(value)) || fail(` - got ${JSON.stringify(value)}`);
    if (type === "number") return typeof value === "number" || fail(` - got ${JSON.stringify(value)}`);
    if (type === "boolean") return value === 0 || value === 1 || typeof value === "boolean" || fail(` - got ${JSON.stringify(value)}`);
    return true;
  }
  const text = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
  if (type === "string") return true;
  if (type === "boolean") return text === "1" || text === "0" || typeof value === "boolean" || fail(` - got '${text}'`);
  if (type === "integer") return isInteger(text) || fail(` - got '${text}'`);
  if (type === "number") return isNumber(text) || fail(` - got '${text}'`);
  return true;
}

/** `parse_property_string` + `check_object` for a property-string format stated in the schema. */
function checkPropertyString(format: Record<string, PveSchema>, data: string, path: string, ctx: Ctx, validator?: (parsed: Record<string, unknown>) => string | undefined): string | undefined {
  const res: Record<string, unknown> = {};
  let defaultKey: string | undefined;
  const parseBoolean = (v: string): string => (/^(1|on|yes|true)$/i.test(v) ? "1" : /^(0|off|no|false)$/i.test(v) ? "0" : v);
  for (const part of data.split(",")) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/s.exec(part);
    if (kv) {
      let k = kv[1]!;
      let v = kv[2]!;
      if (res[k] !== undefined) return `duplicate key in comma-separated list property: ${k}\n`;
      let schema = format[k];
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (res[schema.keyAlias] !== undefined) return `key alias '${schema.keyAlias}' is already defined\n`;
          res[schema.keyAlias] = k;
        }
        k = schema.alias;
        schema = format[k];
        if (res[k] !== undefined) return `key '${k}' is already defined (via alias)\n`;
      }
      if (!schema) return `invalid key in comma-separated list property: ${k}\n`;
      if (schema.type === "boolean") v = parseBoolean(v);
      res[k] = v;
    } else if (!part.includes("=")) {
      if (defaultKey) return `duplicate key in comma-separated list property: ${defaultKey}\n`;
      for (const [key, s] of Object.entries(format)) {
        if (!truthy(s.default_key)) continue;
        defaultKey = key;
        if (res[key]) return `duplicate key in comma-separated list property: ${key}\n`;
        res[key] = s.type === "boolean" ? parseBoolean(part) : part;
        break;
      }
      if (!defaultKey) return "value without key, but schema does not define a default key\n";
    } else return "missing key in comma-separated list property\n";
  }
  const inner: Ctx = { ...ctx, errors: {}, strictJson: false, closedObjects: false };
  checkObject(path, format, res, 0, inner);
  const keys = Object.keys(inner.errors);
  if (!keys.length) return validator?.(res);
  // PVE::Exception's stringify: the message, then "path: error\n" per error.
  return `format error\n${keys.map((k) => `${k}: ${inner.errors[k]}\n`).join("")}`;
}

function checkFormat(format: PveSchema["format"], value: string, path: string, ctx: Ctx): string | undefined {
  if (format === undefined) return undefined;
  if (typeof format === "object") return checkPropertyString(format, value, path, ctx);
  if (format === "regex") return undefined;
  const propertyFormat = PVE_PROPERTY_FORMATS[format];
  if (propertyFormat) return checkPropertyString(propertyFormat, value, path, ctx, PVE_PROPERTY_VALIDATORS[format]);
  const verify = namedFormat(format);
  if (!verify) {
    ctx.unchecked.push({ path, format });
    return undefined;
  }
  return verify(value);
}

function instanceTypeOf(schema: Record<string, PveSchema>, key: string, value: Record<string, unknown>): string | undefined {
  const typeProperty = schema[key]?.["type-property"];
  return typeProperty ? (value[typeProperty] as string | undefined) : undefined;
}

/** `check_object`: aliases remapped, every schema key checked, unknown keys refused unless allowed. */
function checkObject(path: string, schema: Record<string, PveSchema>, input: unknown, additional: PveSchema["additionalProperties"], ctx: Ctx): void {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    addError(ctx.errors, path, "an object is required");
    return;
  }
  const value = { ...(input as Record<string, unknown>) };
  const sub = (k: string): string => (path ? `${path}.${k}` : k);
  for (const k of Object.keys(value)) {
    const alias = propertyFor(schema, k)?.alias;
    if (!alias) continue;
    if (value[alias] !== undefined) addError(ctx.errors, sub(k), `cannot set both '${k}' and its alias target '${alias}'`);
    else {
      value[alias] = value[k];
      delete value[k];
    }
  }
  for (const [k, s] of Object.entries(schema)) {
    if (k.endsWith("[n]")) {
      // Indexed entries: check every present key of the family; none is required.
      const stem = k.slice(0, -3);
      for (const present of Object.keys(value)) if (new RegExp(`^${stem}\\d+$`).test(present)) checkProp(value[present], s, sub(present), ctx, instanceTypeOf(schema, k, value));
      continue;
    }
    checkProp(value[k], s, sub(k), ctx, instanceTypeOf(schema, k, value));
  }
  for (const k of Object.keys(value)) {
    const s = propertyFor(schema, k);
    if (s) {
      if (typeof s.requires === "string" && value[s.requires] === undefined) addError(ctx.errors, sub(s.requires), `missing property required by '${sub(k)}'`);
      continue;
    }
    const closed = additional === undefined ? ctx.closedObjects : !truthy(additional) && typeof additional !== "object";
    if (closed) {
      addError(ctx.errors, sub(k), "property is not defined in schema and the schema does not allow additional properties");
      continue;
    }
    if (typeof additional === "object") checkProp(value[k], additional, sub(k), ctx);
  }
}

/** `check_prop`, for one value against one schema. */
export function checkProp(value: unknown, schema: PveSchema, path: string, ctx: Ctx, instanceType?: string): void {
  let optionalForType = false;
  if (schema.oneOf && schema["type-property"]) {
    optionalForType = true;
    for (const inner of schema.oneOf) {
      if (!instanceType) break;
      if (!inner["instance-types"]?.includes(instanceType)) continue;
      optionalForType = truthy(inner.optional);
      checkProp(value, inner, path, ctx);
    }
  } else if (schema.oneOf) {
    const collected: PveErrors = {};
    let valid = false;
    schema.oneOf.forEach((inner, i) => {
      if (valid) return;
      const tmp: Ctx = { ...ctx, errors: {} };
      checkProp(value, inner, `${path}.oneOf[${i}]`, tmp);
      if (!Object.keys(tmp.errors).length) valid = true;
      else for (const [p, m] of Object.entries(tmp.errors)) addError(collected, p, m);
    });
    if (!valid) for (const [p, m] of Object.entries(collected)) addError(ctx.errors, p, m);
  } else if (instanceType && schema["instance-types"] && !schema["instance-types"].includes(instanceType)) {
    optionalForType = true;
  }
  if (schema.alias) return;
  if (value === undefined || value === null) {
    if (schema.type === "null") return;
    if (!truthy(schema.optional) && !schema.group && !optionalForType) addError(ctx.errors, path, "property is missing and it is not optional");
    return;
  }
  if (!checkType(path, schema.type, value, ctx)) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((el, i) => checkProp(el, schema.items!, `${path}[${i}]`, ctx));
    return;
  }
  if (typeof value === "object") {
    if (schema.properties || schema.additionalProperties !== undefined) checkObject(path, schema.properties ?? {}, value, schema.additionalProperties, ctx);
    return;
  }
  const text = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
  if (typeof value === "string" || !ctx.strictJson) {
    const formatError = checkFormat(schema.format, text, path, ctx);
    if (formatError) {
      addError(ctx.errors, path, `invalid format - ${formatError}`);
      return;
    }
  }
  if (schema.pattern) {
    const re = pveRegex(schema.pattern);
    if (!re) ctx.unchecked.push({ path, format: `pattern ${schema.pattern}` });
    else if (!re.test(text)) {
      addError(ctx.errors, path, "value does not match the regex pattern");
      return;
    }
  }
  if (schema.maxLength !== undefined && text.length > Number(schema.maxLength)) {
    addError(ctx.errors, path, `value may only be ${schema.maxLength} characters long`);
    return;
  }
  if (schema.minLength !== undefined && text.length < Number(schema.minLength)) {
    addError(ctx.errors, path, `value must be at least ${schema.minLength} characters long`);
    return;
  }
  if (isNumber(text)) {
    if (schema.maximum !== undefined && Number(text) > Number(schema.maximum)) {
      addError(ctx.errors, path, `value must have a maximum value of ${schema.maximum}`);
      return;
    }
    if (schema.minimum !== undefined && Number(text) < Number(schema.minimum)) {
      addError(ctx.errors, path, `value must have a minimum value of ${schema.minimum}`);
      return;
    }
  }
  if (schema.enum && !schema.enum.some((e) => String(e) === text)) {
    addError(ctx.errors, path, `value '${text}' does not have a value in the enumeration '${schema.enum.join(", ")}'`);
  }
}

const regexCache = new Map<string, RegExp | null>();

/**
 * A schema `pattern` as PVE applies it (`$value =~ m/^$pattern$/`), compiled for JavaScript.
 * Patterns built from Perl `qr//` objects print as `(?^:...)` / `(?^i:...)`; JavaScript (Node 20)
 * has no inline flags, so a case-insensitive group makes the whole match case-insensitive,
 * slightly more lenient than PVE. Undefined when the pattern uses a construct JavaScript lacks.
 */
export function pveRegex(pattern: string): RegExp | undefined {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    const insensitive = /\(\?\^[a-z]*i[a-z]*:/.test(pattern);
    const source = pattern.replace(/\(\?\^[a-z]*:/g, "(?:").replace(/\\A/g, "^").replace(/\\[zZ]/g, "$");
    try {
      re = new RegExp(`^(?:${source})$`, insensitive ? "i" : "");
    } catch {
      re = null;
    }
    regexCache.set(pattern, re);
  }
  return re ?? undefined;
}

export interface PveCheckResult {
  errors: PveErrors;
  unchecked: UncheckedFormat[];
}

/**
 * Validate request parameters the way PVE's RESTHandler does before calling a handler
 * (proxmox/pve-common `src/PVE/RESTHandler.pm` `handle`: the legacy list/array normalisation,
 * then `PVE::JSONSchema::validate` against the method's `parameters`).
 */
export function checkPveParameters(info: PveMethodInfo, params: Record<string, unknown>): PveCheckResult {
  const ctx: Ctx = { errors: {}, unchecked: [], strictJson: false, closedObjects: false };
  const schema = info.parameters;
  if (!schema) return { errors: {}, unchecked: [] };
  const normalized: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(params)) {
    const prop = propertyFor(schema.properties ?? {}, key);
    let value = raw;
    if (Array.isArray(value) && prop?.type === "string" && typeof prop.format === "string" && prop.format.endsWith("-list")) value = value.join(",");
    else if (Array.isArray(value) && prop?.type !== "array") value = value.join("\0");
    else if (!Array.isArray(value) && value !== "" && value !== undefined && prop?.type === "array") value = [value];
    normalized[key] = value;
  }
  checkProp(normalized, { type: "object", ...schema }, "", ctx);
  return { errors: ctx.errors, unchecked: ctx.unchecked };
}

/**
 * Check a reply's `data` against the method's `returns` as PVE's own result verification does
 * (RESTHandler `handle` with `$result_verification`: `validate($result, $returns)`): PVE's
 * type rules (a JSON number passes as a string, "1" as an integer), and a key the schema does
 * not list is an error only where the schema says `additionalProperties: 0`; PVE's dialect
 * leaves other objects open. `strict` also demands the declared JSON types and closes objects.
 */
export function checkPveReturns(info: PveMethodInfo, data: unknown, strict = false): PveCheckResult {
  const ctx: Ctx = { errors: {}, unchecked: [], strictJson: strict, closedObjects: strict };
  if (info.returns) checkProp(data, { ...info.returns, optional: 1 }, "", ctx);
  return { errors: ctx.errors, unchecked: ctx.unchecked };
}

interface IndexedPath {
  template: string;
  segments: string[];
  info: Record<string, PveMethodInfo>;
}

/** Path templates of the schema, matched literal-first like PVE's router. */
export class PveApiIndex {
  private readonly paths: IndexedPath[] = [];

  constructor(tree: PveApiNode[]) {
    const walk = (nodes: PveApiNode[]): void => {
      for (const n of nodes) {
        if (n.info) this.paths.push({ template: n.path, segments: n.path.split("/").filter(Boolean), info: n.info });
        if (n.children) walk(n.children);
      }
    };
    walk(tree);
  }

  /** (method, path template) pairs the schema describes. */
  get size(): number {
    return this.paths.reduce((n, p) => n + Object.keys(p.info).length, 0);
  }

  /** The template and its path parameters for a concrete path (below `/api2/json`). */
  match(path: string): { template: string; info: Record<string, PveMethodInfo>; params: Record<string, string> } | undefined {
    // The API server unescapes the request path before it routes it
    // (proxmox/pve-http-server src/PVE/APIServer/AnyEvent.pm: `uri_unescape($request->uri->path())`).
    const unescape = (s: string): string => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const parts = path.split("/").filter(Boolean).map(unescape);
    let best: { p: IndexedPath; params: Record<string, string>; literals: number } | undefined;
    for (const p of this.paths) {
      if (p.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = p.segments[i]!;
        const m = /^\{(.+)\}$/.exec(seg);
        if (m) params[m[1]!] = parts[i]!;
        else if (seg === parts[i]) literals++;
        else ok = false;
      }
      if (ok && (!best || literals > best.literals)) best = { p, params, literals };
    }
    return best && { template: best.p.template, info: best.p.info, params: best.params };
  }
}
