// Values the e2e programs and their tests share (bundled into each compiled program).

/** A well-formed SSH public key that opens nothing. */
export const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop";

/** The Debian 12 cloud image the home programs turn into a template. */
export const debianImageUrl = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2";
