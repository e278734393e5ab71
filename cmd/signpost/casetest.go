package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
	"github.com/tailscale/hujson"
)

func init() {
	register(&command{name: "test", summary: "run the expectation cases kept next to the rules", run: runTest})
}

const testUsage = `Usage: signpost test [--rules FILE] [--json] [-v] [--case-insensitive] CASES.json

Test runs the cases a site keeps next to its rules through the same engine
as every other command, and fails with a readable difference when a URL
does not get what its case expects. The cases file is a JSON array
(comments and trailing commas allowed) of objects:

  [
    { "url": "/jobs?ref=home", "status": 301, "location": "https://jobs.example.com/?ref=home" },
    { "url": "https://old.example.com/pricing", "status": 301, "location": "https://example.com/pricing/" },
    { "url": "/webinar-2019", "status": 410 },
    { "url": "/pricing/", "status": 200, "note": "a page: no redirect" }
  ]

"status" 200 means no rule matches and the site serves the page; a
redirect (301, 302, 303, 307, 308) needs its "location"; 410 has none.
"note" is free text shown when the case fails.

The rules file defaults to redirects.json in the cases file's directory.

Exit status: 0 when every case passes, 1 when one fails or a file has
errors, 2 for usage errors.

Examples:
  signpost test cases.json
  signpost test --rules site/redirects.json site/cases.json
  signpost test --json cases.json

Flags:
`

type testFlags struct {
	rules           string
	json            bool
	verbose         bool
	caseInsensitive bool
}

func runTest(ctx context.Context, env *Env, args []string) int {
	var f testFlags
	fs := newFlagSet("test")
	fs.StringVar(&f.rules, "rules", "", "the rules `FILE` (default: redirects.json beside CASES.json)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object per case, then a summary object")
	fs.BoolVar(&f.verbose, "v", false, "list passing cases too")
	fs.BoolVar(&f.caseInsensitive, "case-insensitive", false, "match paths regardless of case")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "test", testUsage, fs, err)
	}
	if len(pos) != 1 {
		return usageError(env, fmt.Errorf("want one cases file, got %d arguments", len(pos)), "signpost test cases.json")
	}
	casesFile := pos[0]
	if f.rules == "" {
		f.rules = filepath.Join(filepath.Dir(casesFile), "redirects.json")
	}
	cases := loadCases(env, casesFile, "no case was run")
	if cases == nil {
		return exitProblems
	}
	c, code := loadRules(env, f.rules, engine.Options{CaseInsensitive: f.caseInsensitive}, "resolved", countWarnings)
	if c == nil {
		return code
	}

	r := &caseRunner{table: c.Table, rulesFile: c.Set.File, out: env.Stdout, json: f.json, verbose: f.verbose}
	for _, tc := range cases {
		if ctx.Err() != nil {
			return exitFailure
		}
		r.run(tc)
	}
	r.summary()
	if r.failed > 0 {
		return exitProblems
	}
	return exitOK
}

// caseFields are the fields of a case.
var caseFields = []string{"url", "status", "location", "note"}

// testCase is one expectation from a cases file.
type testCase struct {
	where    string // FILE:LINE:COL of the case
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location"`
	Note     string `json:"note"`
	hasLoc   bool
}

// loadCases reads the cases file at path the one way test and verify do.
// On a problem it prints each at its line and column, then says what was
// left undone ("no case was run"), and returns nil.
func loadCases(env *Env, path, undone string) []testCase {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
		return nil
	}
	cases, ds := parseCases(path, data)
	if len(ds) > 0 {
		for _, d := range ds {
			fmt.Fprintln(env.Stderr, d.String())
		}
		fmt.Fprintf(env.Stderr, "signpost: error: %s has %s; %s\n", path, countOf(len(ds), "error"), undone)
		return nil
	}
	return cases
}

