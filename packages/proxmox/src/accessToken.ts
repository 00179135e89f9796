import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkOneOf, Problems, type Fail } from "@hearth/core";
import { checked, claimUniqueName, providerScope } from "@hearth/kit";
import { accessPresets, accessPurposes, scopePath, type AccessGrant, type AccessPurpose, type AccessScope } from "./accessPresets.js";
import { checkPveComment, checkPveValue } from "./pveFormats.js";

export interface AccessTokenArgs {
  /** What the token is for; its privileges and the scopes they apply to come from this preset (docs/proxmox.md, "AccessToken"). */
  readonly purpose: AccessPurpose;
  /** The Proxmox user the token belongs to, `name@realm` (`ci-home@pve`). */
  readonly userId: pulumi.Input<string>;
  /**
   * Create the user (realm `pve` or another realm without passwords here). With `false` the
   * user must exist already; it gets no ACLs of its own from this component, and a token with
   * privilege separation never has more than its user (RPCEnvironment.pm `permissions`), so that
   * user needs at least the token's privileges.
   * @default true
   */
  readonly createUser?: boolean;
  /** The token's name: a letter, then letters, digits, '.', '-' or '_'. @default "hearth" */
  readonly tokenName?: string;
  /** The resource pool the token may work in (a `Pool`'s poolId); needed when the purpose has a pool grant. */
  readonly pool?: pulumi.Input<string>;
  /**
   * The ids of the guests the token creates, each with an ACL of its own: Proxmox checks a new
   * guest's tags on `/vms/<vmid>` before the guest joins the pool (docs/proxmox.md,
   * "AccessToken"); needed when the purpose has a guest grant.
   */
  readonly vmIds?: number[];
  /** The storages the token may allocate on; needed when the purpose has a storage grant. */
  readonly storages?: string[];
  /** The SDN zones the token may manage; needed when the purpose has an SDN zone grant. */
  readonly sdnZones?: string[];
  /** The nodes the token may use; needed when the purpose has a node grant. */
  readonly nodes?: string[];
  /** The prefix of the roles this token's grants get (one role per scope: `<prefix>-pool`...). @default `hearth-` + the component name */
  readonly rolePrefix?: string;
  /** A one-line comment on the user and the token. @default "Hearth <purpose> token" */
  readonly comment?: string;
}

/** One ACL entry an AccessToken makes for its token (and for its user, when it creates the user). */
export interface AccessTokenAcl {
  readonly path: string;
  readonly roleId: string;
  readonly privileges: string[];
  readonly propagate: boolean;
}

// pve-access-control src/PVE/Auth/Plugin.pm `verify_username` ($user_regex, $realm_regex, 3-64
// characters); AccessControl.pm `$token_subid_regex` (the realm pattern) and `verify_rolename`.
const USER_ID = /^[^\s:/!]+@[A-Za-z][A-Za-z0-9.\-_]+$/;
const TOKEN_NAME = /^[A-Za-z][A-Za-z0-9.\-_]+$/;
const ROLE_ID = /^[A-Za-z0-9.\-_]+$/;
const SDN_ZONE = /^[a-z][a-z0-9]{0,7}$/;

function checkUserId(fail: Fail, field: string, v: unknown): string {
  if (typeof v !== "string" || v.length < 3 || v.length > 64 || !USER_ID.test(v)) {
    fail(field, v, "a user id is name@realm (3-64 characters; the name without spaces, ':', '/' or '!'), such as ci-home@pve");
  } else if (v === "root@pam") {
    fail(field, v, "a purpose token never belongs to root@pam (root has every privilege whatever the ACLs say); use a user of its own, such as ci-home@pve");
  }
  return v as string;
}

/** The ids of one scope the token was given, or the problem that they are missing or not wanted. */
function idsFor(scope: AccessScope, args: AccessTokenArgs): readonly pulumi.Input<string>[] | undefined {
  switch (scope) {
    case "cluster":
    case "sdn":
    case "sdnZones":
      return [""];
    case "pool":
      return args.pool === undefined ? undefined : [args.pool];
    case "guest":
      return args.vmIds?.map(String);
    case "storage":
      return args.storages;
    case "sdnZone":
      return args.sdnZones;
    case "node":
      return args.nodes;
  }
}

const scopeField: Record<AccessScope, keyof AccessTokenArgs | undefined> = { cluster: undefined, sdn: undefined, sdnZones: undefined, pool: "pool", guest: "vmIds", storage: "storages", sdnZone: "sdnZones", node: "nodes" };

