// A client of the catalog: plain Node, no Pulumi loaded. Run after `pulumi up`:
//   pulumi stack output publicKey > catalog-2026-11.pub.pem
//   npx tsx client.ts
import { readFileSync } from "node:fs";
import { selectFrontDoor, verifyCatalog } from "@hearth/catalog/client";

const trustedKeys = { "2026-11": readFileSync("catalog-2026-11.pub.pem", "utf8") };
const checked = verifyCatalog(readFileSync("catalog.json", "utf8"), trustedKeys, new Date());
if (!checked.ok) throw new Error(`catalog refused (${checked.error.code}): ${checked.error.message}`);

// Persist the choice between runs; the client stays on it while it is listed and healthy.
const door = selectFrontDoor(checked.catalog, { role: "ingress", region: "fsn1", failed: [], previous: process.env.PREVIOUS_DOOR });
console.log(door ? `${door.id} ${door.addresses.ipv4 ?? door.addresses.ipv6}` : "no front door left");
