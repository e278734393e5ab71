package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

var update = flag.Bool("update", false, "rewrite the expected outputs in testdata/script from what the commands print")

// TestMain lets the scripts run this package's binary as "signpost".
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"signpost": main})
}

// TestScripts runs the end-to-end scripts in testdata/script: each is a
// txtar archive of commands, their expected output and the files they use.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			// $REPO is the repository root, for scripts that use
			// examples/.
			root, err := filepath.Abs(filepath.Join("..", ".."))
			env.Setenv("REPO", root)
			return err
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "engine":
				// Whether the engine resolves anything yet, so scripts
				// that need real matching can say [!engine] skip.
				set, _ := rules.Parse("probe.json", []byte(`{"/a": {"to": "/b"}}`))
				t, ds := engine.Compile(set, engine.Options{})
				return t != nil && !ds.HasErrors() && t.Resolve("", "/a", "").Match, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	})
}
