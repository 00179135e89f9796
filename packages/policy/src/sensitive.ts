/** Property and config key names that hold credentials: tokens, passwords, private and signing keys. */
const sensitiveWords = ["token", "password", "passwd", "privatekey", "secret", "signingkey", "apikey", "secretkey", "accesskey", "passphrase"];

/** True for a key that names a credential (`apiToken`, `password`, `catalogSigningKey`, `hcloud:token`), not its id or name. */
export function isSensitiveKey(key: string): boolean {
  const last = key.split(/[:.]/).pop() ?? key;
  const flat = last.toLowerCase().replace(/[-_]/g, "");
  if (/(id|name|ids|names|file|path|ttl|type)$/.test(flat)) return false;
  return sensitiveWords.some((w) => flat.endsWith(w) || flat === w);
}

/** The engine's marker for a secret value in state files and `pulumi stack export`. */
export const secretSignatureKey = "4dabf18193072939515e22adb298388d";
export const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

/** True when a state value is an encrypted (or shown) secret. */
export function isStateSecret(value: unknown): boolean {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[secretSignatureKey] === secretSignature;
}

/** True when a state value contains a secret anywhere inside. */
export function containsStateSecret(value: unknown): boolean {
  if (isStateSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsStateSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsStateSecret);
  return false;
}

/**
 * Paths of credential-named values stored in plain text (not as secrets) in a state property map,
 * for example `["password", "initialization.userAccount.password"]`.
 */
export function plaintextCredentialPaths(props: Record<string, unknown>, prefix = ""): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isStateSecret(value)) continue;
    if (isSensitiveKey(key) && typeof value === "string" && value !== "") found.push(path);
    else if (Array.isArray(value)) value.forEach((v, i) => v && typeof v === "object" && found.push(...plaintextCredentialPaths(v as Record<string, unknown>, `${path}[${i}]`)));
    else if (value !== null && typeof value === "object") found.push(...plaintextCredentialPaths(value as Record<string, unknown>, path));
  }
  return found;
}
