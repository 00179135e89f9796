// pulumi-tfgen-hcloud writes the Pulumi package schema (schema.json) and bridge-metadata.json of
// Hearth's bridged hcloud provider: pulumi-tfgen-hcloud schema --out DIR --skip-docs --skip-examples
package main

import (
	"context"

	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	hcloud "hearth.local/bridge/hcloud"
)

func main() {
	pftfgen.MainWithMuxer(hcloud.Package, hcloud.Info(context.Background()))
}
