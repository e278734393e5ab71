package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseArgs parses the flags of fs wherever they are among args, so that
// "signpost explain /jobs --json" means "signpost explain --json /jobs", and
// returns the other arguments in order. "--" ends the flags; "-" (standard
// input) is an argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// newFlagSet returns a FlagSet that reports nothing itself: the caller
// prints errors in signpost's format (see flagError).
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// flagError reports a flag parsing error and returns the exit code: usage
// text on standard output for -h, an error and a hint otherwise.
func flagError(env *Env, name, usageText string, fs *flag.FlagSet, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(env.Stdout, usageText)
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		return exitOK
	}
	fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
	fmt.Fprintf(env.Stderr, "hint: run 'signpost %s -h' for its flags and examples\n", name)
	return exitUsage
}

// printError writes "signpost: error: ..." and an optional hint.
func printError(env *Env, hint, format string, args ...any) {
	fmt.Fprintf(env.Stderr, "signpost: error: "+format+"\n", args...)
	if hint != "" {
		fmt.Fprintf(env.Stderr, "hint: %s\n", hint)
	}
}

// usageError reports a misuse of a command with an optional hint and
// returns exitUsage.
func usageError(env *Env, err error, hint string) int {
	printError(env, hint, "%v", err)
	return exitUsage
}
