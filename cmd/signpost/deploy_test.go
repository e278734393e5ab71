package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/deploy"
	"github.com/signposthq/signpost/engine"
)

func TestProgress(t *testing.T) {
	events := []deploy.Event{
		{Kind: deploy.StepStarted, Step: "upload the rules"},
		{Kind: deploy.StepDone, Step: "upload the rules", Detail: "s3://site/k (1.2 MB)"},
		{Kind: deploy.StepStarted, Step: "wait for invalidation I1 on E1"},
		{Kind: deploy.Waiting, Step: "wait for invalidation I1 on E1", Detail: "InProgress", Elapsed: 5 * time.Second},
		{Kind: deploy.Waiting, Step: "wait for invalidation I1 on E1", Detail: "InProgress", Elapsed: 35 * time.Second},
		{Kind: deploy.Waiting, Step: "wait for invalidation I1 on E1", Detail: "InProgress", Elapsed: 40 * time.Second},
		{Kind: deploy.StepDone, Step: "wait for invalidation I1 on E1", Detail: "Completed", Elapsed: 61 * time.Second},
	}
	var plain bytes.Buffer
	p := &progress{w: &plain}
	for _, e := range events {
		p.event(e)
	}
	want := "✓ upload the rules: s3://site/k (1.2 MB)\n" +
		"… wait for invalidation I1 on E1: InProgress, 35s\n" +
		"✓ wait for invalidation I1 on E1: Completed (1m1s)\n"
	if plain.String() != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", plain.String(), want)
	}

	var tty bytes.Buffer
	p = &progress{w: &tty, tty: true}
	for _, e := range events {
		p.event(e)
	}
	out := tty.String()
	// One line per finished step; waits rewrite the current line.
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("terminal output has %d lines: %q", n, out)
	}
	for _, s := range []string{clearLine + "… wait for invalidation I1 on E1: InProgress, 5s", clearLine + "… wait for invalidation I1 on E1: InProgress, 40s", clearLine + "✓ wait for invalidation I1 on E1: Completed (1m1s)\n"} {
		if !strings.Contains(out, s) {
			t.Errorf("terminal output lacks %q:\n%q", s, out)
		}
	}

	var quiet bytes.Buffer
	p = &progress{w: &quiet, quiet: true}
	for _, e := range events {
		p.event(e)
	}
	if quiet.Len() != 0 {
		t.Errorf("--json printed progress: %q", quiet.String())
	}
}

func TestDeployFailureExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
		hint string
	}{
		{fmt.Errorf("%w: s3://site/k no longer has the ETag read at the start", deploy.ErrConflict), exitFailure, "run the command again to plan"},
		{&deploy.ErrLocked{Lock: deploy.Lock{ID: "x"}}, exitFailure, "--break-lock"},
		{fmt.Errorf("%w: 9 of its 10 keys would go", deploy.ErrMassDelete), exitProblems, "--allow-mass-delete"},
		{deploy.ErrNoPrevious, exitProblems, ""},
		{&deploy.ErrDisagrees{Function: "f", Request: "/a", Have: "301 /b", Want: "302 /c"}, exitProblems, ""},
		{errors.New("operation error S3: PutObject, https response error StatusCode: 403"), exitFailure, ""},
	} {
		var stderr bytes.Buffer
		code := failure(&Env{Stderr: &stderr}, tc.err)
		if code != tc.code || !strings.HasPrefix(stderr.String(), "signpost: error: ") || !strings.Contains(stderr.String(), tc.hint) {
			t.Errorf("%v: exit %d, stderr %q", tc.err, code, stderr.String())
		}
	}
}

// The security headers in signpost.toml build the same edge code as the
// flags, and a flag wins over the file.
func TestDeployHeadersFromConfig(t *testing.T) {
	dir := t.TempDir()
	toml := filepath.Join(dir, "signpost.toml")
	os.WriteFile(toml, []byte("[deploy]\nhsts_max_age = 300\nheaders = [\"X-Frame-Options: DENY\"]\n"), 0o644)
	empty := filepath.Join(dir, "empty.toml")
	os.WriteFile(empty, nil, 0o644)
	rules := filepath.Join(dir, "redirects.json")
	os.WriteFile(rules, []byte(`{"/a": {"to": "/b"}}`), 0o644)
	c := signpost.Load(rules, engine.Options{})
	build := func(args ...string) []byte {
		t.Helper()
		f := newDeployFlags("deploy")
		if _, err := parseArgs(f.fs, args); err != nil {
			t.Fatal(err)
		}
		if err := f.settings(func(string) string { return "" }); err != nil {
			t.Fatal(err)
		}
		art, err := deployArtifacts(deploy.Target{Mode: deploy.ModeLambdaEdge}, c, f)
		if err != nil {
			t.Fatal(err)
		}
		return art.LambdaZip
	}
	fromFile := build("--config", toml)
	fromFlags := build("--config", empty, "--hsts-max-age", "300", "--header", "X-Frame-Options: DENY")
	defaults := build("--config", empty)
	overridden := build("--config", toml, "--hsts-max-age", "63072000", "--header", "X-Frame-Options: DENY")
	if !bytes.Equal(fromFile, fromFlags) {
		t.Error("signpost.toml's headers build other code than the same flags")
	}
	if bytes.Equal(fromFile, defaults) {
		t.Error("signpost.toml's headers changed nothing")
	}
	if bytes.Equal(overridden, fromFile) || bytes.Equal(overridden, defaults) {
		t.Error("--hsts-max-age did not win over the file")
	}
}
