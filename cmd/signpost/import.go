package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/formats"
	"github.com/signposthq/signpost/rules"
)

func init() {
	register(&command{name: "import", summary: "convert redirects from Netlify, a spreadsheet, S3 routing rules or meta refresh pages", run: runImport})
}

const importUsage = `Usage: signpost import --from FORMAT [-o FILE] [--strict] [--json] PATH

Reads redirects in another form and writes them as a redirects.json (to
standard output, or to FILE with -o). What could not be carried over is
listed on standard error with its file and line, and why.

Formats:
  netlify            a Netlify (or Cloudflare Pages) _redirects file; the
                     imported rules behave as they did on Netlify, which
                     applies the first rule that matches
  csv                a spreadsheet saved as CSV, with a header row naming
                     the columns from, to and status (optional: query, note)
  s3-routing-rules   S3 website routing rules: the XML from the console or
                     get-bucket-website, or their JSON
  meta-refresh       a built site (a directory) whose pages send visitors
                     on with <meta http-equiv="refresh" content="0; url=...">

Exit status: 0 when the rules were written, 1 with --strict when something
was dropped, 2 for usage errors, 3 when PATH cannot be read.

Examples:
  signpost import --from netlify public/_redirects -o redirects.json
  signpost import --from csv redirects.csv > redirects.json
  signpost import --from s3-routing-rules routing-rules.xml -o redirects.json
  signpost import --from meta-refresh _site -o redirects.json --strict

Flags:
`

var importFormats = []string{"netlify", "csv", "s3-routing-rules", "meta-refresh"}

func runImport(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("import")
	from := fs.String("from", "", "the `FORMAT` of PATH: netlify, csv, s3-routing-rules or meta-refresh (required)")
	out := fs.String("o", "", "write the redirects.json to `FILE` instead of standard output")
	strict := fs.Bool("strict", false, "exit 1 when anything was not carried over")
	asJSON := fs.Bool("json", false, "with -o, print the report as JSON on standard output")
	fs.Usage = func() {}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "import", importUsage, fs, err)
	}
	if *from == "" {
		printError(env, "signpost import --from netlify _redirects", "--from is required: one of %s", choiceList(importFormats))
		return exitUsage
	}
	if !slices.Contains(importFormats, *from) {
		printError(env, "", "unknown format %q for --from: one of %s", *from, choiceList(importFormats))
		return exitUsage
	}
	if len(pos) != 1 {
		printError(env, "signpost import --from "+*from+" PATH", "import needs one PATH to read, got %d", len(pos))
		return exitUsage
	}
	if *asJSON && *out == "" {
		printError(env, "add -o redirects.json", "--json prints the report on standard output, so the rules need -o FILE")
		return exitUsage
	}
	path := pos[0]
	imp, err := readImport(*from, path)
	if err != nil {
		printError(env, "", "%v", err)
		return exitFailure
	}
	warnings, err := imp.Check(func(name string, data []byte) rules.Diagnostics {
		return signpost.Compile(name, data, engine.Options{}).Diagnostics
	})
	if err != nil {
		printError(env, "", "%v", err)
		return exitFailure
	}
	data := imp.WriteJSON()
	if *out == "" {
		env.Stdout.Write(data)
	} else if err := writeFileAtomic(*out, data); err != nil {
		printError(env, "", "cannot write the rules: %v", err)
		return exitFailure
	}
	if *asJSON {
		writeImportJSON(env, imp, warnings, *out)
	} else {
		for _, d := range imp.Dropped {
			fmt.Fprintln(env.Stderr, d.String())
		}
		for _, w := range warnings {
			fmt.Fprintln(env.Stderr, w.Warning())
		}
		for _, n := range imp.Notices {
			fmt.Fprintf(env.Stderr, "note: %s\n", n)
		}
		where := "standard output"
		if *out != "" {
			where = *out
		}
		fmt.Fprintf(env.Stderr, "signpost: imported %d rules to %s; %d not carried over\n", len(imp.Set.Rules), where, len(imp.Dropped))
	}
	if *strict && len(imp.Dropped) > 0 {
		printError(env, "fix the lines above, or leave out --strict to accept the loss", "%d entries of %s were not carried over", len(imp.Dropped), path)
		return exitProblems
	}
	return exitOK
}

// readImport runs the importer for a format.
func readImport(from, path string) (*formats.Imported, error) {
	if from == "meta-refresh" {
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("%s is not a directory: meta-refresh reads a built site", path)
		}
		return formats.ImportMetaRefresh(path, os.DirFS(path))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch from {
	case "netlify":
		return formats.ImportNetlify(path, data)
	case "csv":
		return formats.ImportCSV(path, data)
	default:
		return formats.ImportS3RoutingRules(path, data)
	}
}

func writeImportJSON(env *Env, imp *formats.Imported, warnings []formats.Dropped, out string) {
	type entry struct {
		File   string `json:"file"`
		Line   int    `json:"line,omitempty"`
		Source string `json:"source,omitempty"`
		Reason string `json:"reason"`
	}
	conv := func(ds []formats.Dropped) []entry {
		list := []entry{}
		for _, d := range ds {
			list = append(list, entry{d.File, d.Line, d.Source, d.Reason})
		}
		return list
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]any{
		"written":  out,
		"rules":    len(imp.Set.Rules),
		"dropped":  conv(imp.Dropped),
		"warnings": conv(warnings),
		"notices":  append([]string{}, imp.Notices...),
	})
}
