import type { ApiRequest } from "../router.js";
import type { DoKit, Obj } from "./context.js";
import { badRequest, notFound } from "./errors.js";

/**
 * Tag names: "Tags may contain letters, numbers, colons, dashes, and underscores. There is a limit
 * of 255 characters per tag" (../shared/specs/digitalocean-openapi.json, `POST /v2/tags`; the same
 * rule as terraform-provider-digitalocean digitalocean/tag/tags.go `tagNameRe`).
 */
export const TAG_NAME = /^[a-zA-Z0-9:\-_]{1,255}$/;

/** Create a tag if it does not exist. `implicit`: made on the way by a droplet create. */
export function ensureTag(kit: DoKit, name: string, implicit = false): void {
  if (!TAG_NAME.test(name)) badRequest(`tag name '${name}' is invalid: use letters, numbers, colons, dashes and underscores, at most 255 characters`);
  if (!kit.tags[name]) kit.tags[name] = { name, ...(implicit ? { implicit: true } : {}) };
  else if (!implicit) delete kit.tags[name]!.implicit;
}

/** Refuse names of tags that do not exist (a firewall may only name existing tags). */
export function requireTags(kit: DoKit, names: unknown[], field: string): string[] {
  return names.map((n) => {
    if (typeof n !== "string" || !kit.tags[n]) return badRequest(`${field}: tag '${String(n)}' does not exist; create it with POST /v2/tags first`);
    return n;
  });
}

export function registerTags(kit: DoKit): void {
  const { r, ok, list, store } = kit;
  const view = (name: string): Obj => {
    const droplets = Object.values(kit.droplets).filter((dr) => dr.tags.includes(name));
    const last = droplets[droplets.length - 1];
    return {
      name,
      resources: {
        count: droplets.length,
        ...(last ? { last_tagged_uri: `/v2/droplets/${last.id}` } : {}),
        droplets: { count: droplets.length, ...(last ? { last_tagged_uri: `/v2/droplets/${last.id}` } : {}) },
      },
    };
  };
  const getTag = (q: ApiRequest): string => (kit.tags[q.params.name!] ? q.params.name! : notFound());

  r.get("/tags", (q) => list(q, "tags", Object.keys(kit.tags).map(view)));
  // terraform-provider-digitalocean tag/tags.go `SetTags` creates every tag it adds, existing or not:
  // creating an existing tag answers it again.
  r.post("/tags", (q) => {
    if (typeof q.body.name !== "string") badRequest("name is required");
    ensureTag(kit, q.body.name as string);
    store.changed();
    return ok({ tag: view(q.body.name as string) }, 201);
  });
  r.get("/tags/:name", (q) => ok({ tag: view(getTag(q)) }));
  r.delete("/tags/:name", (q) => {
    const name = getTag(q);
    delete kit.tags[name];
    for (const dr of Object.values(kit.droplets)) dr.tags = dr.tags.filter((t) => t !== name);
    for (const fw of Object.values(kit.firewalls)) fw.tags = (fw.tags as string[]).filter((t) => t !== name);
    store.changed();
    return { status: 204 };
  });
  // `POST/DELETE /v2/tags/{tag_id}/resources`: 404 for a missing tag; `resource_id` is a string.
  const tagResources = (add: boolean) => (q: ApiRequest) => {
    const name = getTag(q);
    for (const res of Array.isArray(q.body.resources) ? (q.body.resources as Obj[]) : []) {
      if (res.resource_type !== "droplet") continue;
      const dr = kit.droplets[String(res.resource_id)] ?? notFound();
      if (add && !dr.tags.includes(name)) dr.tags.push(name);
      if (!add) dr.tags = dr.tags.filter((t) => t !== name);
    }
    store.changed();
    return { status: 204 };
  };
  r.post("/tags/:name/resources", tagResources(true));
  r.delete("/tags/:name/resources", tagResources(false));
}
