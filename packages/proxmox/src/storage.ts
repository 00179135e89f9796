import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkBoolean, checkNonEmpty, checkOneOf, Problems, type Fail } from "@hearth/core";
import { checked, claimUniqueName, isPlain, perProgram, providerScope } from "@hearth/kit";
import { checkPveValue } from "./pveFormats.js";

// Facts about storage definitions are from proxmox/pve-storage: src/PVE/API2/Storage/Config.pm
// (create/update/delete of /storage), and each type's `plugindata` (content types allowed and
// their default) and `options` in src/PVE/Storage/{Dir,NFS,CIFS,ZFSPool,LvmThin,PBS}Plugin.pm;
// `@SHARED_STORAGE` in src/PVE/Storage/Plugin.pm (nfs, cifs and pbs are always shared). The
// bridged provider writes them with one resource per type (bpg/terraform-provider-proxmox
// fwprovider/storage: proxmox_virtual_environment_storage_{directory,nfs,cifs,zfspool,lvmthin,pbs}).

/** The kinds of storage Hearth defines; each has its own block of settings in `StorageArgs`. */
export const StorageType = { directory: "directory", nfs: "nfs", cifs: "cifs", zfsPool: "zfsPool", lvmThin: "lvmThin", pbs: "pbs" } as const;
export type StorageType = (typeof StorageType)[keyof typeof StorageType];

/**
 * What a storage holds (Proxmox's content types): `images` (VM disks), `rootdir` (container
 * volumes), `vztmpl` (container templates), `iso`, `backup` (vzdump backups), `snippets`
 * (cloud-init and hook scripts), `import` (disk images to import).
 */
export const StorageContent = { images: "images", rootdir: "rootdir", vztmpl: "vztmpl", iso: "iso", backup: "backup", snippets: "snippets", import: "import" } as const;
export type StorageContent = (typeof StorageContent)[keyof typeof StorageContent];

const fileContent: StorageContent[] = ["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"];

/**
 * Per type: the content types Proxmox allows and the ones it sets when none are given
 * (plugindata `content` of each plugin), and whether the storage is always shared.
 */
export const storageTypeFacts: Readonly<Record<StorageType, { readonly allowed: readonly StorageContent[]; readonly defaults: readonly StorageContent[]; readonly alwaysShared: boolean; readonly pveType: string }>> = {
  directory: { allowed: fileContent, defaults: ["images", "rootdir"], alwaysShared: false, pveType: "dir" }, // DirPlugin.pm
  nfs: { allowed: fileContent, defaults: ["images"], alwaysShared: true, pveType: "nfs" }, // NFSPlugin.pm
  cifs: { allowed: fileContent, defaults: ["images"], alwaysShared: true, pveType: "cifs" }, // CIFSPlugin.pm
  zfsPool: { allowed: ["images", "rootdir"], defaults: ["images", "rootdir"], alwaysShared: false, pveType: "zfspool" }, // ZFSPoolPlugin.pm
  lvmThin: { allowed: ["images", "rootdir"], defaults: ["images", "rootdir"], alwaysShared: false, pveType: "lvmthin" }, // LvmThinPlugin.pm
  pbs: { allowed: ["backup"], defaults: ["backup"], alwaysShared: true, pveType: "pbs" }, // PBSPlugin.pm
};

/** A directory on each node's file system (`dir`). */
export interface DirectoryStorage {
  /** The absolute path (`"/mnt/backups"`). It cannot change once defined. */
  readonly path: string;
}

/** An NFS export, mounted by every node. */
export interface NfsStorage {
  /** The NFS server's host name or IP address. It cannot change once defined. */
  readonly server: string;
  /** The exported path (`"/export/proxmox"`). It cannot change once defined. */
  readonly export: string;
  /** NFS mount options (`"vers=4.2"`). @default the node's */
  readonly options?: string;
}

