package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/formats"
	"github.com/signposthq/signpost/rules"
)

func init() {
	register(&command{name: "export", summary: "write the rules for nginx, Apache, Caddy, Netlify, Cloudflare or S3", run: runExport})
}

const exportUsage = `Usage: signpost export --to FORMAT [--rules FILE] [-o FILE] [--host HOST]

Writes the rules for another server or service, with the engine's meaning
where the target can express it: one trailing slash ignored, exact rules
before patterns, the longest literal prefix first, the query string kept
unless a rule drops it, chains of fixed targets served in one hop. Each rule
the target cannot express is named on standard error, and the exit status
is 1.

Formats:
  nginx                 locations to include in a server block
  apache                mod_rewrite rules (virtual host or .htaccess)
  caddy                 a route block to import in a Caddyfile site
  netlify               a _redirects file
  cloudflare-bulk-csv   a Bulk Redirect List (needs --host)
  s3-routing-rules      S3 website routing rules XML (at most 50)

Exit status: 0 when every rule was written, 1 when the rules file has
errors or a rule could not be written, 2 for usage errors.

Examples:
  signpost export --to nginx -o /etc/nginx/snippets/redirects.conf
  signpost export --to cloudflare-bulk-csv --host www.example.com > bulk.csv
  signpost export --to s3-routing-rules --rules site/redirects.json

Flags:
`

var exporters = map[string]func(*rules.Set, formats.ExportOptions) ([]byte, []formats.Problem){
	"nginx":               formats.ExportNginx,
	"apache":              formats.ExportApache,
	"caddy":               formats.ExportCaddy,
	"netlify":             formats.ExportNetlify,
	"cloudflare-bulk-csv": formats.ExportCloudflareBulkCSV,
	"s3-routing-rules":    formats.ExportS3RoutingRules,
}

var exportFormats = []string{"nginx", "apache", "caddy", "netlify", "cloudflare-bulk-csv", "s3-routing-rules"}

func runExport(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("export")
	to := fs.String("to", "", "the `FORMAT` to write (required)")
	rulesFile := fs.String("rules", "redirects.json", "the rules `FILE`")
	out := fs.String("o", "", "write to `FILE` instead of standard output")
	host := fs.String("host", "", "the site's `HOST` name, for formats that need full URLs")
	caseInsensitive := fs.Bool("case-insensitive", false, "match paths regardless of case, as the site is served (nginx, apache and caddy)")
	fs.Usage = func() {}
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "export", exportUsage, fs, err)
	}
	if len(pos) > 0 {
		printError(env, "give the rules file with --rules FILE", "export takes no arguments, got %q", pos[0])
		return exitUsage
	}
	if *to == "" {
		printError(env, "signpost export --to nginx", "--to is required: one of %s", choiceList(exportFormats))
		return exitUsage
	}
	export, ok := exporters[*to]
	if !ok {
		printError(env, "", "unknown format %q for --to: one of %s", *to, choiceList(exportFormats))
		return exitUsage
	}
	c, code := loadRules(env, *rulesFile, engine.Options{CaseInsensitive: *caseInsensitive}, "exported", countWarnings)
	if c == nil {
		return code
	}
	data, probs := export(c.Set, formats.ExportOptions{Table: c.Table, Host: *host, CaseInsensitive: *caseInsensitive})
	if *out == "" {
		env.Stdout.Write(data)
	} else if err := writeFileAtomic(*out, data); err != nil {
		printError(env, "", "cannot write %s: %v", *out, err)
		return exitFailure
	}
	slices.SortStableFunc(probs, func(a, b formats.Problem) int { return a.Line - b.Line })
	for _, p := range probs {
		fmt.Fprintln(env.Stderr, p.String())
	}
	if formats.HasErrors(probs) {
		n := 0
		for _, p := range probs {
			if !p.Warning {
				n++
			}
		}
		printError(env, "", "%d of %d rules cannot be expressed for %s and were left out", n, len(c.Set.Rules), *to)
		return exitProblems
	}
	return exitOK
}
