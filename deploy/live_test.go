package deploy

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"
	"time"
)

var live = flag.Bool("aws-live", false, "also deploy to real AWS: mode s3 to SIGNPOST_LIVE_BUCKET/SIGNPOST_LIVE_KEY (and SIGNPOST_LIVE_DISTRIBUTION if set), with the standard credentials")

// TestLiveS3 deploys, redeploys and rolls back in mode s3 against real AWS.
// It runs only with -aws-live: go test ./deploy -run TestLiveS3 -aws-live
func TestLiveS3(t *testing.T) {
	if !*live {
		t.Skip("real AWS only with -aws-live")
	}
	bucket, key := os.Getenv("SIGNPOST_LIVE_BUCKET"), os.Getenv("SIGNPOST_LIVE_KEY")
	if bucket == "" || key == "" {
		t.Fatal("-aws-live needs SIGNPOST_LIVE_BUCKET and SIGNPOST_LIVE_KEY")
	}
	ctx := context.Background()
	c, err := NewClients(ctx, os.Getenv("SIGNPOST_LIVE_REGION"))
	if err != nil {
		t.Fatal(err)
	}
	target := Target{Mode: ModeS3, Bucket: bucket, Key: key}
	if dist := os.Getenv("SIGNPOST_LIVE_DISTRIBUTION"); dist != "" {
		target.Distributions = []string{dist}
	}
	d := &Deployer{Clients: c, Target: target, Options: Options{Wait: true, PollInterval: 10 * time.Second,
		Progress: func(e Event) { t.Logf("%s %s %s %s", e.Kind, e.Step, e.Detail, e.Elapsed) }}}
	for _, rules := range []string{rulesV1, rulesV2} {
		p, err := d.Plan(ctx, artifacts(t, rules))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	rp, err := d.PlanRollback(ctx, engineOpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, rp); err != nil {
		t.Fatal(err)
	}
	got, _, err := d.store().get(ctx, key)
	if err != nil || !bytes.Equal(got, artifacts(t, rulesV1).Compiled) {
		t.Fatalf("after rollback the object is not the first table (%v)", err)
	}
}