/** An SMB/CIFS share, mounted by every node. */
export interface CifsStorage {
  readonly server: string;
  /** The share's name (`"proxmox"`). It cannot change once defined. */
  readonly share: string;
  readonly username: string;
  /** The share user's password; stored as a secret, never in the state in clear text. */
  readonly password: pulumi.Input<string>;
  /** @default none */
  readonly domain?: string;
  /** A folder inside the share. @default the share's root */
  readonly subdirectory?: string;
}

/** A ZFS pool (or dataset) on each node: the storage Proxmox can replicate between nodes. */
export interface ZfsPoolStorage {
  /** The pool or dataset (`"tank"`, `"tank/vm"`). It cannot change once defined. */
  readonly pool: string;
  /** Allocate volumes thin (`sparse`). @default false */
  readonly thinProvision?: boolean;
  /** The block size of new volumes (`"16k"`). @default ZFS's */
  readonly blockSize?: string;
}

/** A thin pool of an LVM volume group on each node. */
export interface LvmThinStorage {
  /** The volume group (`"pve"`). It cannot change once defined. */
  readonly volumeGroup: string;
  /** The thin pool in it (`"data"`). It cannot change once defined. */
  readonly thinPool: string;
}

/** A Proxmox Backup Server datastore. */
export interface PbsStorage {
  readonly server: string;
  /** The datastore on the server. It cannot change once defined. */
  readonly datastore: string;
  /** The PBS user (`"backup@pbs"`, or a token `"backup@pbs!pve"`). */
  readonly username: string;
  /** The user's password or the token's secret; stored as a secret. */
  readonly password: pulumi.Input<string>;
  /** The server certificate's SHA-256 fingerprint (`"ab:cd:..."`, 32 bytes); treated as a secret. @default none (the certificate must be trusted) */
  readonly fingerprint?: pulumi.Input<string>;
  /** A client-side encryption key (the JSON of `proxmox-backup-client key create`); stored as a secret. @default backups are not encrypted */
  readonly encryptionKey?: pulumi.Input<string>;
  /** A namespace in the datastore. @default the root namespace */
  readonly namespace?: string;
}

/**
 * A storage definition: its id, its type with that type's settings (exactly the block named by
 * `type`), what it holds and where it is available.
 */
export interface StorageArgs {
  /** The storage id, used everywhere a storage is named (`"backups"`, `"tank"`). It cannot change once defined. @default the component name */
  readonly storageId?: string;
  /** Which kind of storage; give the block of the same name (`type: "nfs"` with `nfs: { ... }`). */
  readonly type: StorageType;
  /** What the storage holds; each must be one the type allows. @default Proxmox's default for the type (directory: images and rootdir; NFS and CIFS: images; ZFS and LVM-thin: images and rootdir; PBS: backup) */
  readonly content?: StorageContent[];
  /** The nodes the storage is available on. @default every node */
  readonly nodes?: pulumi.Input<string>[];
  /** Say that a directory is the same on every node (a cluster file system mounted there). NFS, CIFS and PBS are always shared. @default false */
  readonly shared?: boolean;
  /** @default true */
  readonly enabled?: boolean;
  readonly directory?: DirectoryStorage;
  readonly nfs?: NfsStorage;
  readonly cifs?: CifsStorage;
  readonly zfsPool?: ZfsPoolStorage;
  readonly lvmThin?: LvmThinStorage;
  readonly pbs?: PbsStorage;
}

/** What this program knows about a storage it defines, by id: for other components' checks. */
export interface KnownStorage {
  readonly type: StorageType;
  readonly content: readonly StorageContent[];
  /** Undefined: every node. Only plain node names are recorded. */
  readonly nodes?: readonly string[];
}

const knownStorages = perProgram(() => new Map<string, KnownStorage>());

/** The storage of this id a Storage component in this program defines, if any. */
export function knownStorage(id: string): KnownStorage | undefined {
  return knownStorages().get(id);
}

