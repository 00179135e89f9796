/**
 * Strict JSON reading for the catalog client: RFC 8259 JSON with every object's keys unique.
 * `JSON.parse` keeps the last of two equal keys and other parsers keep the first, so a
 * document with a duplicate key can mean two different things to two readers; it is refused
 * here instead. The value is `JSON.parse`'s; the duplicate check walks the syntax tree of
 * momoa (a maintained JSON AST parser that keeps every member, so duplicates are visible),
 * with escapes decoded before names are compared (`"a"` and `"\u0061"` are the same key).
 * Both read the same immutable string. No Pulumi, no Hearth imports: clients load this file.
 */
import { parse, type AnyNode } from "@humanwhocodes/momoa";

/** Why a text was refused: not JSON, or a key that appears twice in one object. */
export class StrictJsonError extends Error {
  override readonly name = "StrictJsonError";
}

/** Parses JSON text; throws a {@link StrictJsonError} for anything but JSON with unique keys. */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  let body: AnyNode;
  try {
    // JSON.parse decides what JSON is (momoa alone lets a raw tab into a string).
    value = JSON.parse(text) as unknown;
    body = parse(text, { mode: "json", ranges: false, tokens: false }).body;
  } catch {
    throw new StrictJsonError("not JSON");
  }
  checkUniqueKeys(body);
  return value;
}

function checkUniqueKeys(node: AnyNode): void {
  if (node.type === "Object") {
    const names = new Set<string>();
    for (const member of node.members) {
      const name = member.name.type === "String" ? member.name.value : member.name.name;
      if (names.has(name)) throw new StrictJsonError(`the key ${JSON.stringify(name)} appears twice in one object`);
      names.add(name);
      checkUniqueKeys(member.value);
    }
  } else if (node.type === "Array") {
    for (const element of node.elements) checkUniqueKeys(element.value);
  }
}
