package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

func init() {
	register(&command{name: "check", summary: "report every problem in a rules file", run: runCheck})
}

const checkUsage = `Usage: signpost check [flags] [FILE]

Checks a rules file (FILE, or --rules FILE; default redirects.json; - for
standard input) the way every other command loads it, and reports every
problem at once:

  FILE:LINE:COL: error: message
  	hint: what to do, when it is known

then a summary line. Warnings (such as a chain of redirects) do not fail the
check. With --site, the rules are also checked against the built site: a
source that hides one of its pages is a warning, a target on the site that is
not in it an error.

Exit status: 0 when there is no error (warnings allowed), 1 when there is
one, 2 for a usage error.

Examples:
  signpost check
  signpost check examples/site/redirects.json --site examples/site/public
  signpost check --format github redirects.json
  signpost check --json | jq '.[] | select(.severity == "error")'
  git show :redirects.json | signpost check -      # the staged file

Flags:
`

func runCheck(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("check")
	rulesFile := fs.String("rules", "", "the rules `FILE` (the same as giving FILE)")
	siteDir := fs.String("site", "", "the built site's `DIR` (what is uploaded to S3), to check the rules against")
	format := fs.String("format", "text", "`FORMAT` of the output: text, json (an array of diagnostics) or github (GitHub Actions annotations)")
	asJSON := fs.Bool("json", false, "the same as --format json")
	caseInsensitive := fs.Bool("case-insensitive", false, "match paths regardless of case, as the site is served")
	fs.Usage = func() {}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "check", checkUsage, fs, err)
	}
	if *asJSON {
		*format = "json"
	}
	switch *format {
	case "text", "json", "github":
	default:
		return usageError(env, fmt.Errorf("unknown format %q", *format), "use text, json or github")
	}
	file := *rulesFile
	switch {
	case len(pos) > 1 || (len(pos) == 1 && file != ""):
		return usageError(env, errors.New("check takes one rules file"), "signpost check [flags] [FILE]")
	case len(pos) == 1:
		file = pos[0]
	case file == "":
		file = "redirects.json"
	}
	if *siteDir != "" {
		if fi, err := os.Stat(*siteDir); err != nil || !fi.IsDir() {
			return usageError(env, fmt.Errorf("--site %s is not a directory", *siteDir), "give the directory of the built site")
		}
	}

	opts := engine.Options{CaseInsensitive: *caseInsensitive}
	var c *signpost.Compiled
	if file == "-" {
		// Standard input, such as the staged file in a pre-commit hook.
		data, err := io.ReadAll(io.LimitReader(env.Stdin, rules.MaxFileSize+1))
		if err != nil {
			fmt.Fprintf(env.Stderr, "signpost: error: reading standard input: %v\n", err)
			return exitFailure
		}
		c = signpost.Compile("<stdin>", data, opts)
		file = "<stdin>"
	} else {
		c = signpost.Load(file, opts)
	}
	ds := c.Diagnostics
	if *siteDir != "" && c.Table != nil {
		more, err := checkSite(c.Table, os.DirFS(*siteDir))
		if err != nil {
			fmt.Fprintf(env.Stderr, "signpost: error: reading the site: %v\n", err)
			return exitFailure
		}
		ds = append(ds, more...)
		rules.SortDiagnostics(ds)
	}

	var err2 error
	switch *format {
	case "json":
		err2 = writeDiagnosticsJSON(env.Stdout, ds)
	case "github":
		writeDiagnosticsGitHub(env.Stdout, ds)
		fmt.Fprintln(env.Stdout, checkSummary(file, c.Set, ds))
	default:
		for _, d := range ds {
			fmt.Fprintln(env.Stdout, d.String())
		}
		if *siteDir != "" && c.Table == nil && c.Set != nil {
			fmt.Fprintln(env.Stdout, "the site was not checked: fix the errors first")
		}
		fmt.Fprintln(env.Stdout, checkSummary(file, c.Set, ds))
	}
	if err2 != nil {
		fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err2)
		return exitFailure
	}
	if ds.HasErrors() {
		return exitProblems
	}
	return exitOK
}

// checkSummary is the last line of check's text output. The rules are
// counted only when there is no error: a rule with an error is not one.
func checkSummary(file string, set *rules.Set, ds rules.Diagnostics) string {
	errs := len(ds.Errors())
	warns := len(ds) - errs
	switch {
	case errs > 0:
		return fmt.Sprintf("%s: %s, %s", file, countOf(errs, "error"), countOf(warns, "warning"))
	case warns > 0:
		return fmt.Sprintf("%s: %s, no errors, %s", file, countOf(len(set.Rules), "rule"), countOf(warns, "warning"))
	}
	return fmt.Sprintf("%s: ok, %s", file, countOf(len(set.Rules), "rule"))
}

func countOf(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// diagnosticJSON is one element of check --json's array.
type diagnosticJSON struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Col      int    `json:"col,omitempty"`
	Offset   int    `json:"offset"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

// writeDiagnosticsJSON writes ds as a JSON array, one diagnostic per line.
func writeDiagnosticsJSON(w io.Writer, ds rules.Diagnostics) error {
	var b strings.Builder
	b.WriteString("[")
	for i, d := range ds {
		line, err := json.Marshal(diagnosticJSON{File: d.File, Line: d.Pos.Line, Col: d.Pos.Col, Offset: d.Pos.Offset,
			Severity: d.Severity.String(), Code: d.Code, Message: d.Message, Hint: d.Hint})
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		b.Write(line)
	}
	if len(ds) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeDiagnosticsGitHub writes ds as GitHub Actions workflow commands,
// which the pull request shows on the lines they name.
func writeDiagnosticsGitHub(w io.Writer, ds rules.Diagnostics) {
	for _, d := range ds {
		props := "file=" + escapeGitHubProperty(d.File)
		if d.Pos.IsValid() {
			props += fmt.Sprintf(",line=%d,col=%d", d.Pos.Line, d.Pos.Col)
		}
		props += ",title=" + escapeGitHubProperty("signpost "+d.Code)
		msg := d.Message
		if d.Hint != "" {
			msg += "\nhint: " + d.Hint
		}
		fmt.Fprintf(w, "::%s %s::%s\n", d.Severity, props, escapeGitHubData(msg))
	}
}

// escapeGitHubData escapes a workflow command's message.
func escapeGitHubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeGitHubProperty escapes a workflow command's property value.
func escapeGitHubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
