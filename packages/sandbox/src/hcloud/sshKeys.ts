import { createHash } from "node:crypto";
import { isoNow } from "../router.js";
import type { HcloudKit, Obj } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";
import { labelsOf } from "./labels.js";

/** The MD5 fingerprint hcloud shows for an OpenSSH public key (`aa:bb:...`). */
export function fingerprint(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob || !/^[A-Za-z0-9+/=]+$/.test(blob)) return invalidInput("public_key", "invalid public key");
  return createHash("md5").update(Buffer.from(blob, "base64")).digest("hex").match(/../g)!.join(":");
}

export function registerSshKeys(kit: HcloudKit): void {
  const { r, ok, list, store } = kit;
  const getKey = (id: string | undefined): Obj => kit.sshKeys[id!] ?? notFound("ssh_key", id);
  r.get("/ssh_keys", (q) => {
    const fp = q.query.get("fingerprint");
    return list(q, "ssh_keys", Object.values(kit.sshKeys), (k) => !fp || k.fingerprint === fp);
  });
  r.post("/ssh_keys", (q) => {
    const name = kit.requireString(q.body, "name");
    const publicKey = kit.requireString(q.body, "public_key");
    const fp = fingerprint(publicKey);
    kit.uniqueName(kit.sshKeys, name, "SSH key");
    if (Object.values(kit.sshKeys).some((k) => k.fingerprint === fp)) fail(409, "uniqueness_error", "SSH key with the same fingerprint already exists");
    const key = { id: store.nextId(), name, fingerprint: fp, public_key: publicKey.trim(), labels: labelsOf(q.body), created: isoNow() };
    kit.sshKeys[key.id] = key;
    store.changed();
    return ok({ ssh_key: key }, 201);
  });
  r.get("/ssh_keys/:id", (q) => ok({ ssh_key: getKey(q.params.id) }));
  r.put("/ssh_keys/:id", (q) => {
    const key = getKey(q.params.id);
    kit.renameAndLabel(kit.sshKeys, key, q.body, "SSH key");
    store.changed();
    return ok({ ssh_key: key });
  });
  r.delete("/ssh_keys/:id", (q) => {
    const key = getKey(q.params.id);
    delete kit.sshKeys[key.id as number];
    store.changed();
    return { status: 204 };
  });
}
