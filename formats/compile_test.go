package formats

import (
	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// compileForTest is signpost's own loading path, as the command passes it
// to Imported.Check.
func compileForTest(name string, data []byte) rules.Diagnostics {
	return signpost.Compile(name, data, engine.Options{}).Diagnostics
}
