package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/signposthq/signpost/internal/awsfake"
)

// TestDeployScripts runs testdata/deploy/*.txtar: deploy, rollback,
// iam-policy and init end to end, the binary pointed by the standard
// AWS_ENDPOINT_URL_* variables at an in-process S3 server and the
// CloudFront, Lambda and KeyValueStore stand-ins.
//
// Commands beyond testscript's own:
//
//	exits N CMD ARGS...     run CMD and check that its exit status is N
//	s3cat KEY               print an object of the bucket "site"
//	invalidations           print each invalidation: DIST PATH...
//	association DIST EVENT  print the Lambda ARN a distribution's trigger points at
//	kvs                     print the KeyValueStore as key=value lines
//	lambdazip               list the files of the last published Lambda version
func TestDeployScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "deploy"),
		Setup: func(e *testscript.Env) error {
			w := awsfake.Start(t)
			w.CloudFront.AddFunction("redirects", awsfake.BehaveAsRules)
			w.CloudFront.AddFunction("redirects-js", w.BehaveInNode())
			for k, v := range w.Env {
				e.Setenv(k, v)
			}
			e.Values["world"] = w
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exits,
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
				for _, inv := range w.CloudFront.InvalidationList() {
					fmt.Fprintln(ts.Stdout(), inv.Distribution, strings.Join(inv.Paths, " "))
				}
			},
			"association": func(ts *testscript.TestScript, neg bool, args []string) {
				w := ts.Value("world").(*awsfake.World)
				fmt.Fprintln(ts.Stdout(), w.CloudFront.Association(args[0], args[1]))
			},
			"lambdazip": func(ts *testscript.TestScript, neg bool, args []string) {
				w := ts.Value("world").(*awsfake.World)
				v := w.Lambda.LastVersion()
				zr, err := zip.NewReader(bytes.NewReader(v), int64(len(v)))
				ts.Check(err)
				for _, f := range zr.File {
					fmt.Fprintln(ts.Stdout(), f.Name)
				}
			},
			"kvs": func(ts *testscript.TestScript, neg bool, args []string) {
				w := ts.Value("world").(*awsfake.World)
				var lines []string
				for k, v := range w.KVS.Entries() {
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
