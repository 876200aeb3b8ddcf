// A Bento build for the benchmark: only the io (http_server), kafka (kafka_franz) and pure
// (mapping, switch, cache, memory) components, so it builds in about a minute and a half.
package main

import (
	"context"

	_ "github.com/warpstreamlabs/bento/public/components/io"
	_ "github.com/warpstreamlabs/bento/public/components/kafka"
	_ "github.com/warpstreamlabs/bento/public/components/pure"
	"github.com/warpstreamlabs/bento/public/service"
)

func main() {
	service.RunCLI(context.Background(), service.CLIOptSetBinaryName("bento"), service.CLIOptSetProductName("Bento"))
}
