import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsImport from "ajv-formats";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats = ((addFormatsImport as unknown as { default?: AddFormats }).default ?? addFormatsImport) as unknown as AddFormats;

/** The parts of an OpenAPI 3.0 document the checker reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
}

export interface OpenApiParameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
}

type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  /** The document's path template, e.g. `/servers/{id}/actions/poweron`. */
  template: string;
  method: string;
  /** JSON pointer of the operation inside the document. */
  pointer: string;
  parameters: OpenApiParameter[];
  requestBody?: { required?: boolean; schemaPointer?: string };
  /** Documented statuses (`201`, `4xx`, `default`) and the JSON pointer of each JSON schema. */
  responses: Record<string, { schemaPointer?: string }>;
}

/** One finding against the document, with a JSON-ish path of the offending field. */
export interface SchemaFinding {
  field: string;
  message: string;
}

const escapePointer = (s: string): string => s.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * Checks requests and responses against one OpenAPI 3.0 document: path templates matched
 * literal-first, parameters and bodies validated with Ajv (JSON Schema; OpenAPI's `nullable`
 * is an Ajv keyword) plus ajv-formats, and, beyond what JSON Schema says, fields that no
 * schema documents reported by {@link undocumentedFields}.
 */
export class OpenApiChecker {
  private readonly ajv: Ajv;
  private readonly operations: OpenApiOperation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    readonly doc: OpenApiDocument,
    /** Prefix the emulator strips before matching (`/v2` for DigitalOcean, whose paths include it). */
    private readonly pathPrefix = "",
  ) {
    // unicodeRegExp off: the documents' patterns are ECMA-262 without the `u` flag (DigitalOcean's tag name escapes `\:`).
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: true, logger: false, unicodeRegExp: false });
    addFormats(this.ajv);
    this.ajv.addSchema(nullableAsAnyOf(doc) as JsonSchema, "doc");
    for (const [template, item] of Object.entries(doc.paths)) {
      const shared = ((item.parameters as unknown[]) ?? []).map((p) => this.deref(p) as OpenApiParameter);
      for (const method of ["get", "put", "post", "delete", "patch"]) {
        const op = item[method] as Record<string, unknown> | undefined;
        if (!op) continue;
        const pointer = `/paths/${escapePointer(template)}/${method}`;
        const own = ((op.parameters as unknown[]) ?? []).map((p) => this.deref(p) as OpenApiParameter);
        const parameters = [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own];
        const responses: OpenApiOperation["responses"] = {};
        for (const [status, resp] of Object.entries((op.responses as Record<string, unknown>) ?? {})) {
          const { value, pointer: respPointer } = this.derefWithPointer(resp, `${pointer}/responses/${escapePointer(status)}`);
          const hasJson = !!(value as { content?: Record<string, { schema?: unknown }> }).content?.["application/json"]?.schema;
          responses[status.toLowerCase()] = { schemaPointer: hasJson ? `${respPointer}/content/application~1json/schema` : undefined };
        }
        let requestBody: OpenApiOperation["requestBody"];
        if (op.requestBody) {
          const { value, pointer: bodyPointer } = this.derefWithPointer(op.requestBody, `${pointer}/requestBody`);
          const body = value as { required?: boolean; content?: Record<string, { schema?: unknown }> };
          requestBody = { required: body.required, schemaPointer: body.content?.["application/json"]?.schema ? `${bodyPointer}/content/application~1json/schema` : undefined };
        }
        this.operations.push({ template, method: method.toUpperCase(), pointer, parameters, requestBody, responses });
      }
    }
  }

  get size(): number {
    return this.operations.length;
  }

  /** Resolve a local `$ref` (`#/...`) to its target, following chains. */
  resolvePointer(pointer: string): unknown {
    let node: unknown = this.doc;
    for (const raw of pointer.replace(/^#?\//, "").split("/")) {
      const key = safeDecode(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      node = (node as Record<string, unknown> | undefined)?.[key];
    }
    return node;
  }

  private derefWithPointer(value: unknown, pointer: string): { value: unknown; pointer: string } {
    let v = value;
    let p = pointer;
    for (let i = 0; i < 20 && v && typeof v === "object" && typeof (v as { $ref?: unknown }).$ref === "string"; i++) {
      const ref = (v as { $ref: string }).$ref;
      p = ref.slice(1).split("/").map((seg) => decodeURIComponent(seg)).join("/");
      v = this.resolvePointer(ref);
    }
    return { value: v, pointer: p };
  }

  deref(value: unknown): unknown {
    return this.derefWithPointer(value, "").value;
  }

  /** The operation documented for a method and concrete path (below the emulator's prefix). */
  match(method: string, path: string): { op?: OpenApiOperation; pathKnown: boolean; params: Record<string, string> } {
    const parts = `${this.pathPrefix}${path}`.split("/").filter(Boolean);
    let best: { op: OpenApiOperation; params: Record<string, string>; literals: number } | undefined;
    let pathKnown = false;
    for (const op of this.operations) {
      const segments = op.template.split("/").filter(Boolean);
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const m = /^\{(.+)\}$/.exec(segments[i]!);
        if (m) params[m[1]!] = parts[i]!;
        else if (segments[i] === parts[i]) literals++;
        else ok = false;
      }
      if (!ok) continue;
      pathKnown = true;
      if (op.method === method && (!best || literals > best.literals)) best = { op, params, literals };
    }
    // A method on a less specific template does not count if a more specific template matched the path.
    return { op: best?.op, pathKnown, params: best?.params ?? {} };
  }

  private validator(pointer: string): ValidateFunction {
    let fn = this.compiled.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `doc#${pointer.split("/").map((s) => encodeURIComponent(s).replace(/%7E/gi, "~")).join("/")}` });
      this.compiled.set(pointer, fn);
    }
    return fn;
  }

  /** A parameter's schema, compiled once (Ajv caches by object identity, the text is the key here). */
  private compileParameter(schema: JsonSchema): ValidateFunction {
    const key = `param:${JSON.stringify(schema)}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.compile(schemaWithDocRefs(schema));
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** JSON Schema validation of a value at a schema pointer. */
  validate(pointer: string, value: unknown): SchemaFinding[] {
    const fn = this.validator(pointer);
    if (fn(value)) return [];
    return summarize(fn.errors ?? []);
  }

  /** Fields present in `value` that no schema at `pointer` documents. */
  undocumented(pointer: string, value: unknown): string[] {
    const out: string[] = [];
    undocumentedFields((ref) => this.resolvePointer(ref), this.resolvePointer(`#${pointer}`), value, "", out);
    return out;
  }

  /** Query parameters: unknown names, and values that do not fit their schema once decoded from text. */
  checkQuery(op: OpenApiOperation, query: Record<string, string[]>): { unknown: string[]; invalid: SchemaFinding[] } {
    const unknown: string[] = [];
    const invalid: SchemaFinding[] = [];
    for (const [name, values] of Object.entries(query)) {
      const param = op.parameters.find((p) => p.in === "query" && p.name === name);
      if (!param) {
        unknown.push(name);
        continue;
      }
      const schema = (this.deref(param.schema) ?? {}) as JsonSchema;
      const value = schema.type === "array" ? values.map((v) => decodeScalar(v, (this.deref(schema.items) ?? {}) as JsonSchema)) : decodeScalar(values[values.length - 1]!, schema);
      const fn = this.compileParameter(schema);
      if (!fn(value)) for (const f of summarize(fn.errors ?? [])) invalid.push({ field: f.field ? `${name}${f.field.startsWith("[") ? "" : "."}${f.field}` : name, message: f.message });
    }
    for (const p of op.parameters) if (p.in === "query" && p.required && !(p.name in query)) invalid.push({ field: p.name, message: "is required" });
    return { unknown, invalid };
  }

  /** Path parameters against their schemas (e.g. hcloud ids are integers). */
  checkPathParams(op: OpenApiOperation, params: Record<string, string>): SchemaFinding[] {
    const out: SchemaFinding[] = [];
    for (const [name, raw] of Object.entries(params)) {
      const param = op.parameters.find((p) => p.in === "path" && p.name === name);
      if (!param?.schema) continue;
      const schema = this.deref(param.schema) as JsonSchema;
      const fn = this.compileParameter(schema);
      if (!fn(decodeScalar(raw, schema))) out.push(...summarize(fn.errors ?? []).map((f) => ({ field: name, message: f.message })));
    }
    return out;
  }
}

