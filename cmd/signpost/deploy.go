package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signposthq/signpost/deploy"
	"github.com/signposthq/signpost/deploy/config"
	"github.com/signposthq/signpost/engine"
)

func init() {
	register(&command{name: "deploy", summary: "check the rules, show what changes, and publish them to CloudFront", run: runDeploy})
}

const deployUsage = `Usage: signpost deploy [flags] [RULES]

Checks RULES (default redirects.json) as 'signpost check' does, compares them
with what is deployed, and publishes only the difference. An invalid file
stops everything before any call to AWS.

Modes:
  s3                   upload the compiled rules to s3://BUCKET/KEY, which the
                       S3-backed Lambda@Edge function reads; invalidate what changed
  lambda-edge          publish a new version of the function with the rules
                       bundled and point each distribution's trigger at it
  cloudfront-function  update the CloudFront Function and its KeyValueStore,
                       test it against the rules, publish it to LIVE

Settings come from flags, then SIGNPOST_* environment variables, then the
[deploy] table of signpost.toml. Credentials come from the standard AWS
chain; AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_CLOUDFRONT,
AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE
override the endpoints (S3 then uses path-style addressing).

Examples:
  signpost deploy --mode s3 --bucket site-config --key redirects.json --distribution E2EXAMPLE --plan
  signpost deploy --mode s3 --bucket site-config --key redirects.json --distribution E2EXAMPLE --wait
  signpost deploy --mode lambda-edge --function site-redirects \
      --bucket site-config --key redirects.json --distribution E2EXAMPLE --wait
  signpost deploy --mode cloudfront-function --function site-redirects --kvs-arn ARN \
      --bucket site-config --key redirects.json

The edge modes build the function from the checked rules, as 'signpost build'
does, with the same header flags (--hsts-max-age, --header, ...).

Exit status: 0 deployed, up to date, or planned; 1 the rules have errors, or
the deploy was refused (a mass delete, a failed function test); 2 usage;
3 AWS failed or another deploy changed what was deployed (plan again).

Flags:
`

// deployFlags are the settings deploy and rollback share.
type deployFlags struct {
	fs                             *flag.FlagSet
	configPath                     string
	cfg                            config.Deploy
	distributions                  multiFlag
	plan, wait, jsonOut, breakLock bool
	queryVariants, allowMassDelete bool
	caseInsensitive                bool
	zip, code, kvsFile             string
	headers                        headerFlags
	timeout, poll                  time.Duration
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func newDeployFlags(name string) *deployFlags {
	f := &deployFlags{fs: newFlagSet(name)}
	fs := f.fs
	fs.StringVar(&f.configPath, "config", "", "settings `file` (default signpost.toml when it exists)")
	fs.StringVar(&f.cfg.Mode, "mode", "", "`s3`, lambda-edge or cloudfront-function")
	fs.StringVar(&f.cfg.Rules, "rules", "", "rules `file` (default redirects.json)")
	fs.StringVar(&f.cfg.Bucket, "bucket", "", "`bucket` of the rules object and the releases")
	fs.StringVar(&f.cfg.Key, "key", "", "`key` of the rules object; releases are kept under KEY.signpost/")
	fs.StringVar(&f.cfg.Region, "region", "", "the bucket's region (CloudFront and Lambda@Edge are always us-east-1)")
	fs.Var(&f.distributions, "distribution", "CloudFront distribution `ID` (repeat for several)")
	fs.StringVar(&f.cfg.Function, "function", "", "Lambda function `name` or ARN (lambda-edge), or CloudFront Function name")
	fs.StringVar(&f.cfg.CacheBehavior, "cache-behavior", "", "lambda-edge: path pattern of the cache behavior (default: the default behavior)")
	fs.StringVar(&f.cfg.Trigger, "trigger", "", "lambda-edge: origin-response (default) or viewer-request")
	fs.StringVar(&f.cfg.KVSARN, "kvs-arn", "", "cloudfront-function: `ARN` of the KeyValueStore")
	fs.IntVar(&f.cfg.MaxInvalidationPaths, "max-invalidation-paths", 0, "above this `many` paths invalidate /* instead (default 500)")
	fs.Float64Var(&f.cfg.MaxDeleteShare, "max-delete-share", 0, "cloudfront-function: largest share of KVS keys one deploy may delete (default 0.5)")
	fs.BoolVar(&f.allowMassDelete, "allow-mass-delete", false, "cloudfront-function: delete more keys than --max-delete-share allows")
	fs.BoolVar(&f.queryVariants, "invalidate-query-variants", false, "invalidate /x* rather than /x and /x/ (for cache keys with query strings)")
	fs.BoolVar(&f.caseInsensitive, "case-insensitive", false, "match paths regardless of case, as 'signpost check --case-insensitive'")
	fs.BoolVar(&f.plan, "plan", false, "show what would change and the calls it would make; change nothing")
	fs.BoolVar(&f.wait, "wait", false, "wait until distributions are Deployed and invalidations Completed")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Minute, "longest wait for each step")
	fs.DurationVar(&f.poll, "poll-interval", 5*time.Second, "pause between status checks while waiting")
	fs.BoolVar(&f.breakLock, "break-lock", false, "take over the lock of a deploy that died")
	fs.BoolVar(&f.jsonOut, "json", false, "print the plan or the result as JSON on standard output")
	fs.StringVar(&f.zip, "zip", "", "lambda-edge: deploy this zip instead of building one from the rules")
	fs.StringVar(&f.code, "code", "", "cloudfront-function: deploy this code instead of building it from the rules")
	fs.StringVar(&f.kvsFile, "kvs", "", "cloudfront-function, with --code: the KeyValueStore import file built with it")
	f.headers.register(fs)
	return f
}