/**
 * Checks that a storage holds `content`, when this program defines it (a storage defined
 * elsewhere is left to Proxmox): a backup job needs `backup`, a VM disk `images`.
 */
export function checkStorageContent(fail: Fail, field: string, id: string, content: StorageContent, purpose: string): void {
  const known = knownStorage(id);
  if (known !== undefined && !known.content.includes(content)) {
    fail(field, id, `the storage "${id}" (${known.type}) holds ${known.content.join(", ")}, not ${content}, which ${purpose} needs; add "${content}" to its content or choose another storage`);
  }
}

const fingerprintPattern = /^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$/;

/**
 * A storage definition (`/etc/pve/storage.cfg`): a directory, NFS export, CIFS share, ZFS pool,
 * LVM thin pool or Proxmox Backup Server datastore, with the content types it holds and the
 * nodes it is on. Passwords, the PBS encryption key and fingerprint are secrets. Give its
 * `storageId` to a BackupJob or a VM's `backups.storage` (it must hold `backup`), or to a VM or
 * container as its disk storage. Changing `type` or a fixed setting (path, server, export,
 * share, pool, datastore) replaces the definition: the data on it is not touched, Proxmox only
 * forgets and relearns it.
 *
 * Children: `${name}` (one of storage.Directory, Nfs, Cifs, Zfspool, Lvmthin, Pbs).
 */