// parseCases reads a cases file and reports every problem in it at once,
// each at its line and column.
func parseCases(file string, data []byte) ([]testCase, rules.Diagnostics) {
	var ds rules.Diagnostics
	report := func(off int, format string, args ...any) {
		ds = append(ds, rules.Diagnostic{File: file, Pos: offsetPos(data, off), Severity: rules.Error, Code: "case", Message: fmt.Sprintf(format, args...)})
	}
	hint := func(h string) { ds[len(ds)-1].Hint = h }

	v, err := hujson.Parse(data)
	if err != nil {
		var line, col int
		msg := err.Error()
		if n, _ := fmt.Sscanf(msg, "hujson: line %d, column %d:", &line, &col); n == 2 {
			_, msg, _ = strings.Cut(msg, ": ")
			_, msg, _ = strings.Cut(msg, ": ")
			ds = append(ds, rules.Diagnostic{File: file, Pos: rules.Pos{Line: line, Col: col}, Severity: rules.Error, Code: "syntax", Message: msg})
		} else {
			ds = append(ds, rules.Diagnostic{File: file, Severity: rules.Error, Code: "syntax", Message: msg})
		}
		return nil, ds
	}
	arr, ok := v.Value.(*hujson.Array)
	if !ok {
		report(v.StartOffset, "the cases file must be a JSON array of cases")
		hint(`[ { "url": "/jobs", "status": 301, "location": "https://jobs.example.com/" } ]`)
		return nil, ds
	}
	var cases []testCase
	for _, el := range arr.Elements {
		obj, ok := el.Value.(*hujson.Object)
		if !ok {
			report(el.StartOffset, "a case must be an object with \"url\" and \"status\"")
			continue
		}
		tc := testCase{where: filePos(file, offsetPos(data, el.StartOffset))}
		errsBefore := len(ds)
		seen := map[string]bool{}
		var hasURL, hasStatus bool
		for _, m := range obj.Members {
			var name string
			_ = json.Unmarshal(m.Name.Value.(hujson.Literal), &name)
			if seen[name] {
				report(m.Name.StartOffset, "%q is given twice in this case", name)
				continue
			}
			seen[name] = true
			lit, _ := m.Value.Value.(hujson.Literal)
			var err error
			switch name {
			case "url":
				hasURL = true
				if err = unmarshalKind(lit, &tc.URL, kindString); err == nil {
					if _, _, _, err = splitURL(tc.URL); err != nil {
						report(m.Value.StartOffset, "%v", err)
						hint(`a URL is a path starting with "/" (with an optional ?query) or a full http(s) URL`)
						continue
					}
				}
			case "status":
				hasStatus = true
				if err = unmarshalKind(lit, &tc.Status, kindNumber); err == nil && tc.Status != 200 && !slices.Contains(rules.Statuses, tc.Status) {
					report(m.Value.StartOffset, "status %d is not one a rule can give", tc.Status)
					hint("use 200 (no redirect: the site serves the page), 301, 302, 303, 307, 308 or 410")
					continue
				}
			case "location":
				tc.hasLoc = true
				err = unmarshalKind(lit, &tc.Location, kindString)
			case "note":
				err = unmarshalKind(lit, &tc.Note, kindString)
			default:
				report(m.Name.StartOffset, "unknown field %q", name)
				if s := rules.Closest(name, caseFields); s != "" {
					hint(fmt.Sprintf("did you mean %q?", s))
				} else {
					hint("a case has the fields url, status, location and note")
				}
				continue
			}
			if err != nil {
				report(m.Value.StartOffset, "%q %v", name, err)
			}
		}
		switch {
		case len(ds) > errsBefore:
			// One problem per field is enough.
		case !hasURL:
			report(el.StartOffset, "this case has no \"url\"")
		case !hasStatus:
			report(el.StartOffset, "the case for %s has no \"status\"", tc.URL)
			hint("200 when the page is served without a redirect")
		case tc.Status == 410 || tc.Status == 200:
			if tc.hasLoc {
				report(el.StartOffset, "the case for %s expects status %d, which has no \"location\"", tc.URL, tc.Status)
			}
		case !tc.hasLoc || tc.Location == "":
			report(el.StartOffset, "the case for %s expects a redirect but no \"location\"", tc.URL)
			hint(`add the target, e.g. "location": "/new-page"`)
		}
		cases = append(cases, tc)
	}
	if len(ds) == 0 && len(cases) == 0 {
		report(v.StartOffset, "the cases file has no cases")
	}
	return cases, ds
}

