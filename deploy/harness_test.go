package deploy

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/awsfake"
)

// world runs the deploys of a test against awsfake's World.
type world struct {
	s3      *s3.Client
	cf      *awsfake.CloudFront
	lambda  *awsfake.Lambda
	kvs     *awsfake.KVS
	clients *Clients
	// s3faults makes the in-process S3 server fail requests.
	s3faults interface {
		Fail(string, int, int, string)
		Unused() []string
	}

	mu     sync.Mutex
	events []Event
}

const testKVSARN = awsfake.KVSARN

func newWorld(t *testing.T) *world { return newWorldB(t) }

func newWorldB(t testing.TB) *world {
	t.Helper()
	aw := awsfake.Start(t)
	// The endpoints are given the standard way, through the environment,
	// so that the test also checks that the SDK picks them up.
	for k, v := range aw.Env {
		t.Setenv(k, v)
	}
	w := &world{s3faults: aw.S3Faults, cf: aw.CloudFront, lambda: aw.Lambda, kvs: aw.KVS}
	c, err := NewClients(context.Background(), "eu-west-1",
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 4
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
			})
		}))
	if err != nil {
		t.Fatal(err)
	}
	w.clients, w.s3 = c, c.S3
	return w
}

func (w *world) deployer(t Target) *Deployer {
	if t.Bucket == "" {
		t.Bucket, t.Key = "site", "config/redirects.json"
	}
	return &Deployer{Clients: w.clients, Target: t, Options: Options{
		PollInterval: time.Millisecond, Wait: true,
		Progress: func(e Event) { w.mu.Lock(); w.events = append(w.events, e); w.mu.Unlock() },
	}}
}

// artifacts compiles a rules file's text the way the command does.
func artifacts(t testing.TB, text string) *Artifacts {
	t.Helper()
	path := filepath.Join(t.TempDir(), "redirects.json")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c := signpost.Load(path, engine.Options{})
	if c.Diagnostics.HasErrors() {
		t.Fatalf("rules do not compile: %v", c.Diagnostics.Err())
	}
	enc, err := engine.Encode(c.Table)
	if err != nil {
		t.Fatal(err)
	}
	return &Artifacts{Set: c.Set, Table: c.Table, Compiled: enc}
}

func (w *world) object(key string) []byte {
	data, _, err := (&store{s3: w.s3, bucket: "site"}).get(context.Background(), key)
	if err != nil {
		panic(err)
	}
	return data
}

var engineOpts = engine.Options{}

// faultsUsed fails the test if a failure it injected never happened: the
// request it was meant for was not sent as the test expects.
func (w *world) faultsUsed(t *testing.T) {
	t.Helper()
	for name, f := range map[string]interface{ Unused() []string }{"s3": w.s3faults, "cloudfront": w.cf, "lambda": w.lambda, "kvs": w.kvs} {
		if u := f.Unused(); len(u) > 0 {
			t.Errorf("%s: injected failures never happened: %q", name, u)
		}
	}
}
