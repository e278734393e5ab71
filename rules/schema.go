package rules

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of the rules file, for editors:
// a file that starts with "$schema": "path/to/schema.json" gets completion
// and underlined mistakes. It states the same fields, types, statuses and
// limits as Parse; Parse remains the authority (the schema cannot express
// every check, such as duplicate keys).
//
//go:embed schema.json
var Schema []byte