const safeDecode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * OpenAPI 3.0's `nullable: true` without a sibling `type` (next to `allOf`/`$ref`) means "this,
 * or null"; Ajv's `nullable` keyword needs `type`, so such a schema becomes `anyOf [it, null]`.
 * Returns a copy; the document is not changed.
 */
export function nullableAsAnyOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableAsAnyOf);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = k === "example" || k === "examples" ? v : nullableAsAnyOf(v);
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, description, ...rest } = out;
    return { ...(description !== undefined ? { description } : {}), anyOf: [rest, { type: "null" }] };
  }
  return out;
}

/** Rewrite a parameter schema's local refs to point into the added document. */
function schemaWithDocRefs(schema: JsonSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"doc#/')) as JsonSchema;
}

/** A query or path value is text; read it as the type its schema declares. */
function decodeScalar(text: string, schema: JsonSchema): unknown {
  const type = schema.type;
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** Ajv's errors, one per field, in plain words; oneOf/anyOf noise is reduced to its variant errors. */
function summarize(errors: ErrorObject[]): SchemaFinding[] {
  const seen = new Set<string>();
  const out: SchemaFinding[] = [];
  for (const e of errors) {
    if (e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "if") continue;
    const field = e.instancePath.replace(/^\//, "").replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".");
    const message =
      e.keyword === "required" ? `is required (${String((e.params as { missingProperty: string }).missingProperty)})` :
      e.keyword === "enum" ? `${e.message ?? "is not allowed"}: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(", ")}` :
      (e.message ?? e.keyword);
    const f = e.keyword === "required" ? [field, (e.params as { missingProperty: string }).missingProperty].filter(Boolean).join(".") : field;
    const key = `${f}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field: f, message: e.keyword === "required" ? "is required" : message });
  }
  // If every variant of a oneOf failed, Ajv lists all variants' errors; that is honest, if verbose.
  return out;
}

/**
 * Walk `value` alongside `schema` and list the object keys no schema documents: `properties`
 * of the schema and of all its `allOf`/`anyOf`/`oneOf` branches count (a union, so a field any
 * variant documents is documented); `additionalProperties` true or a schema allows any key;
 * an object schema without `properties` is free-form.
 */
export function undocumentedFields(resolve: (ref: string) => unknown, schema: unknown, value: unknown, path: string, out: string[]): void {
  const schemas = flatten(resolve, schema);
  if (!schemas.length || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    const items = schemas.map((s) => s.items).filter(Boolean);
    if (!items.length) return;
    value.forEach((el, i) => undocumentedFields(resolve, { anyOf: items }, el, `${path}[${i}]`, out));
    return;
  }
  const props = new Map<string, unknown[]>();
  let open = false;
  const extra: unknown[] = [];
  for (const s of schemas) {
    if (s.additionalProperties === true || (s.properties === undefined && s.additionalProperties === undefined)) open = true;
    else if (s.additionalProperties && typeof s.additionalProperties === "object") extra.push(s.additionalProperties);
    for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {})) props.set(k, [...(props.get(k) ?? []), v]);
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field = path ? `${path}.${k}` : k;
    const own = props.get(k);
    if (own) undocumentedFields(resolve, { anyOf: own }, v, field, out);
    else if (extra.length) undocumentedFields(resolve, { anyOf: extra }, v, field, out);
    else if (!open) out.push(field);
  }
}

/** A schema and its composition branches, refs resolved, as the list of object-ish schemas to union. */
function flatten(resolve: (ref: string) => unknown, schema: unknown, depth = 0, inComposition = false): JsonSchema[] {
  if (!schema || typeof schema !== "object" || depth > 30) return [];
  let s = schema as JsonSchema;
  for (let i = 0; i < 20 && typeof s.$ref === "string"; i++) s = (resolve(s.$ref) ?? {}) as JsonSchema;
  const out: JsonSchema[] = [];
  const branches = [...((s.allOf as unknown[]) ?? []), ...((s.anyOf as unknown[]) ?? []), ...((s.oneOf as unknown[]) ?? [])];
  const { allOf: _a, anyOf: _b, oneOf: _c, ...own } = s;
  const shapes = own.properties !== undefined || own.additionalProperties !== undefined || own.items !== undefined;
  // A branch with only a description (`allOf: [{$ref}, {description}]`) says nothing about fields;
  // a schema with no shape at all outside a composition is free-form.
  if (shapes || (!branches.length && (!inComposition || own.type === "object"))) out.push(own);
  for (const b of branches) out.push(...flatten(resolve, b, depth + 1, true));
  return out;
}