/**
 * A Proxmox API token for one purpose, holding only what that purpose needs: a user (or an
 * existing one), one role per scope with the preset's privileges, ACLs that give those roles
 * to the token (and to the user it creates) on the pool, storages, SDN zones and nodes it is
 * given, and the token itself with privilege separation, so it has its ACLs and never its
 * user's other rights (proxmox/pve-access-control src/PVE/RPCEnvironment.pm `permissions`).
 *
 * The secret is a secret output (`tokenSecret`, and `apiToken` ready for a provider's
 * `apiToken`); Proxmox shows it once, when the token is created (API2/User.pm
 * `generate_token`), so it lives only in this stack's encrypted state.
 *
 * Children: `${name}-user` (UserLegacy, unless createUser is false), `${name}-${scope}`
 * (RoleLegacy per scope), `${name}-${scope}[-${id}]-token` and `-user` (Acl), `${name}` (user.Token).
 */
export class AccessToken extends pulumi.ComponentResource {
  /** The token's id, `user@realm!name`: what Proxmox lists and ACLs name. */
  readonly tokenId: pulumi.Output<string>;
  /** The token's secret (a UUID); secret. */
  readonly tokenSecret: pulumi.Output<string>;
  /** `user@realm!name=secret`, what the proxmoxve provider takes as `apiToken`; secret. */
  readonly apiToken: pulumi.Output<string>;
  /** The token's user. */
  readonly userId: pulumi.Output<string>;
  /** The ACL entries the token has, with their roles' privileges. */
  readonly acls: pulumi.Output<AccessTokenAcl[]>;

