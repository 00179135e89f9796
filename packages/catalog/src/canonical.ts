/**
 * Canonical JSON: the exact bytes the catalog signature covers.
 *
 * The subset of RFC 8785 (JCS) a catalog needs: object keys sorted by UTF-16 code units,
 * no whitespace, strings escaped the way `JSON.stringify` does, numbers limited to safe
 * integers (so every implementation prints them the same way), no `undefined`, functions,
 * symbols, bigints or non-finite numbers. Anything outside the subset throws a TypeError
 * rather than being dropped, so a document can never silently lose a field.
 *
 * This file has no Pulumi import: clients load it through `@hearth/catalog/client`.
 */
export function canonicalize(value: unknown): string {
  return write(value, "$");
}

function write(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isSafeInteger(value)) throw new TypeError(`canonical JSON: ${path} is ${value}; only safe integers are allowed`);
      return Object.is(value, -0) ? "0" : String(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((item, i) => write(item, `${path}[${i}]`)).join(",")}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new TypeError(`canonical JSON: ${path} is not a plain object`);
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`)}`).join(",")}}`;
    }
    default:
      throw new TypeError(`canonical JSON: ${path} is ${typeof value}, which JSON cannot carry`);
  }
}
