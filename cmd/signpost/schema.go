package main

import (
	"context"
	"errors"

	"github.com/signposthq/signpost/rules"
)

func init() {
	register(&command{name: "schema", summary: "print the JSON Schema of the rules file", run: runSchema})
}

const schemaUsage = `Usage: signpost schema

Prints the JSON Schema (draft 2020-12) of redirects.json, so that editors
complete field names and underline mistakes. The same schema is in the
repository as rules/schema.json; point a rules file at it with a top-level
"$schema" key:

  { "$schema": "./schema.json", "/old": { "to": "/new" } }

Examples:
  signpost schema > schema.json
`

func runSchema(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("schema")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "schema", schemaUsage, fs, err)
	}
	if len(pos) > 0 {
		return usageError(env, errors.New("schema takes no arguments"), "")
	}
	env.Stdout.Write(rules.Schema)
	return exitOK
}
