package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/signposthq/signpost/deploy"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

func init() {
	register(&command{name: "build", summary: "generate the CloudFront edge function for the rules", run: runBuild})
}

const buildUsage = `Usage: signpost build --target lambda-edge|cloudfront-function [flags]

Writes a deployable edge function that applies the rules at CloudFront.

  lambda-edge          DIR/NAME.zip for Lambda@Edge (nodejs22.x or nodejs20.x,
                       handler index.handler), the rules bundled inside, or read
                       from S3 with --rules-from (then DIR/NAME-table.json is the
                       object to upload there)
  cloudfront-function  DIR/NAME.js for CloudFront Functions (cloudfront-js-2.0,
                       viewer-request), the rules embedded when they fit in
                       10 KB, otherwise DIR/NAME-kvs.json for a KeyValueStore

Exit status: 0 when the files are written, 1 when the rules have errors or
do not fit CloudFront's limits (the message names the limit and the rule), 2
for usage errors, 3 when the files cannot be written.

Examples:
  signpost build --target lambda-edge --out dist
  signpost build --target lambda-edge --trigger viewer-request --rules site/redirects.json
  signpost build --target lambda-edge --rules-from s3://my-bucket/config/redirects.table.json
  signpost build --target cloudfront-function --viewer-response --header 'X-Content-Type-Options: nosniff'

Flags:
`

