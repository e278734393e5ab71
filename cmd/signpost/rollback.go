package main

import (
	"context"
	"fmt"
)

func init() {
	register(&command{name: "rollback", summary: "restore the release deployed before the current one", run: runRollback})
}

const rollbackUsage = `Usage: signpost rollback [flags]

Restores the release deployed before the current one (kept beside the rules
object in the bucket; bucket versioning is not needed) and invalidates the
sources that changes. The two releases swap places: a second rollback goes
forward again. Takes the same settings as 'signpost deploy'.

Examples:
  signpost rollback --mode s3 --bucket site-config --key redirects.json --distribution E2EXAMPLE --plan
  signpost rollback --wait          # settings from signpost.toml

Exit status: 0 rolled back or planned; 1 nothing to roll back to, or a failed
function test; 2 usage; 3 AWS failed or another deploy ran meanwhile.

Flags:
`

func runRollback(ctx context.Context, env *Env, args []string) int {
	f := newDeployFlags("rollback")
	pos, err := parseArgs(f.fs, args)
	if err != nil {
		return flagError(env, "rollback", rollbackUsage, f.fs, err)
	}
	if err := f.settings(env.Getenv); err != nil {
		return usageError(env, err, "")
	}
	if len(pos) > 0 {
		return usageError(env, fmt.Errorf("rollback takes no arguments"), "")
	}
	t, err := f.target()
	if err != nil {
		return usageError(env, err, "run 'signpost rollback -h' for its flags and examples")
	}
	d, err := f.deployer(ctx, env, t)
	if err != nil {
		return failure(env, err)
	}
	plan, err := d.PlanRollback(ctx, f.engineOptions())
	if err != nil {
		return failure(env, err)
	}
	return finish(ctx, env, f, d, plan)
}
