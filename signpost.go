// Package signpost loads a redirects file the one way every command does:
// parse (package rules), then compile and check semantics (package engine).
// check, explain, test, serve, build and deploy all call Load or Compile, so
// the server never accepts what CI rejects and the edge never runs what the
// server would refuse.
package signpost

import (
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// Compiled is a parsed, checked and compiled rules file.
type Compiled struct {
	Set   *rules.Set
	Table *engine.Table // nil when Diagnostics has errors
	// Diagnostics holds every problem found, errors and warnings, in file
	// order.
	Diagnostics rules.Diagnostics
}

// Compile parses data (named name in diagnostics) and compiles it.
func Compile(name string, data []byte, opts engine.Options) *Compiled {
	set, ds := rules.Parse(name, data)
	c := &Compiled{Set: set, Diagnostics: ds}
	if set == nil {
		return c
	}
	t, more := engine.Compile(set, opts)
	c.Diagnostics = append(c.Diagnostics, more...)
	if !c.Diagnostics.HasErrors() {
		c.Table = t
	}
	rules.SortDiagnostics(c.Diagnostics)
	return c
}

// Load reads the rules file at path and compiles it. A file larger than
// rules.MaxFileSize is refused before it is read.
func Load(path string, opts engine.Options) *Compiled {
	data, ds := rules.ReadFile(path)
	if ds != nil {
		return &Compiled{Diagnostics: ds}
	}
	return Compile(path, data, opts)
}
