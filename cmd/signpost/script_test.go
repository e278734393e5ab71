package main

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run signpost as a command, in-process.
func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"signpost": func() int {
			return run(context.Background(), &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
		},
	}))
}

// TestScripts runs the end-to-end scripts in testdata/script/*.txtar. A script
// may ask for Node.js with the condition [node].
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Condition: func(cond string) (bool, error) {
			if cond == "node" {
				_, err := exec.LookPath("node")
				return err == nil, nil
			}
			return false, nil
		},
	})
}
