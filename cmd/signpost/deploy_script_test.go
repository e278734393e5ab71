package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/signposthq/signpost/internal/awsfake"
)

// deployScriptMu serializes the scripts' signpost runs: the AWS SDK reads
// its endpoints from the process environment, which each run sets to its
// own stand-ins.
var deployScriptMu sync.Mutex

// TestDeployScripts runs testdata/deploy/*.txtar: deploy, rollback,
// iam-policy and init end to end, in-process, against an in-process S3
// server and the CloudFront, Lambda and KeyValueStore stand-ins.
//
// Commands beyond testscript's own:
//
//	signpost ARGS...        run the command; then 'status N' checks its exit code
//	s3cat KEY               print an object of the bucket "site"
//	invalidations           print each invalidation: DIST PATH...
//	association DIST EVENT  print the Lambda ARN a distribution's trigger points at
//	kvs                     print the KeyValueStore as key=value lines
func TestDeployScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "deploy"),
		Setup: func(e *testscript.Env) error {
			w := awsfake.Start(t)
			w.CloudFront.AddFunction("redirects", awsfake.BehaveAsRules)
			for k, v := range w.Env {
				e.Setenv(k, v)
			}
			e.Values["world"] = w
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"signpost": func(ts *testscript.TestScript, neg bool, args []string) {
				code := runInScript(ts, args)
				ts.Setenv("SIGNPOST_LAST_STATUS", strconv.Itoa(code))
				if neg != (code != 0) {
					ts.Fatalf("signpost %s: exit status %d", strings.Join(args, " "), code)
				}
			},
			"status": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 || ts.Getenv("SIGNPOST_LAST_STATUS") != args[0] {
					ts.Fatalf("exit status %s, want %v", ts.Getenv("SIGNPOST_LAST_STATUS"), args)
				}
			},
			"s3cat": func(ts *testscript.TestScript, neg bool, args []string) {
				w := ts.Value("world").(*awsfake.World)
				obj, err := w.S3.GetObject("site", args[0], nil)
				if neg {
					if err == nil {
						ts.Fatalf("s3://site/%s exists", args[0])
					}
					return
				}
				ts.Check(err)
				defer obj.Contents.Close()
				var b bytes.Buffer
				b.ReadFrom(obj.Contents)
				ts.Stdout().Write(b.Bytes())
			},
			"invalidations": func(ts *testscript.TestScript, neg bool, args []string) {
				w := ts.Value("world").(*awsfake.World)
				for _, inv := range w.CloudFront.Invalidations {
					fmt.Fprintln(ts.Stdout(), inv.Distribution, strings.Join(inv.Paths, " "))
				}
			},
			"association": func(ts *testscript.TestScript, neg bool, args []string) {
				w := ts.Value("world").(*awsfake.World)
				fmt.Fprintln(ts.Stdout(), w.CloudFront.Association(args[0], args[1]))
			},
			"kvs": func(ts *testscript.TestScript, neg bool, args []string) {
				w := ts.Value("world").(*awsfake.World)
				var lines []string
				for k, v := range w.KVS.Items {
					lines = append(lines, k+"="+v)
				}
				sort.Strings(lines)
				for _, l := range lines {
					fmt.Fprintln(ts.Stdout(), l)
				}
			},
		},
	})
}

func runInScript(ts *testscript.TestScript, args []string) int {
	deployScriptMu.Lock()
	defer deployScriptMu.Unlock()
	w := ts.Value("world").(*awsfake.World)
	for k := range w.Env {
		old, had := os.LookupEnv(k)
		os.Setenv(k, ts.Getenv(k))
		defer func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		}()
	}
	// Relative paths in the script are relative to its directory.
	for i, a := range args {
		if strings.HasPrefix(a, "./") {
			args[i] = ts.MkAbs(a)
		}
	}
	env := &Env{Stdin: strings.NewReader(""), Stdout: ts.Stdout(), Stderr: ts.Stderr(), Getenv: ts.Getenv}
	return run(context.Background(), env, args)
}
