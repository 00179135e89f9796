import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** SHA-1 fingerprint, as `selfsigned` reports it. */
  fingerprint: string;
}

/** A fresh self-signed certificate for 127.0.0.1 and localhost, valid for 30 days. */
export async function selfSignedCertificate(): Promise<TlsMaterial> {
  const now = new Date();
  const pems = await generate([{ name: "commonName", value: "hearth-sandbox" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 30 * 24 * 3600_000),
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint: pems.fingerprint };
}
