package main

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
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
	})
}
