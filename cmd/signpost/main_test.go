package main

import (
	"errors"
	"flag"
	"os/exec"
	"path/filepath"
	"strconv"
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
// Beyond testscript's own commands, "exits N CMD ARGS..." runs CMD and
// checks that its exit status is N.
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
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"exits": exits},
	})
}

// exits is the script command "exits N CMD ARGS...": it runs CMD and
// checks that its exit status is N, where "! exec" checks only that it is
// not 0.
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N command [args...]")
	}
	err := ts.Exec(args[1], args[2:]...)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if strconv.Itoa(code) != args[0] {
		ts.Fatalf("%s exited with status %d, want %s", args[1], code, args[0])
	}
}