func runBuild(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("build")
	target := fs.String("target", "", "`lambda-edge` or cloudfront-function")
	rulesPath := fs.String("rules", "redirects.json", "the rules `file`")
	out := fs.String("out", "dist", "the `directory` to write to")
	name := fs.String("name", "signpost-redirects", "the function's `name` (file names start with it)")
	trigger := fs.String("trigger", string(edge.OriginResponse), "lambda-edge: `origin-response` or viewer-request")
	rulesFrom := fs.String("rules-from", "", "lambda-edge: read the compiled rules from `s3://bucket/key` instead of bundling them")
	region := fs.String("s3-region", "us-east-1", "with --rules-from: the bucket's `region`")
	endpoint := fs.String("s3-endpoint", "", "with --rules-from: a custom S3 `URL` (path-style addressing)")
	refresh := fs.Duration("refresh", 60*time.Second, "with --rules-from: ask S3 for changes at most this `often`")
	s3Timeout := fs.Duration("s3-timeout", 2*time.Second, "with --rules-from: give up on one S3 request after this `long`")
	fallback := fs.Bool("fallback", false, "with --rules-from: also bundle the rules, served by a container that cannot read S3 when it starts")
	useKVS := fs.Bool("kvs", false, "cloudfront-function: put the exact rules in a KeyValueStore even if they fit")
	viewerResponse := fs.Bool("viewer-response", false, "cloudfront-function: also write NAME-viewer-response.js, adding the security headers to every response")
	caseInsensitive := fs.Bool("case-insensitive", false, "match paths without regard to case")
	debugHeader := fs.Bool("debug-header", false, "add X-Signpost-Rule, the index of the rule that answered, to redirects")
	jsonOut := fs.Bool("json", false, "print what was written as JSON")
	var hf headerFlags
	hf.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "build", buildUsage, fs, err)
	}
	if len(pos) > 0 {
		return usageError(env, fmt.Errorf("unexpected argument %q", pos[0]), "the rules file is given with --rules FILE")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	policy, err := hf.policy()
	if err != nil {
		return usageError(env, err, "")
	}
	if *name == "" || strings.ContainsAny(*name, `/\`) {
		return usageError(env, fmt.Errorf("--name %q must be a plain file name", *name), "")
	}
	res := buildResult{Target: *target}
	switch *target {
	case "lambda-edge":
		if set["kvs"] || set["viewer-response"] {
			return usageError(env, errors.New("--kvs and --viewer-response apply to --target cloudfront-function"), "")
		}
		trig, ok := edge.ParseTrigger(*trigger)
		if !ok {
			return usageError(env, fmt.Errorf("--trigger %q is not origin-response or viewer-request", *trigger), "")
		}
		res.Trigger = string(trig)
		opts := jsgen.LambdaOptions{Trigger: trig, Headers: policy, DebugHeader: *debugHeader}
		var table *engine.Table
		if *rulesFrom != "" {
			src, err := jsgen.ParseS3URL(*rulesFrom)
			if err != nil {
				return usageError(env, fmt.Errorf("--rules-from: %v", err), "")
			}
			if *refresh < time.Second {
				return usageError(env, fmt.Errorf("--refresh %v is under a second", *refresh), "each container asks S3 at most this often; 60s is the default")
			}
			if *s3Timeout <= 0 {
				return usageError(env, fmt.Errorf("--s3-timeout %v must be positive", *s3Timeout), "")
			}
			src.Region, src.Endpoint, src.Refresh, src.Timeout, src.Fallback = *region, *endpoint, *refresh, *s3Timeout, *fallback
			opts.Source = src
			res.RulesFrom = *rulesFrom
			// The table for S3 is written too when there is a rules file.
			if _, err := os.Stat(*rulesPath); err == nil || set["rules"] || *fallback {
				if table = loadForBuild(env, *rulesPath, *caseInsensitive); table == nil {
					return exitProblems
				}
			}
		} else {
			for _, f := range []string{"s3-region", "s3-endpoint", "refresh", "s3-timeout", "fallback"} {
				if set[f] {
					return usageError(env, fmt.Errorf("--%s applies only with --rules-from s3://bucket/key", f), "")
				}
			}
			if table = loadForBuild(env, *rulesPath, *caseInsensitive); table == nil {
				return exitProblems
			}
		}
		if table != nil {
			res.Rules = len(table.Rules().Rules)
			warnHostRules(env, table.Rules(), trig)
		}
		z, err := jsgen.LambdaEdgeZip(table, opts)
		if err != nil {
			return buildFailed(env, err)
		}
		if err := res.write(*out, *name+".zip", z); err != nil {
			return writeFailed(env, err)
		}
		if opts.Source != nil && table != nil {
			t, err := jsgen.TableJSON(table)
			if err != nil {
				return buildFailed(env, err)
			}
			if err := res.write(*out, *name+"-table.json", t); err != nil {
				return writeFailed(env, err)
			}
		}
	case "cloudfront-function":
		for _, f := range []string{"trigger", "rules-from", "s3-region", "s3-endpoint", "refresh", "s3-timeout", "fallback"} {
			if set[f] {
				return usageError(env, fmt.Errorf("--%s applies to --target lambda-edge", f), "a CloudFront Function always runs on viewer-request")
			}
		}
		table := loadForBuild(env, *rulesPath, *caseInsensitive)
		if table == nil {
			return exitProblems
		}
		res.Trigger, res.Rules = string(edge.ViewerRequest), len(table.Rules().Rules)
		code, kvs, err := jsgen.CloudFrontFunction(table, jsgen.FunctionOptions{Headers: policy, KVS: *useKVS, DebugHeader: *debugHeader})
		if err != nil {
			return buildFailed(env, err)
		}
		if err := res.write(*out, *name+".js", code); err != nil {
			return writeFailed(env, err)
		}
		kvsPath := filepath.Join(*out, *name+"-kvs.json")
		if kvs != nil {
			data, err := jsgen.KVSFile(kvs)
			if err != nil {
				return buildFailed(env, err)
			}
			if err := res.write(*out, *name+"-kvs.json", data); err != nil {
				return writeFailed(env, err)
			}
			res.KVSKeys = len(kvs)
		} else if err := os.Remove(kvsPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			// A stale store file from an earlier build would be deployed by mistake.
			return writeFailed(env, err)
		}
		if *viewerResponse {
			vr, err := jsgen.ViewerResponseFunction(policy)
			if err != nil {
				return buildFailed(env, err)
			}
			if err := res.write(*out, *name+"-viewer-response.js", vr); err != nil {
				return writeFailed(env, err)
			}
		}
	case "":
		return usageError(env, errors.New("--target is required"), "use --target lambda-edge or --target cloudfront-function")
	default:
		return usageError(env, fmt.Errorf("unknown --target %q", *target), "use --target lambda-edge or --target cloudfront-function")
	}
	res.print(env.Stdout, *jsonOut)
	return exitOK
}

// loadForBuild loads and checks the rules the one way every command does,
// printing the errors; nil when there are any.
func loadForBuild(env *Env, path string, caseInsensitive bool) *engine.Table {
	c, _ := loadRules(env, path, engine.Options{CaseInsensitive: caseInsensitive}, "built", countWarnings)
	if c == nil {
		return nil
	}
	return c.Table
}

// warnHostRules warns when host-qualified rules cannot match: at the
// origin-response trigger CloudFront shows the origin's Host.
func warnHostRules(env *Env, set *rules.Set, t edge.Trigger) {
	if t != edge.OriginResponse {
		return
	}
	for _, r := range set.Rules {
		if host, _ := engine.SplitSource(r.Source); host != "" {
			fmt.Fprintf(env.Stderr, "signpost: warning: %s:%d:%d: rule %q names a host, but at the origin-response trigger the Host header is the origin's\n",
				set.File, r.KeyPos.Line, r.KeyPos.Col, r.Source)
			fmt.Fprintln(env.Stderr, "hint: use --trigger viewer-request or --target cloudfront-function for host-qualified rules")
			return
		}
	}
}

func buildFailed(env *Env, err error) int {
	fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
	var le *jsgen.LimitError
	if errors.As(err, &le) && le.Hint != "" {
		fmt.Fprintf(env.Stderr, "hint: %s\n", le.Hint)
	}
	return exitProblems
}

func writeFailed(env *Env, err error) int {
	fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
	return exitFailure
}

type buildResult struct {
	Target    string      `json:"target"`
	Trigger   string      `json:"trigger"`
	Rules     int         `json:"rules"`
	RulesFrom string      `json:"rulesFrom,omitempty"`
	KVSKeys   int         `json:"kvsKeys,omitempty"`
	Files     []builtFile `json:"files"`
}

type builtFile struct {
	Path  string `json:"path"`
	Bytes int    `json:"bytes"`
}

func (r *buildResult) write(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	r.Files = append(r.Files, builtFile{Path: p, Bytes: len(data)})
	return nil
}

func (r *buildResult) print(w io.Writer, asJSON bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(r)
		return
	}
	for _, f := range r.Files {
		fmt.Fprintf(w, "wrote %s (%s)\n", f.Path, deploy.ByteSize(f.Bytes))
	}
	switch {
	case r.RulesFrom != "":
		fmt.Fprintf(w, "%s, %s trigger, rules read from %s\n", r.Target, r.Trigger, r.RulesFrom)
	case r.KVSKeys > 0:
		fmt.Fprintf(w, "%s, %s trigger, %d rules: %d exact in the KeyValueStore, the rest in the code\n", r.Target, r.Trigger, r.Rules, r.KVSKeys)
	default:
		fmt.Fprintf(w, "%s, %s trigger, %d rules bundled\n", r.Target, r.Trigger, r.Rules)
	}
}