// settings merges the settings: flags over environment over file.
func (f *deployFlags) settings(getenv func(string) string) error {
	f.cfg.Distributions = f.distributions
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if set["case-insensitive"] {
		f.cfg.CaseInsensitive = &f.caseInsensitive
	}
	path, optional := f.configPath, false
	if path == "" {
		path, optional = config.DefaultFile, true
	}
	file, err := config.Load(path, optional)
	if err != nil {
		return err
	}
	env, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	f.cfg = file.Over(env).Over(f.cfg)
	return f.headerSettings(set)
}

// headerSettings applies the file's security headers where no flag (set
// holds the flags given) set them, so that CI builds the same edge code as
// the person who wrote the file.
func (f *deployFlags) headerSettings(set map[string]bool) error {
	file := f.cfg
	h := &f.headers
	if !set["hsts-max-age"] && file.HSTSMaxAge != 0 {
		h.maxAge = file.HSTSMaxAge
	}
	for _, sw := range []struct {
		flag string
		dst  *bool
		v    *bool
	}{
		{"hsts-include-subdomains", &h.includeSubDomains, file.HSTSIncludeSubDomains},
		{"hsts-preload", &h.preload, file.HSTSPreload},
		{"no-hsts", &h.noHSTS, file.NoHSTS},
	} {
		if !set[sw.flag] && sw.v != nil {
			*sw.dst = *sw.v
		}
	}
	if !set["header"] {
		for _, v := range file.Headers {
			if err := h.extra.Set(v); err != nil {
				return fmt.Errorf("signpost.toml: headers: %v", err)
			}
		}
	}
	return nil
}

func (f *deployFlags) engineOptions() engine.Options {
	return engine.Options{CaseInsensitive: config.On(f.cfg.CaseInsensitive)}
}

func (f *deployFlags) target() (deploy.Target, error) {
	c := f.cfg
	mode, err := deploy.ParseMode(c.Mode)
	if c.Mode == "" {
		err = errors.New("no mode given")
	}
	if err != nil {
		return deploy.Target{}, err
	}
	t := deploy.Target{Mode: mode, Bucket: c.Bucket, Key: c.Key, Distributions: c.Distributions,
		CacheBehavior: c.CacheBehavior, Trigger: c.Trigger, KVSARN: c.KVSARN,
		MaxDeleteShare: c.MaxDeleteShare, AllowMassDelete: f.allowMassDelete}
	if mode == deploy.ModeCloudFrontFunction {
		t.CFFunction = c.Function
	} else {
		t.Function = c.Function
	}
	return t, t.Validate()
}

func (f *deployFlags) deployer(ctx context.Context, env *Env, t deploy.Target) (*deploy.Deployer, error) {
	clients, err := deploy.NewClients(ctx, f.cfg.Region)
	if err != nil {
		return nil, err
	}
	p := newProgress(env.Stderr, f.jsonOut)
	return &deploy.Deployer{Clients: clients, Target: t, Options: deploy.Options{
		Invalidation: deploy.InvalidationOptions{MaxPaths: f.cfg.MaxInvalidationPaths, QueryVariants: f.queryVariants},
		Wait:         f.wait, WaitTimeout: f.timeout, PollInterval: f.poll, BreakLock: f.breakLock, Progress: p.event,
	}}, nil
}

