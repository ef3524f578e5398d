package registry

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/schemagen/schemagen/serde"
)

// Config is a subject's configuration, or the registry's global one, as
// Confluent's /config holds it. A field left zero is not set.
//
// DefaultRuleSet and DefaultMetadata are merged under a registered
// schema's own rule set and metadata (or, when it has none, the previous
// version's); OverrideRuleSet and OverrideMetadata are merged over them
// (a rule replaces one of the same name; a metadata key replaces the same
// key). A registry applies them on registration, as Confluent's does.
type Config struct {
	// Compatibility is the level in the registry's spelling (BACKWARD,
	// FULL_TRANSITIVE, ...).
	Compatibility    string
	Normalize        *bool
	DefaultRuleSet   *serde.RuleSet
	OverrideRuleSet  *serde.RuleSet
	DefaultMetadata  *serde.Metadata
	OverrideMetadata *serde.Metadata
}

// configJSON is Config on the wire: GET answers compatibilityLevel, PUT
// sends compatibility.
type configJSON struct {
	CompatibilityLevel string          `json:"compatibilityLevel,omitempty"`
	Compatibility      string          `json:"compatibility,omitempty"`
	Normalize          *bool           `json:"normalize,omitempty"`
	DefaultRuleSet     *serde.RuleSet  `json:"defaultRuleSet,omitempty"`
	OverrideRuleSet    *serde.RuleSet  `json:"overrideRuleSet,omitempty"`
	DefaultMetadata    *serde.Metadata `json:"defaultMetadata,omitempty"`
	OverrideMetadata   *serde.Metadata `json:"overrideMetadata,omitempty"`
}

func (j *configJSON) config() Config {
	return Config{
		Compatibility: strings.ToUpper(cmpOr(j.CompatibilityLevel, j.Compatibility)), Normalize: j.Normalize,
		DefaultRuleSet: j.DefaultRuleSet, OverrideRuleSet: j.OverrideRuleSet,
		DefaultMetadata: j.DefaultMetadata, OverrideMetadata: j.OverrideMetadata,
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func configPath(subject string) string {
	if subject == "" {
		return "/config"
	}
	return "/config/" + url.PathEscape(subject)
}

// Config returns the configuration in force for subject, or the global
// one for subject "": a subject without its own settings reports the
// global ones (the registry's defaultToGlobal).
func (c *Client) Config(ctx context.Context, subject string) (Config, error) {
	if subject != "" {
		if err := checkSubject(subject); err != nil {
			return Config{}, err
		}
	}
	var out configJSON
	err := c.do(ctx, fmt.Sprintf("get config of %s", scope(subject)), func(ctx context.Context, cl *sr.Client) error {
		if subject != "" {
			ctx = sr.WithParams(ctx, sr.DefaultToGlobal)
		}
		return cl.Do(ctx, http.MethodGet, configPath(subject), nil, &out)
	})
	if err != nil {
		return Config{}, err
	}
	return out.config(), nil
}

// SetConfig sets the fields of cfg that are not zero in subject's
// configuration, or the global one for subject ""; the others keep their
// values. It returns what the registry answered. A compatibility level is
// one of the seven, in any case; a rule set the registry refuses (a rule
// whose CEL does not compile, on our server) gives an error wrapping
// ErrInvalidRuleSet.
func (c *Client) SetConfig(ctx context.Context, subject string, cfg Config) (Config, error) {
	if subject != "" {
		if err := checkSubject(subject); err != nil {
			return Config{}, err
		}
	}
	op := fmt.Sprintf("set config of %s", scope(subject))
	body := configJSON{
		Normalize:      cfg.Normalize,
		DefaultRuleSet: cfg.DefaultRuleSet, OverrideRuleSet: cfg.OverrideRuleSet,
		DefaultMetadata: cfg.DefaultMetadata, OverrideMetadata: cfg.OverrideMetadata,
	}
	if cfg.Compatibility != "" {
		var l sr.CompatibilityLevel
		if err := l.UnmarshalText([]byte(cfg.Compatibility)); err != nil {
			return Config{}, fmt.Errorf("registry: %s: %w: %q", op, ErrInvalidCompatibilityLevel, cfg.Compatibility)
		}
		body.Compatibility = l.String()
	}
	var out configJSON
	err := c.do(ctx, op, func(ctx context.Context, cl *sr.Client) error {
		return cl.Do(ctx, http.MethodPut, configPath(subject), body, &out)
	})
	if err != nil {
		return Config{}, err
	}
	return out.config(), nil
}