  constructor(name: string, args: AccessTokenArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `AccessToken "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") problems.fail("(args)", args, "give purpose and userId at least");
    const a = (args ?? {}) as AccessTokenArgs;
    const purpose = problems.check((fail) => checkOneOf(fail, "purpose", a.purpose, accessPurposes));
    const grants: readonly AccessGrant[] = purpose === undefined ? [] : accessPresets[purpose];
    const userId = problems.check((fail) => checked(a.userId, (u) => checkUserId(fail, "userId", u)));
    if (a.createUser !== undefined && typeof a.createUser !== "boolean") problems.check((fail) => fail("createUser", a.createUser, "use true (create the user) or false (it exists)"));
    const tokenName = problems.check((fail) => {
      const t = a.tokenName ?? "hearth";
      if (typeof t !== "string" || !TOKEN_NAME.test(t)) fail("tokenName", t, "a token name is a letter, then letters, digits, '.', '-' or '_' (at least 2 characters), such as ci");
      return t;
    });
    const rolePrefix = problems.check((fail) => {
      const r = a.rolePrefix ?? `hearth-${name}`;
      if (typeof r !== "string" || !ROLE_ID.test(r) || r.length > 50) fail(a.rolePrefix === undefined ? "name" : "rolePrefix", r, "a role id is letters, digits, '.', '-' or '_'; give a rolePrefix of at most 50 of them");
      return r;
    });
    const comment = problems.check((fail) => checkPveComment(fail, "comment", a.comment ?? `Hearth ${a.purpose} token`));
    // Each scope the purpose grants on must be given, and none it does not use (a pool that
    // grants nothing would read as if the token were scoped to it).
    const used = new Set(grants.map((g) => g.scope));
    for (const [scope, field] of Object.entries(scopeField) as [AccessScope, keyof AccessTokenArgs | undefined][]) {
      if (field === undefined) continue;
      const given = a[field];
      if (used.has(scope) && (given === undefined || (Array.isArray(given) && given.length === 0))) {
        problems.check((fail) => fail(field, given, `purpose ${purpose} grants privileges on ${scope === "pool" ? "a pool" : `its ${field}`}: give ${field === "pool" ? "the pool id (a Pool's poolId)" : `at least one id in ${field}`}`));
      } else if (!used.has(scope) && given !== undefined) {
        problems.check((fail) => fail(field, given, `purpose ${purpose} grants nothing on ${field}; leave it out`));
      }
    }
    const checkIds = (field: string, ids: unknown, check: (fail: Fail, f: string, v: unknown) => void): void => {
      if (ids === undefined) return;
      if (!Array.isArray(ids)) return void problems.check((fail) => fail(field, ids, "give a list of ids"));
      ids.forEach((id, i) => problems.check((fail) => check(fail, `${field}[${i}]`, id)));
      const dup = ids.find((id, i) => ids.indexOf(id) !== i);
      if (dup !== undefined) problems.check((fail) => fail(field, ids, `${JSON.stringify(dup)} is listed twice`));
    };
    checkIds("storages", a.storages, (fail, f, v) => checkPveValue(fail, f, v, "storage"));
    // pve-common JSONSchema.pm `pve-vmid`: 100 to 999999999.
    checkIds("vmIds", a.vmIds, (fail, f, v) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 100 || v > 999_999_999) fail(f, v, "a VM id is a whole number from 100 to 999999999");
    });
    checkIds("nodes", a.nodes, (fail, f, v) => checkPveValue(fail, f, v, "node"));
    // pve-network src/PVE/Network/SDN/Zones/Plugin.pm: a zone id is 1-8 lowercase letters and digits, starting with a letter.
    checkIds("sdnZones", a.sdnZones, (fail, f, v) => {
      if (typeof v !== "string" || !SDN_ZONE.test(v)) fail(f, v, "an SDN zone id is 1-8 lowercase letters or digits, starting with a letter");
    });
    const pool = a.pool === undefined ? undefined : problems.check((fail) => checked(a.pool!, (p) => checkPveValue(fail, "pool", p, "pool")));
    if (tokenName !== undefined && rolePrefix !== undefined) {
      const scope = providerScope(opts, "proxmoxve");
      for (const g of grants) problems.check((fail) => claimUniqueName(fail, a.rolePrefix === undefined ? "name" : "rolePrefix", "Proxmox role id", scope, `${rolePrefix}-${g.scope}`, owner));
      if (typeof a.userId === "string") problems.check((fail) => claimUniqueName(fail, "tokenName", "Proxmox API token id", scope, `${a.userId}!${tokenName}`, owner));
    }
    problems.throwIfAny();
    super("hearth:proxmox:AccessToken", name, {}, opts);

    const createUser = a.createUser ?? true;
    const user = createUser ? new proxmoxve.UserLegacy(`${name}-user`, { userId: userId!, comment, enabled: true }, { parent: this }) : undefined;
    const owningUser = user ? user.userId : userId!;
    const token = new proxmoxve.user.Token(
      name,
      { userId: owningUser, tokenName: tokenName!, privilegesSeparation: true, comment },
      // The bridged resource marks `value` secret too; said here as well, so it stays so.
      { parent: this, additionalSecretOutputs: ["value"] },
    );

    const acls: pulumi.Output<AccessTokenAcl>[] = [];
    for (const g of grants) {
      const roleId = `${rolePrefix!}-${g.scope}`;
      const role = new proxmoxve.RoleLegacy(`${name}-${g.scope}`, { roleId, privileges: [...g.privileges] }, { parent: this });
      const ids = g.scope === "pool" ? [pool!] : idsFor(g.scope, a)!;
      ids.forEach((id, i) => {
        const suffix = g.scope === "cluster" || g.scope === "sdn" || g.scope === "sdnZones" || g.scope === "pool" ? "" : `-${typeof id === "string" ? id : i}`;
        const path = pulumi.output(id).apply((v) => scopePath(g.scope, v));
        new proxmoxve.Acl(`${name}-${g.scope}${suffix}-token`, { path, roleId: role.roleId, tokenId: token.id, propagate: g.propagate }, { parent: this });
        if (user) new proxmoxve.Acl(`${name}-${g.scope}${suffix}-user`, { path, roleId: role.roleId, userId: user.userId, propagate: g.propagate }, { parent: this });
        acls.push(path.apply((p) => ({ path: p, roleId, privileges: [...g.privileges], propagate: g.propagate })));
      });
    }

    this.tokenId = token.id;
    this.userId = pulumi.output(owningUser);
    this.apiToken = pulumi.secret(token.value);
    // `user@realm!name=<secret>`: the part after the first '='.
    this.tokenSecret = pulumi.secret(token.value.apply((v) => (typeof v === "string" ? v.slice(v.indexOf("=") + 1) : v)));
    this.acls = pulumi.all(acls);
    this.registerOutputs({ tokenId: this.tokenId, tokenSecret: this.tokenSecret, apiToken: this.apiToken, userId: this.userId, acls: this.acls });
  }
}