func runDeploy(ctx context.Context, env *Env, args []string) int {
	f := newDeployFlags("deploy")
	pos, err := parseArgs(f.fs, args)
	if err != nil {
		return flagError(env, "deploy", deployUsage, f.fs, err)
	}
	if err := f.settings(env.Getenv); err != nil {
		return usageError(env, err, "")
	}
	if len(pos) > 1 {
		return usageError(env, fmt.Errorf("deploy takes one rules file, got %d arguments", len(pos)), "")
	}
	rulesPath := f.cfg.Rules
	if len(pos) == 1 {
		rulesPath = pos[0]
	}
	if rulesPath == "" {
		rulesPath = "redirects.json"
	}
	t, err := f.target()
	if err != nil {
		return usageError(env, err, "run 'signpost deploy -h' for its flags and examples")
	}
	// The check comes first: an invalid file never reaches AWS.
	compiled, code := loadRules(env, rulesPath, f.engineOptions(), "deployed", listWarnings)
	if compiled == nil {
		return code
	}
	art, err := deployArtifacts(t, compiled, f)
	if err != nil {
		fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
		return exitProblems
	}
	d, err := f.deployer(ctx, env, t)
	if err != nil {
		return failure(env, err)
	}
	plan, err := d.Plan(ctx, art)
	if err != nil {
		return failure(env, err)
	}
	return finish(ctx, env, f, d, plan)
}

// finish prints a plan, or applies it and prints the result.
func finish(ctx context.Context, env *Env, f *deployFlags, d *deploy.Deployer, plan *deploy.Plan) int {
	if f.plan {
		if f.jsonOut {
			return printJSON(env, plan)
		}
		printPlan(env.Stdout, &d.Target, plan)
		return exitOK
	}
	if !f.jsonOut {
		printPlan(env.Stderr, &d.Target, plan)
	}
	res, err := d.Apply(ctx, plan)
	if res != nil {
		if f.jsonOut {
			printJSON(env, res)
		} else {
			printSummary(env.Stdout, res)
		}
	}
	if err != nil {
		return failure(env, err)
	}
	return exitOK
}

// failure reports an error of a deploy with the hint that fits it.
func failure(env *Env, err error) int {
	fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
	var locked *deploy.ErrLocked
	var disagrees *deploy.ErrDisagrees
	switch {
	case errors.Is(err, deploy.ErrConflict):
		fmt.Fprintln(env.Stderr, "hint: another deploy changed what is deployed since this one read it; run the command again to plan against the new state")
	case errors.As(err, &locked):
		fmt.Fprintln(env.Stderr, "hint: wait for it to finish; if it died, run again with --break-lock")
		return exitFailure
	case errors.Is(err, deploy.ErrMassDelete):
		fmt.Fprintln(env.Stderr, "hint: if the rules are meant to shrink this much, run again with --allow-mass-delete")
		return exitProblems
	case errors.Is(err, deploy.ErrNoPrevious):
		return exitProblems
	case errors.As(err, &disagrees):
		return exitProblems
	}
	return exitFailure
}