export class Storage extends pulumi.ComponentResource {
  /** The storage id (`"backups"`). */
  readonly storageId: pulumi.Output<string>;
  /** The content types it holds. */
  readonly content: pulumi.Output<string[]>;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `Storage "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") {
      problems.check((fail) => fail("(args)", args, 'give type and its settings, such as { type: "nfs", nfs: { server, export } }'));
      problems.throwIfAny();
    }
    const types = Object.values(StorageType);
    const type = problems.check((fail) => checkOneOf(fail, "type", args.type, types));
    const idField = args.storageId === undefined ? "name" : "storageId";
    const storageId = problems.check((fail) => checkPveValue(fail, idField, args.storageId ?? name, "storage"));
    if (storageId !== undefined) problems.check((fail) => claimUniqueName(fail, idField, "Proxmox storage id", providerScope(opts, "proxmoxve"), storageId, owner));
    // Exactly the block named by type.
    for (const t of types) {
      if (t !== args.type && args[t] !== undefined) problems.check((fail) => fail(t, "{...}", `the settings of a ${t} storage go with type: "${t}"; this storage is type "${String(args.type)}"`));
    }
    const facts = type === undefined ? undefined : storageTypeFacts[type];
    const block = type === undefined ? undefined : (args[type] as Record<string, unknown> | undefined);
    if (type !== undefined && (block === undefined || block === null || typeof block !== "object")) {
      problems.check((fail) => fail(type, block, `a ${type} storage needs its settings: ${type}: { ${requiredOf[type].join(", ")} }`));
    }
    let content: StorageContent[] | undefined;
    if (args.content !== undefined) {
      if (!Array.isArray(args.content) || args.content.length === 0) problems.check((fail) => fail("content", args.content, `give a list of content types such as ["backup"]`));
      else {
        args.content.forEach((c, i) => problems.check((fail) => checkOneOf(fail, `content[${i}]`, c, (facts?.allowed ?? fileContent) as StorageContent[])));
        if (new Set(args.content).size !== args.content.length) problems.check((fail) => fail("content", args.content, "list each content type once"));
        content = [...args.content];
      }
    } else content = facts ? [...facts.defaults] : undefined;
    const nodes = args.nodes === undefined ? undefined : checkNodes(problems, args.nodes);
    for (const flag of ["shared", "enabled"] as const) if (args[flag] !== undefined) problems.check((fail) => checkBoolean(fail, flag, args[flag]));
    if (args.shared !== undefined && type !== undefined && type !== "directory") {
      problems.check((fail) => fail("shared", args.shared, facts!.alwaysShared ? `a ${type} storage is always shared; leave shared out` : `a ${type} storage is local to each node; shared is for a directory on a cluster file system`));
    }
    // Secrets given as Outputs are checked when they resolve: the checked values are what the child takes.
    const secrets = type !== undefined && block !== null && typeof block === "object" ? checkBlock(problems, type, block) : {};
    problems.throwIfAny();
    super("hearth:proxmox:Storage", name, {}, opts);

    knownStorages().set(storageId!, { type: type!, content: content!, ...(nodes !== undefined && nodes.every(isPlain) ? { nodes: nodes as string[] } : {}) });
    const common = {
      resourceId: storageId!,
      contents: content!,
      ...(nodes === undefined ? {} : { nodes }),
      disable: args.enabled === false,
    };
    const child = { parent: this };
    let resource: { resourceId: pulumi.Output<string>; contents: pulumi.Output<string[]> };
    switch (type!) {
      case "directory": {
        const d = args.directory!;
        resource = new proxmoxve.storage.Directory(name, { ...common, path: d.path, shared: args.shared ?? false }, child);
        break;
      }
      case "nfs": {
        const d = args.nfs!;
        resource = new proxmoxve.storage.Nfs(name, { ...common, server: d.server, export: d.export, ...(d.options === undefined ? {} : { options: d.options }) }, child);
        break;
      }
      case "cifs": {
        const d = args.cifs!;
        resource = new proxmoxve.storage.Cifs(
          name,
          {
            ...common,
            server: d.server,
            share: d.share,
            username: d.username,
            password: pulumi.secret(secrets.password!),
            ...(d.domain === undefined ? {} : { domain: d.domain }),
            ...(d.subdirectory === undefined ? {} : { subdirectory: d.subdirectory }),
          },
          { ...child, additionalSecretOutputs: ["password"] },
        );
        break;
      }
      case "zfsPool": {
        const d = args.zfsPool!;
        resource = new proxmoxve.storage.Zfspool(
          name,
          { ...common, zfsPool: d.pool, ...(d.thinProvision === undefined ? {} : { thinProvision: d.thinProvision }), ...(d.blockSize === undefined ? {} : { blocksize: d.blockSize }) },
          child,
        );
        break;
      }
      case "lvmThin": {
        const d = args.lvmThin!;
        resource = new proxmoxve.storage.Lvmthin(name, { ...common, volumeGroup: d.volumeGroup, thinPool: d.thinPool }, child);
        break;
      }
      case "pbs": {
        const d = args.pbs!;
        resource = new proxmoxve.storage.Pbs(
          name,
          {
            ...common,
            server: d.server,
            datastore: d.datastore,
            username: d.username,
            password: pulumi.secret(secrets.password!),
            ...(d.fingerprint === undefined ? {} : { fingerprint: pulumi.secret(secrets.fingerprint!) }),
            ...(d.encryptionKey === undefined ? {} : { encryptionKey: pulumi.secret(secrets.encryptionKey!) }),
            ...(d.namespace === undefined ? {} : { namespace: d.namespace }),
          },
          { ...child, additionalSecretOutputs: ["password", "fingerprint", "encryptionKey", "generatedEncryptionKey"] },
        );
        break;
      }
    }
    this.storageId = resource.resourceId;
    this.content = resource.contents;
    this.registerOutputs({ storageId: this.storageId, content: this.content });
  }
}

const requiredOf: Record<StorageType, string[]> = {
  directory: ["path"],
  nfs: ["server", "export"],
  cifs: ["server", "share", "username", "password"],
  zfsPool: ["pool"],
  lvmThin: ["volumeGroup", "thinPool"],
  pbs: ["server", "datastore", "username", "password"],
};
const optionalOf: Record<StorageType, string[]> = {
  directory: [],
  nfs: ["options"],
  cifs: ["domain", "subdirectory"],
  zfsPool: ["thinProvision", "blockSize"],
  lvmThin: [],
  pbs: ["fingerprint", "encryptionKey", "namespace"],
};
const secretKeys = new Set(["password", "fingerprint", "encryptionKey"]);

function checkNodes(problems: Problems, nodes: unknown): pulumi.Input<string>[] | undefined {
  if (!Array.isArray(nodes) || nodes.length === 0) {
    problems.check((fail) => fail("nodes", nodes, 'give a list of node names such as ["pve1", "pve2"], or leave nodes out for every node'));
    return undefined;
  }
  return nodes.map((n, i) =>
    problems.check((fail) => {
      const check = (v: string) => checkPveValue(fail, `nodes[${i}]`, v, "node");
      return isPlain(n) ? check(n as string) : checked(n as pulumi.Input<string>, check);
    })!,
  );
}

/**
 * Checks the settings block of `type`: its keys, the required ones, and each value's shape
 * (secrets never shown). Returns the secret values as the child must take them: checked now
 * when plain, when they resolve otherwise.
 */
function checkBlock(problems: Problems, type: StorageType, block: Record<string, unknown>): Record<string, pulumi.Input<string>> {
  const secrets: Record<string, pulumi.Input<string>> = {};
  const known = [...requiredOf[type], ...optionalOf[type]];
  const field = (k: string) => `${type}.${k}`;
  const shown = (k: string, v: unknown) => (secretKeys.has(k) ? "[secret]" : v);
  for (const k of Object.keys(block)) if (!known.includes(k)) problems.check((fail) => fail(field(k), shown(k, block[k]), `a ${type} storage takes ${known.join(", ")}`));
  for (const k of requiredOf[type]) if (block[k] === undefined) problems.check((fail) => fail(field(k), undefined, `a ${type} storage needs ${k}`));
  for (const [k, v] of Object.entries(block)) {
    if (v === undefined || !known.includes(k)) continue;
    problems.check((fail) => {
      if (secretKeys.has(k)) {
        secrets[k] = checked(v as pulumi.Input<string>, (s) => {
          if (typeof s !== "string" || s.length === 0 || /[\r\n]/.test(s) && k !== "encryptionKey") fail(field(k), "[secret]", `${k} is a non-empty string on one line`);
          // pve-common JSONSchema.pm `fingerprint-sha256`: 32 bytes as hex pairs joined by ':'.
          else if (k === "fingerprint" && !fingerprintPattern.test(s)) fail(field(k), "[secret]", 'a fingerprint is the certificate\'s SHA-256 as 32 hex pairs joined by ":" (openssl x509 -fingerprint -sha256)');
        });
        return;
      }
      if (k === "thinProvision") return void checkBoolean(fail, field(k), v);
      if (typeof v !== "string" || !v.trim()) return void checkNonEmpty(fail, field(k), v);
      // A value Proxmox writes into storage.cfg on one line (SectionConfig.pm refuses a line feed).
      if (/[\r\n]/.test(v)) return void fail(field(k), v, "use a value on one line");
      if (k === "path" || k === "export") {
        if (!v.startsWith("/") || v.split("/").includes("..")) fail(field(k), v, `use an absolute path such as "/mnt/${type === "nfs" ? "export" : "backups"}" (no "..")`);
      }
      if (k === "pool" && !/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/.test(v)) fail(field(k), v, 'use a ZFS pool or dataset name such as "tank" or "tank/vm"');
      if ((k === "volumeGroup" || k === "thinPool") && !/^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/.test(v)) fail(field(k), v, "use an LVM name: letters, digits and + _ . -");
      if (k === "blockSize" && !/^\d+[kKmM]?$/.test(v)) fail(field(k), v, 'use a block size such as "8k" or "16k"');
      if (k === "server" && !/^[A-Za-z0-9.:[\]-]+$/.test(v)) fail(field(k), v, "use a host name or IP address");
    });
  }
  return secrets;
}
