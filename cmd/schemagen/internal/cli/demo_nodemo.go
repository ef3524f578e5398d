//go:build schemagen_nodemo

package cli

import (
	"context"
	"errors"

	"github.com/schemagen/schemagen/producer"
	"github.com/schemagen/schemagen/registry"
)

// Built with -tags schemagen_nodemo, the CLI does not import the
// generated example packages, so it builds even when they are broken and
// `schemagen generate` can rewrite them.
func newDemoProducers(context.Context, *producer.Producer, *project, map[string]registry.SubjectSchema) (demoProducers, error) {
	return nil, errors.New("built with -tags schemagen_nodemo: no demo")
}