func printJSON(env *Env, v any) int {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// maxListed bounds the sources a plan lists; --json has them all.
const maxListed = 50

func printPlan(w io.Writer, t *deploy.Target, p *deploy.Plan) {
	verb := "deploy"
	if p.Rollback {
		verb = "rollback"
	}
	fmt.Fprintf(w, "%s plan: mode %s, s3://%s/%s", verb, p.Mode, t.Bucket, t.Key)
	if n := len(t.Distributions); n > 0 {
		fmt.Fprintf(w, ", distribution %s", strings.Join(t.Distributions, ", "))
	}
	fmt.Fprintln(w)
	if p.Current == nil {
		fmt.Fprintln(w, "  deployed now: nothing")
	} else {
		fmt.Fprintf(w, "  deployed now: release %s (%d rules)\n", p.Current.ID, len(p.Current.Rules))
	}
	fmt.Fprintf(w, "  to deploy:    release %s (%d rules)\n", p.Next.ID, len(p.Next.Rules))
	if l := p.Locked; l != nil {
		fmt.Fprintf(w, "note: deploy %s (started %s on %s) holds the lock: it is running, or it died (then --break-lock)\n", l.ID, l.Started.Format(time.RFC3339), l.Host)
	}
	if p.UpToDate {
		fmt.Fprintln(w, "up to date: the deployed rules and code are these; nothing to do")
		return
	}
	width := 0
	for i, c := range p.Changes {
		if i < maxListed {
			width = max(width, min(utf8.RuneCountInString(c.Source), 40))
		}
	}
	for i, c := range p.Changes {
		if i == maxListed {
			fmt.Fprintf(w, "  ... and %d more (see --json)\n", len(p.Changes)-maxListed)
			break
		}
		src := c.Source + strings.Repeat(" ", max(0, width-utf8.RuneCountInString(c.Source)))
		switch c.Kind {
		case deploy.Added:
			fmt.Fprintf(w, "  + %s  %s\n", src, c.New)
		case deploy.Removed:
			fmt.Fprintf(w, "  - %s  %s\n", src, c.Old)
		case deploy.Changed:
			fmt.Fprintf(w, "  ~ %s  %s  =>  %s\n", src, c.Old, c.New)
		}
	}
	s := p.Stats
	fmt.Fprintf(w, "%d added, %d changed, %d removed\n", s.Added, s.Changed, s.Removed)
	if len(p.Changes) == 0 {
		fmt.Fprintln(w, "note: no redirect changes, but what is deployed differs (line numbers in the compiled table, new edge code, or a deploy to finish)")
	}
	if len(t.Distributions) == 0 && p.Mode != deploy.ModeCloudFrontFunction {
		fmt.Fprintln(w, "note: no --distribution given: no cache will be invalidated")
	}
	if inv := p.Invalidation; len(inv.Paths) > 0 {
		if inv.Everything {
			fmt.Fprintf(w, "invalidation: /* (the %d paths needed are above the limit)\n", inv.Wanted)
		} else {
			fmt.Fprintf(w, "invalidation: %d paths\n", len(inv.Paths))
		}
	}
	fmt.Fprintln(w, "calls:")
	for _, c := range p.Calls {
		fmt.Fprintf(w, "  %s\n", c)
	}
}

func printSummary(w io.Writer, r *deploy.Result) {
	p := r.Plan
	if p.UpToDate {
		fmt.Fprintln(w, "up to date: nothing deployed")
		return
	}
	verb := "deployed"
	if p.Rollback {
		verb = "rolled back to"
	}
	fmt.Fprintf(w, "%s release %s in %s: %d added, %d changed, %d removed", verb, r.Release.ID, r.Duration.Round(time.Millisecond), p.Stats.Added, p.Stats.Changed, p.Stats.Removed)
	if r.Release.LambdaVersionARN != "" {
		fmt.Fprintf(w, "; function %s", r.Release.LambdaVersionARN)
	}
	fmt.Fprintln(w)
	for _, inv := range r.Invalidations {
		fmt.Fprintf(w, "invalidation %s on %s: %d paths, %s\n", inv.ID, inv.Distribution, inv.Paths, inv.Status)
	}
}

// progress prints each step on standard error; on a terminal a wait is one
// line that counts its elapsed time, elsewhere a line every 30 seconds.
type progress struct {
	w        io.Writer
	tty      bool
	quiet    bool
	inWait   bool
	lastWait time.Duration
}

func newProgress(w io.Writer, quiet bool) *progress {
	p := &progress{w: w, quiet: quiet}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

const clearLine = "\x1b[2K\r"

func (p *progress) event(e deploy.Event) {
	if p.quiet {
		return
	}
	if p.inWait && e.Kind != deploy.Waiting && !p.tty {
		p.inWait = false
	}
	switch e.Kind {
	case deploy.StepStarted:
		if p.tty {
			fmt.Fprintf(p.w, "%s… %s", clearLine, e.Step)
		}
		p.lastWait = 0
	case deploy.StepDone:
		line := "✓ " + e.Step
		if e.Detail != "" {
			line += ": " + e.Detail
		}
		if e.Elapsed >= time.Second {
			line += fmt.Sprintf(" (%s)", e.Elapsed.Round(time.Second))
		}
		if p.tty {
			line = clearLine + line
		}
		p.inWait = false
		fmt.Fprintln(p.w, line)
	case deploy.Waiting:
		switch {
		case p.tty:
			fmt.Fprintf(p.w, "%s… %s: %s, %s", clearLine, e.Step, e.Detail, e.Elapsed.Round(time.Second))
			p.inWait = true
		case e.Elapsed-p.lastWait >= 30*time.Second:
			fmt.Fprintf(p.w, "… %s: %s, %s\n", e.Step, e.Detail, e.Elapsed.Round(time.Second))
			p.lastWait = e.Elapsed
		}
	case deploy.Note:
		if p.tty {
			fmt.Fprint(p.w, clearLine)
		}
		fmt.Fprintf(p.w, "note: %s\n", e.Detail)
	}
}