// unmarshalKind decodes a JSON literal of the wanted kind into v.
func unmarshalKind(lit hujson.Literal, v any, kind hujson.Kind) error {
	if lit == nil || lit.Kind() != kind {
		if kind == kindNumber {
			return fmt.Errorf("must be a number")
		}
		return fmt.Errorf("must be a string")
	}
	if err := json.Unmarshal(lit, v); err != nil {
		return fmt.Errorf("must be a whole number")
	}
	return nil
}

// offsetPos converts a byte offset in data to a line and a column counted
// in characters.
func offsetPos(data []byte, off int) rules.Pos {
	off = min(off, len(data))
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	return rules.Pos{Line: 1 + bytes.Count(data[:off], []byte{'\n'}), Col: 1 + utf8.RuneCount(data[lineStart:off]), Offset: off}
}

// caseRunner runs cases and writes their results.
type caseRunner struct {
	table          *engine.Table
	rulesFile      string
	out            io.Writer
	json           bool
	verbose        bool
	passed, failed int
}

type caseAnswer struct {
	Status   int    `json:"status"`
	Location string `json:"location,omitempty"`
	Rule     string `json:"rule,omitempty"`
	RuleAt   string `json:"ruleAt,omitempty"`
}

type caseResult struct {
	Case string     `json:"case"`
	URL  string     `json:"url"`
	Pass bool       `json:"pass"`
	Want caseAnswer `json:"want"`
	Got  caseAnswer `json:"got"`
	Note string     `json:"note,omitempty"`
}

func (r *caseRunner) run(tc testCase) {
	host, path, query, _ := splitURL(tc.URL) // checked when parsing
	d := r.table.Resolve(host, path, query)
	res := caseResult{Case: tc.where, URL: tc.URL, Want: caseAnswer{Status: tc.Status, Location: tc.Location}, Note: tc.Note}
	res.Got.Status = 200
	if d.Match {
		res.Got = caseAnswer{Status: d.Status, Location: d.Location}
		if d.Rule != nil {
			res.Got.Rule = d.Rule.Source
			res.Got.RuleAt = filePos(r.rulesFile, d.Rule.KeyPos)
		}
	}
	res.Pass = res.Got.Status == res.Want.Status && res.Got.Location == res.Want.Location
	if res.Pass {
		r.passed++
	} else {
		r.failed++
	}
	if r.json {
		b, _ := json.Marshal(res)
		fmt.Fprintf(r.out, "%s\n", b)
		return
	}
	if res.Pass {
		if r.verbose {
			fmt.Fprintf(r.out, "ok   %s: %s\n", res.Case, res.URL)
		}
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s: %s\n", res.Case, res.URL)
	want, got := describeAnswer(res.Want), describeAnswer(res.Got)
	fmt.Fprintf(&b, "  want: %s\n", want)
	fmt.Fprintf(&b, "  got:  %s\n", got)
	if res.Want.Status == res.Got.Status && res.Want.Location != "" && res.Got.Location != "" {
		// Point at the first character that differs.
		i := 0
		for i < len(want) && i < len(got) && want[i] == got[i] {
			i++
		}
		fmt.Fprintf(&b, "        %s^ differs here\n", strings.Repeat(" ", utf8.RuneCountInString(want[:i])))
	}
	if res.Got.Rule != "" {
		fmt.Fprintf(&b, "  rule: %s at %s\n", strconv.Quote(res.Got.Rule), res.Got.RuleAt)
	}
	if res.Note != "" {
		fmt.Fprintf(&b, "  note: %s\n", res.Note)
	}
	io.WriteString(r.out, b.String())
}

func describeAnswer(a caseAnswer) string {
	switch {
	case a.Status == 200:
		return "200 (no redirect: the site serves the page)"
	case a.Location == "":
		return fmt.Sprintf("%d %s", a.Status, rules.StatusText(a.Status))
	}
	return fmt.Sprintf("%d %s", a.Status, a.Location)
}

func (r *caseRunner) summary() {
	if r.json {
		fmt.Fprintf(r.out, "{\"passed\":%d,\"failed\":%d}\n", r.passed, r.failed)
		return
	}
	fmt.Fprintf(r.out, "%d passed, %d failed\n", r.passed, r.failed)
}

// The kinds of JSON literal a case's fields take (hujson.Kind values).
const (
	kindString hujson.Kind = '"'
	kindNumber hujson.Kind = '0'
)
