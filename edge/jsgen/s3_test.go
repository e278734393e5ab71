package jsgen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
)

var testCreds = aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "session-token"}

// fakeS3 is an in-process S3 (gofakes3) behind a check of every request's
// Signature Version 4, the way S3 checks it, with a switch that makes it
// fail.
type fakeS3 struct {
	t       *testing.T
	backend *s3mem.Backend
	srv     *httptest.Server
	mu      sync.Mutex
	gets    []string // "If-None-Match" of each GET, in order
	failing bool
}

var authRE = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

func newFakeS3(t *testing.T) *fakeS3 {
	f := &fakeS3{t: t, backend: s3mem.New()}
	faker := gofakes3.New(f.backend)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkSignature(r); err != nil {
			t.Errorf("S3 request %s %s: %v", r.Method, r.URL, err)
			http.Error(w, "SignatureDoesNotMatch", http.StatusForbidden)
			return
		}
		f.mu.Lock()
		f.gets = append(f.gets, r.Header.Get("If-None-Match"))
		failing := f.failing
		f.mu.Unlock()
		if failing {
			http.Error(w, "<Error><Code>InternalError</Code></Error>", http.StatusInternalServerError)
			return
		}
		faker.Server().ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	if err := f.backend.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fakeS3) put(key string, data []byte) {
	f.t.Helper()
	if _, err := f.backend.PutObject("site", key, map[string]string{"Content-Type": "application/json"}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeS3) fail(on bool) {
	f.mu.Lock()
	f.failing = on
	f.mu.Unlock()
}

func (f *fakeS3) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.gets...)
}

// checkSignature signs a copy of r holding only the headers r says it
// signed, with aws-sdk-go-v2's signer, and compares the signatures.
func checkSignature(r *http.Request) error {
	m := authRE.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return fmt.Errorf("authorization %q is not SigV4 for s3", r.Header.Get("Authorization"))
	}
	if m[1] != testCreds.AccessKeyID {
		return fmt.Errorf("access key %q", m[1])
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return fmt.Errorf("x-amz-date: %v", err)
	}
	cp, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.EscapedPath(), nil)
	cp.Host = r.Host
	for _, h := range strings.Split(m[4], ";") {
		if h != "host" {
			cp.Header.Set(h, r.Header.Get(h))
		}
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(context.Background(), testCreds, cp, r.Header.Get("X-Amz-Content-Sha256"), "s3", m[3], when); err != nil {
		return err
	}
	if want := authRE.FindStringSubmatch(cp.Header.Get("Authorization")); want == nil || want[5] != m[5] || want[4] != m[4] {
		return fmt.Errorf("signature does not match:\n\tgot  %s\n\twant %s", r.Header.Get("Authorization"), cp.Header.Get("Authorization"))
	}
	return nil
}

// TestS3Source runs an S3-backed Lambda@Edge function against an in-process
// S3: the table is read once, then re-checked with a conditional GET at most
// every refresh interval; a new object replaces it; an invalid object or a
// failing S3 leaves the last good table serving; a container that never
// had a table passes requests on and recovers when S3 does.
func TestS3Source(t *testing.T) {
	needNode(t)
	s3 := newFakeS3(t)
	t.Setenv("AWS_ACCESS_KEY_ID", testCreds.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testCreds.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", testCreds.SessionToken)

	table := func(to string) []byte {
		b, err := jsgen.TableJSON(compileRules(t, `{"/a": {"to": "`+to+`"}}`, engine.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const key = "config/site rules.json" // a space: the key is encoded when signed
	const refresh = 500 * time.Millisecond
	src := &jsgen.S3Source{Bucket: "site", Key: key, Region: "us-east-1", Endpoint: s3.srv.URL, Refresh: refresh, Timeout: time.Second}
	z, err := jsgen.LambdaEdgeZip(nil, jsgen.LambdaOptions{Trigger: edge.ViewerRequest, Source: src})
	if err != nil {
		t.Fatal(err)
	}

	// A container whose S3 fails from the start passes requests on.
	s3.fail(true)
	n, err := jsgen.StartLambda(context.Background(), z)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ev := edge.SampleRequest{Host: "example.com", URI: "/a"}.LambdaEvent(edge.ViewerRequest)
	step := func(n *jsgen.Node, name, wantLoc string, wantGets int) {
		t.Helper()
		before := len(s3.requests())
		out, err := n.Run([]any{ev, ev})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, o := range out {
			var res struct {
				Headers edge.LambdaHeaders `json:"headers"`
			}
			if err := json.Unmarshal(o, &res); err != nil {
				t.Fatal(err)
			}
			if got := res.Headers.Get("location"); got != wantLoc {
				t.Errorf("%s: location %q, want %q (%s)", name, got, wantLoc, o)
			}
		}
		if got := len(s3.requests()) - before; got != wantGets {
			t.Errorf("%s: %d requests to S3 for two invocations, want %d", name, got, wantGets)
		}
	}
	step(n, "cold, S3 failing", "", 1)
	time.Sleep(refresh + 50*time.Millisecond)
	s3.fail(false)
	s3.put(key, table("/one"))
	step(n, "S3 back", "/one", 1)
	if got := s3.requests(); got[len(got)-1] != "" {
		t.Errorf("the first successful GET sent If-None-Match %q", got[len(got)-1])
	}
	step(n, "within the refresh interval", "/one", 0)
	time.Sleep(refresh + 50*time.Millisecond)
	step(n, "unchanged object", "/one", 1)
	if got := s3.requests(); !strings.HasPrefix(got[len(got)-1], `"`) {
		t.Errorf("the re-check sent If-None-Match %q, want the object's ETag", got[len(got)-1])
	}
	s3.put(key, table("/two"))
	time.Sleep(refresh + 50*time.Millisecond)
	step(n, "new object", "/two", 1)
	s3.put(key, []byte("{not json"))
	time.Sleep(refresh + 50*time.Millisecond)
	step(n, "invalid JSON", "/two", 1)
	s3.put(key, []byte(`{"format":"something-else","version":1}`))
	time.Sleep(refresh + 50*time.Millisecond)
	step(n, "not a table", "/two", 1)
	s3.fail(true)
	time.Sleep(refresh + 50*time.Millisecond)
	step(n, "S3 failing", "/two", 1)
	s3.fail(false)
	s3.put(key, table("/three"))
	time.Sleep(refresh + 50*time.Millisecond)
	step(n, "recovered", "/three", 1)

	// A container built with a fallback serves it while S3 is down at its
	// start, then S3's table.
	fb := *src
	fb.Fallback = true
	z, err = jsgen.LambdaEdgeZip(compileRules(t, `{"/a": {"to": "/bundled"}}`, engine.Options{}), jsgen.LambdaOptions{Trigger: edge.ViewerRequest, Source: &fb})
	if err != nil {
		t.Fatal(err)
	}
	s3.fail(true)
	n2, err := jsgen.StartLambda(context.Background(), z)
	if err != nil {
		t.Fatal(err)
	}
	defer n2.Close()
	step(n2, "fallback, S3 failing", "/bundled", 1)
	s3.fail(false)
	time.Sleep(refresh + 50*time.Millisecond)
	step(n2, "fallback, S3 back", "/three", 1)

	logs := n.Stderr()
	for _, want := range []string{"no rules yet", "S3 answered 500", "keeping the last good rules", "not a signpost-table"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the function's log lacks %q:\n%s", want, logs)
		}
	}
}
