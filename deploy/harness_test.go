package deploy

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
)

// world is an AWS account in a box: an in-process S3 server (gofakes3,
// which implements If-Match and If-None-Match on PutObject) and the
// stand-ins for CloudFront, Lambda and the KeyValueStore.
type world struct {
	t       *testing.T
	s3      *s3.Client
	cf      *fakeCloudFront
	lambda  *fakeLambda
	kvs     *fakeKVS
	clients *Clients

	mu     sync.Mutex
	events []Event
}

const testKVSARN = "arn:aws:cloudfront::123456789012:key-value-store/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"

func newWorld(t *testing.T) *world {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("site"); err != nil {
		t.Fatal(err)
	}
	s3srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(s3srv.Close)
	w := &world{t: t, cf: newFakeCloudFront(t), lambda: newFakeLambda(t, "redirects"), kvs: newFakeKVS(t, testKVSARN)}
	w.cf.addDistribution("E1EXAMPLE")
	w.cf.addDistribution("E2EXAMPLE")
	cfSrv := httptest.NewServer(w.cf)
	lSrv := httptest.NewServer(w.lambda)
	kSrv := httptest.NewServer(w.kvs)
	t.Cleanup(cfSrv.Close)
	t.Cleanup(lSrv.Close)
	t.Cleanup(kSrv.Close)

	// The endpoints are given the standard way, through the environment,
	// so that the test also checks that the SDK picks them up.
	t.Setenv("AWS_ENDPOINT_URL_S3", s3srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDFRONT", cfSrv.URL)
	t.Setenv("AWS_ENDPOINT_URL_LAMBDA", lSrv.URL)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE", kSrv.URL)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	c, err := NewClients(context.Background(), "eu-west-1",
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")),
		config.WithRegion("eu-west-1"),
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
func artifacts(t *testing.T, text string) *Artifacts {
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
	w.t.Helper()
	data, _, err := (&store{s3: w.s3, bucket: "site"}).get(context.Background(), key)
	if err != nil {
		w.t.Fatal(err)
	}
	return data
}

var engineOpts = engine.Options{}
