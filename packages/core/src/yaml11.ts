import { Document, visit, type DocumentOptions, type SchemaOptions } from "yaml";
import type { Fail } from "./errors.js";

/**
 * YAML that means what was written, for a YAML 1.1 reader. cloud-init reads user-data with
 * PyYAML (`yaml.safe_load`, a YAML 1.1 parser: cloud-init's cloudinit/util.py load_yaml),
 * where plain `yes`, `off`, `1:20`, `0b101`, `017`, `1_000`, `.inf`, `~`, `2001-12-14`, `=`
 * and `<<` are not strings. Every document Hearth renders for cloud-init goes through
 * {@link renderYaml11}; every string in it passes {@link yamlStringProblem} first.
 *
 * Rendering: the `yaml` library with its YAML 1.1 schema quotes every string a 1.1 reader
 * would resolve to another type. On top of it, measured against PyYAML 6.0.3: the 1.1 merge
 * tag is left out (the library writes the string `<<` bare, which PyYAML reads as a merge
 * key), and these strings are written double-quoted with escapes: `=` (PyYAML's `value` tag,
 * which safe_load cannot construct), any string with a tab or a carriage return (PyYAML
 * refuses a tab inside a plain scalar), and multi-line strings with a space or tab at the
 * start or end of a line (a block scalar loses such whitespace).
 */
const yaml11: DocumentOptions & SchemaOptions = {
  version: "1.1",
  customTags: (tags) => tags.filter((tag) => typeof tag === "string" || tag.tag !== "tag:yaml.org,2002:merge"),
};

function needsDoubleQuotes(value: string): boolean {
  return (
    value === "=" ||
    value === "<<" ||
    /[\t\r]/.test(value) ||
    (value.includes("\n") && /(^[ \t])|([ \t]$)|([ \t]\n)|(\n[ \t])/.test(value))
  );
}

/**
 * Characters a YAML document cannot carry as they are, or that the library would write raw
 * where a YAML 1.1 reader reads something else: C0 controls other than tab, line feed and
 * carriage return; DEL and the C1 controls (PyYAML's reader refuses them, and reads U+0085 as
 * a line break); U+2028 and U+2029 (line breaks to YAML 1.1); U+FEFF (a byte order mark);
 * U+FFFE and U+FFFF (not characters); and lone surrogates, which UTF-8 cannot encode.
 */
const unrepresentable = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u;

/** Why `value` cannot go into a YAML document as it is, or undefined when it can. */
export function yamlStringProblem(value: string): string | undefined {
  const match = unrepresentable.exec(value);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return `it contains U+${code} at position ${match.index}; YAML user-data cannot carry control characters, U+2028/U+2029, U+FEFF or lone surrogates`;
}

/**
 * Checks a string bound for rendered YAML. `secret` values are reported as `[secret]`.
 * `oneLine` also refuses line feeds, carriage returns and tabs (names, paths, owners...).
 */
export function checkYamlString(fail: Fail, field: string, value: unknown, options: { readonly oneLine?: boolean; readonly secret?: boolean } = {}): string {
  const shown = options.secret ? "[secret]" : value;
  if (typeof value !== "string") return fail(field, shown, "use a string");
  const problem = yamlStringProblem(value);
  if (problem !== undefined) fail(field, shown, `${problem}; remove it`);
  if (options.oneLine && /[\t\n\r]/.test(value)) fail(field, shown, "use one line, without tabs or line breaks");
  return value;
}

/**
 * Renders a plain JSON-like value (objects, arrays, strings, numbers, booleans) as a YAML 1.1
 * document that a YAML 1.1 reader (PyYAML) reads back as the same value. Throws a TypeError
 * for a string {@link yamlStringProblem} refuses: callers check their strings first.
 */
export function renderYaml11(value: unknown): string {
  const document = new Document(value, yaml11);
  visit(document, {
    Scalar(_, node) {
      if (typeof node.value !== "string") return;
      const problem = yamlStringProblem(node.value);
      if (problem !== undefined) throw new TypeError(`renderYaml11: a string cannot be written: ${problem}`);
      if (needsDoubleQuotes(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
  return document.toString({ lineWidth: 0 });
}

/**
 * True when `value` can be written into YAML as a bare (unquoted, unescaped) scalar and read
 * back by a YAML 1.1 reader as the same string: what Proxmox needs, because qemu-server writes
 * `user: <ciuser>`, `hostname: <name>` and `  - <ssh key>` into its cloud-init user-data
 * without quoting (proxmox/qemu-server src/PVE/QemuServer/Cloudinit.pm cloudinit_userdata).
 * Judged by the same renderer: if it would quote or escape the value, a bare one is unsafe.
 */
export function isBareYamlScalar(value: string): boolean {
  if (yamlStringProblem(value) !== undefined || /[\n\r\t]/.test(value) || value === "") return false;
  return renderYaml11({ k: value }) === `k: ${value}\n` && renderYaml11([value]) === `- ${value}\n`;
}
