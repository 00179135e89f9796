import { createHash } from "node:crypto";
import type { DoKit, Obj } from "./context.js";
import { notFound, unprocessable } from "./errors.js";

export function fingerprint(publicKey: string): string {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob || !/^[A-Za-z0-9+/=]+$/.test(blob)) return unprocessable("Key invalid, type not supported");
  return createHash("md5").update(Buffer.from(blob, "base64")).digest("hex").match(/../g)!.join(":");
}

export function registerSshKeys(kit: DoKit): void {
  const { r, ok, list, store } = kit;
  const getKey = (id: string | undefined): Obj => kit.sshKeys[id!] ?? Object.values(kit.sshKeys).find((k) => k.fingerprint === id) ?? notFound();
  r.get("/account/keys", (q) => list(q, "ssh_keys", Object.values(kit.sshKeys), "account/keys"));
  r.post("/account/keys", (q) => {
    const name = typeof q.body.name === "string" && q.body.name ? q.body.name : unprocessable("Name is required");
    const publicKey = typeof q.body.public_key === "string" ? q.body.public_key : unprocessable("Key invalid, type not supported");
    const fp = fingerprint(publicKey);
    if (Object.values(kit.sshKeys).some((k) => k.fingerprint === fp)) unprocessable("SSH Key is already in use on your account");
    const key = { id: store.nextId(), fingerprint: fp, public_key: publicKey.trim(), name };
    kit.sshKeys[key.id] = key;
    store.changed();
    return ok({ ssh_key: key }, 201);
  });
  r.get("/account/keys/:id", (q) => ok({ ssh_key: getKey(q.params.id) }));
  r.put("/account/keys/:id", (q) => {
    const key = getKey(q.params.id);
    if (typeof q.body.name === "string") key.name = q.body.name;
    store.changed();
    return ok({ ssh_key: key });
  });
  r.delete("/account/keys/:id", (q) => {
    const key = getKey(q.params.id);
    delete kit.sshKeys[key.id as number];
    store.changed();
    return { status: 204 };
  });
}
