// Package hcloud is Hearth's own mapping of the upstream Terraform provider
// github.com/hetznercloud/terraform-provider-hcloud onto Pulumi, through the Pulumi Terraform
// bridge. It exists because the module proxy refuses the published pulumi-hcloud provider module;
// the npm SDK @pulumi/hcloud stays the SDK that programs use, so the tokens and property names
// produced here must be exactly the SDK's (test/engine/bridge-tokens.mjs compares them).
//
// This is NOT the published pulumi-resource-hcloud binary: it is the same upstream Terraform
// provider version, bridged with this mapping. See docs/engine.md.
package hcloud

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"

	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	upstream "github.com/hetznercloud/terraform-provider-hcloud/hcloud"
)

// Version is the Pulumi package version (the npm version of @pulumi/hcloud), set at build time:
// -ldflags "-X hearth.local/bridge/hcloud.Version=1.41.0". The bridge refuses to start without it.
var Version string

// Package is the Pulumi package name: tokens are "hcloud:index/<file>:<Name>".
const Package = "hcloud"

// The mux dispatch table and other tfgen-time facts. The committed file is an empty placeholder;
// scripts/toolchain.sh replaces it in its build copy with the one pulumi-tfgen-hcloud writes.
//
//go:embed bridge-metadata.json
var metadata []byte

// Info is the bridge mapping. The upstream provider serves part of its resources through the
// Terraform plugin SDK v2 and part through the plugin framework (it muxes both itself), so the
// bridge muxes the same two halves.
func Info(ctx context.Context) tfbridge.ProviderInfo {
	muxed := pfbridge.MuxShimWithPF(ctx, shimv2.NewProvider(upstream.Provider()), upstream.NewPluginProvider())
	p := tfbridge.ProviderInfo{
		P:            muxed,
		Name:         "hcloud", // the Terraform provider name: resources are hcloud_<x>
		Version:      Version,
		Description:  "Hetzner Cloud (upstream terraform-provider-hcloud, bridged by Hearth).",
		License:      "MPL-2.0 (upstream provider)",
		GitHubOrg:    "hetznercloud",
		MetadataInfo: tfbridge.NewProviderMetadata(metadata),
		Config: map[string]*tfbridge.SchemaInfo{
			// The API token; the npm SDK reads it from HCLOUD_TOKEN as well.
			"token": {Secret: tfbridge.True()},
		},
	}
	p.Resources = numericIDs(muxed)
	// Every resource and data source lives in the "index" module:
	// hcloud_primary_ip -> hcloud:index/primaryIp:PrimaryIp, data hcloud_server -> hcloud:index/getServer:getServer.
	p.MustComputeTokens(tokens.SingleModule("hcloud_", "index", tokens.MakeStandard(Package)))
	// A required Terraform "name" is optional in the npm SDK (Server, PrimaryIp, Firewall, Network,
	// SshKey, ...): the bridge's standard auto-naming fills it from the resource name plus "-" and a
	// random suffix, at most 255 characters. Without it the schema would require "name" where the SDK
	// does not (test/engine/bridge-tokens.mjs reports exactly that).
	p.SetAutonaming(255, "-")
	return p
}

// numericIDs maps the resources whose Terraform "id" is a computed number (the plugin-framework
// resources primary_ip, zone, storage_box, ...) onto Pulumi's string resource ID: the ID is the
// number in decimal, and no extra "<name>Id" output is added (the npm SDK has none).
func numericIDs(p shim.Provider) map[string]*tfbridge.ResourceInfo {
	out := map[string]*tfbridge.ResourceInfo{}
	p.ResourcesMap().Range(func(name string, r shim.Resource) bool {
		id, ok := r.Schema().GetOk("id")
		if ok && id.Computed() && !id.Optional() && !id.Required() &&
			(id.Type() == shim.TypeInt || id.Type() == shim.TypeFloat) {
			out[name] = &tfbridge.ResourceInfo{
				Fields:    map[string]*tfbridge.SchemaInfo{"id": {Type: "string"}},
				ComputeID: idFromNumber,
			}
		}
		return true
	})
	return out
}

func idFromNumber(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["id"]
	switch {
	case ok && v.IsNumber():
		return resource.ID(strconv.FormatInt(int64(v.NumberValue()), 10)), nil
	case ok && v.IsString() && v.StringValue() != "":
		return resource.ID(v.StringValue()), nil
	default:
		return "", fmt.Errorf("hcloud: resource state has no usable \"id\" (got %v)", v)
	}
}
