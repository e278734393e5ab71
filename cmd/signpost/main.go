// Command signpost validates, explains, tests, serves, builds and deploys
// server-side redirects for static websites.
//
// Each subcommand lives in its own file and registers itself in init; this
// file only dispatches.
package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/signposthq/signpost/rules"
)

// Exit codes, the same for every subcommand.
const (
	exitOK       = 0 // success; for check, no errors
	exitProblems = 1 // the rules have errors, a test failed, live redirects differ
	exitUsage    = 2 // bad flags or arguments
	exitFailure  = 3 // an outside system failed (S3, CloudFront, the network)
)

// Env is what a subcommand may touch of the outside world, so tests can run
// it in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// command is one subcommand.
type command struct {
	name    string
	summary string // one line, for the command list
	// run gets the arguments after the subcommand's name and returns an
	// exit code.
	run func(ctx context.Context, env *Env, args []string) int
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("signpost: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		usage(env.Stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		usage(env.Stdout)
		return exitOK
	case "-version", "--version", "version":
		fmt.Fprintln(env.Stdout, "signpost", version())
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "signpost: error: unknown command %q\n", name)
		if s := closest(name); s != "" {
			fmt.Fprintf(env.Stderr, "hint: did you mean %q?\n", s)
		}
		fmt.Fprintln(env.Stderr, "run 'signpost help' for the list of commands")
		return exitUsage
	}
	return c.run(ctx, env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprint(w, `signpost: server-side redirects for static websites

Usage: signpost <command> [flags] [arguments]

Commands:
`)
	for _, n := range slices.Sorted(maps.Keys(commands)) {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run 'signpost <command> -h' for a command's flags and examples.
`)
}

// closest returns the registered command nearest to name, if it is near.
func closest(name string) string {
	return rules.Closest(name, slices.Sorted(maps.Keys(commands)))
}
