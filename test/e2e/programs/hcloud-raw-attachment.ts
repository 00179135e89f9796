// Raw @pulumi/hcloud resources, no Hearth: a server, a volume and an attachment, the attachment
// replaced with Pulumi's default order (create first) unless config `deleteBeforeReplace` is true.
// Config: `image` (a new one replaces the server).
import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";

const config = new pulumi.Config();
const server = new hcloud.Server("raw-db", { serverType: "cx23", image: config.get("image") ?? "debian-12", location: "fsn1" });
const volume = new hcloud.Volume("raw-data", { name: "raw-data", size: 10, location: "fsn1", format: "ext4" });
new hcloud.VolumeAttachment(
  "raw-data-attachment",
  { serverId: server.id.apply(Number), volumeId: volume.id.apply(Number) },
  { deleteBeforeReplace: config.getBoolean("deleteBeforeReplace") ?? false },
);

export const volumeId = volume.id;
