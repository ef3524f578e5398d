package config

import _ "embed"

// JSONSchema is the JSON Schema of schemagen.yaml, for editors (the
// yaml-language-server comment that `schemagen init` writes points at it).
//
//go:embed schema.json
var JSONSchema []byte
