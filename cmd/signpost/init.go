package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"
)

func init() {
	register(&command{name: "init", summary: "write a starter redirects.json, cases, signpost.toml and CI jobs", run: runInit})
}

const initUsage = `Usage: signpost init [flags] [DIR]

Writes into DIR (default the current directory), never over an existing file
unless --force:
  redirects.json                     the rules, with examples in comments
  redirects.cases.json               requests and the answers they must get ('signpost test')
  signpost.toml                      deploy settings
  .github/workflows/redirects.yml    GitHub Actions: check on pull requests, deploy on main
  .circleci/signpost.yml             the same for CircleCI, to merge into .circleci/config.yml

Examples:
  signpost init
  signpost init --mode lambda-edge --bucket site-config --distribution E2EXAMPLE site/

Flags:
`

func runInit(ctx context.Context, env *Env, args []string) int {
	fs := newFlagSet("init")
	force := fs.Bool("force", false, "overwrite existing files")
	mode := fs.String("mode", "s3", "deploy mode written to signpost.toml")
	bucket := fs.String("bucket", "my-site-config", "bucket written to signpost.toml")
	dist := fs.String("distribution", "E2EXAMPLE12345", "distribution ID written to signpost.toml")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "init", initUsage, fs, err)
	}
	if len(pos) > 1 {
		return usageError(env, fmt.Errorf("init takes one directory, got %d", len(pos)), "")
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	switch *mode {
	case "s3", "lambda-edge", "cloudfront-function":
	default:
		return usageError(env, fmt.Errorf("unknown mode %q (want s3, lambda-edge or cloudfront-function)", *mode), "")
	}
	files := []struct{ name, text string }{
		{"redirects.json", starterRules},
		{"redirects.cases.json", starterCases},
		{"signpost.toml", strings.NewReplacer("MODE", *mode, "BUCKET", *bucket, "DIST", *dist).Replace(starterConfig)},
		{".github/workflows/redirects.yml", githubWorkflow},
		{".circleci/signpost.yml", circleJob},
	}
	code := exitOK
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.name))
		if _, err := os.Stat(path); err == nil && !*force {
			fmt.Fprintf(env.Stderr, "signpost: skipped %s: it exists (use --force to overwrite)\n", path)
			continue
		} else if err != nil && !errors.Is(err, iofs.ErrNotExist) {
			fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
			code = exitFailure
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
			code = exitFailure
			continue
		}
		if err := os.WriteFile(path, []byte(f.text), 0o644); err != nil {
			fmt.Fprintf(env.Stderr, "signpost: error: %v\n", err)
			code = exitFailure
			continue
		}
		fmt.Fprintf(env.Stdout, "wrote %s\n", path)
	}
	if code == exitOK {
		fmt.Fprintln(env.Stdout, "next: edit redirects.json, run 'signpost check', then 'signpost deploy --plan'")
	}
	return code
}

const starterRules = `// Redirects for this site: one line per old address.
// "to" is a path on this site ("/new-page") or a full address
// ("https://example.com/"). statusCode: 301 (permanent, the default),
// 302 or 307 (temporary), 308, or 410 for a page that is gone.
// A source ending in * covers everything under it; :splat in "to" is the rest.
// Run 'signpost check' after every change.
{
  "$schema": "https://signpost.dev/schema/redirects.json",
  "/old-page": { "to": "/new-page/", "statusCode": 301 },
  "/blog/*": { "to": "/news/:splat" },
}
`

const starterCases = `[
  { "url": "/old-page", "status": 301, "location": "/new-page/" },
  { "url": "/blog/2019/hello?ref=mail", "status": 301, "location": "/news/2019/hello?ref=mail" }
]
`

const starterConfig = `# signpost settings; flags and SIGNPOST_* environment variables override them.
[deploy]
mode = "MODE"                     # s3, lambda-edge or cloudfront-function
rules = "redirects.json"
bucket = "BUCKET"                 # the rules object, and the releases kept beside it
key = "config/redirects.json"
distributions = ["DIST"]
# function = "site-redirects"     # lambda-edge and cloudfront-function
# trigger = "origin-response"     # lambda-edge
# kvs_arn = ""                    # cloudfront-function
# max_invalidation_paths = 500
`

const githubWorkflow = `# Checks redirects.json on every pull request and deploys it from main.
name: redirects
on:
  pull_request:
    paths: [redirects.json, redirects.cases.json, signpost.toml]
  push:
    branches: [main]
    paths: [redirects.json, signpost.toml]
permissions:
  id-token: write   # to assume the deploy role without stored keys
  contents: read
concurrency: redirects-deploy   # one deploy at a time; signpost also refuses concurrent writes
jobs:
  redirects:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-go@v5
        with: { go-version: stable }
      - run: go install github.com/signposthq/signpost/cmd/signpost@latest
      - run: signpost check --format github redirects.json
      - run: signpost test redirects.cases.json
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: ${{ secrets.SIGNPOST_DEPLOY_ROLE_ARN }}
          aws-region: us-east-1
      - name: plan
        if: github.event_name == 'pull_request'
        run: signpost deploy --plan
      - name: deploy
        if: github.event_name == 'push'
        run: signpost deploy --wait
`

const circleJob = `# Merge into .circleci/config.yml. AWS credentials come from a context
# (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or OIDC with AWS_ROLE_ARN).
version: 2.1
jobs:
  redirects:
    docker:
      - image: cimg/go:1.26
    steps:
      - checkout
      - run: go install github.com/signposthq/signpost/cmd/signpost@latest
      - run: signpost check redirects.json
      - run: signpost test redirects.cases.json
      - run: |
          if [ "$CIRCLE_BRANCH" = main ]; then signpost deploy --wait; else signpost deploy --plan; fi
workflows:
  redirects:
    jobs:
      - redirects:
          context: aws-deploy
`
