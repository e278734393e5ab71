package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/signposthq/signpost/rules"
)

// parseFlagsAnywhere parses flags that may come before, between or after
// the positional arguments (signpost import PATH --from netlify), and
// returns the positional ones. "--" ends the flags.
func parseFlagsAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// writeFileAtomic writes data to path through a temporary file renamed
// over it, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// printDiagnostics writes a rules file's problems, errors first as
// compilers do.
func printDiagnostics(w io.Writer, ds rules.Diagnostics) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}

// errorf writes "signpost: error: ..." and an optional hint.
func errorf(env *Env, hint, format string, args ...any) {
	fmt.Fprintf(env.Stderr, "signpost: error: "+format+"\n", args...)
	if hint != "" {
		fmt.Fprintf(env.Stderr, "hint: %s\n", hint)
	}
}

// oneOf reports whether s is among the choices, and lists them.
func oneOf(s string, choices []string) (bool, string) {
	for _, c := range choices {
		if s == c {
			return true, ""
		}
	}
	return false, strings.Join(choices, ", ")
}
