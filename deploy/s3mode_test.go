package deploy

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

const rulesV1 = `{
  "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 },
  "/resources/the-follow-up-formula": { "to": "/resources/followup", "statusCode": 301 },
  "/blog/*": { "to": "/news/:splat" },
}`

const rulesV2 = `{
  "/jobs": { "to": "https://careers.example.com/", "statusCode": 302 },
  "/resources/the-follow-up-formula": { "to": "/resources/followup", "statusCode": 301, "note": "a note changes nothing" },
  "/über uns": { "to": "/about/" },
}`

func TestS3DeployPlanApplyRollback(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	target := Target{Mode: ModeS3, Distributions: []string{"E1EXAMPLE"}}

	// Plan against an empty bucket: everything is added; nothing changes.
	d := w.deployer(target)
	p, err := d.Plan(ctx, artifacts(t, rulesV1))
	if err != nil {
		t.Fatal(err)
	}
	if p.Current != nil || p.Stats != (DiffStats{Added: 3}) {
		t.Fatalf("first plan: current %v, stats %+v", p.Current, p.Stats)
	}
	if w.object("config/redirects.json") != nil || len(w.cf.Invalidations) != 0 {
		t.Fatal("planning changed something")
	}

	res, err := d.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	v1 := artifacts(t, rulesV1).Compiled
	if got := w.object("config/redirects.json"); !bytes.Equal(got, v1) {
		t.Fatalf("uploaded table differs from engine.Encode")
	}
	if len(res.Invalidations) != 1 || res.Invalidations[0].Status != "Completed" {
		t.Fatalf("invalidations %+v", res.Invalidations)
	}
	if got := w.cf.Invalidations[0].Paths; !slices.Equal(got, []string{"/blog", "/blog/*", "/jobs", "/jobs/", "/resources/the-follow-up-formula", "/resources/the-follow-up-formula/"}) {
		t.Fatalf("first deploy invalidated %q", got)
	}

	// The second deploy invalidates only what changed, encoded.
	p2, err := d.Plan(ctx, artifacts(t, rulesV2))
	if err != nil {
		t.Fatal(err)
	}
	if p2.Stats != (DiffStats{Added: 1, Changed: 1, Removed: 1}) {
		t.Fatalf("second plan stats %+v: %+v", p2.Stats, p2.Changes)
	}
	if _, err := d.Apply(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if got := w.cf.Invalidations[1].Paths; !slices.Equal(got, []string{"/%C3%BCber%20uns", "/%C3%BCber%20uns/", "/blog", "/blog/*", "/jobs", "/jobs/"}) {
		t.Fatalf("second deploy invalidated %q", got)
	}

	// Deploying the same rules again does nothing.
	p3, err := d.Plan(ctx, artifacts(t, rulesV2))
	if err != nil {
		t.Fatal(err)
	}
	if !p3.UpToDate || len(p3.Calls) != 0 {
		t.Fatalf("same rules: up to date %v, calls %q", p3.UpToDate, p3.Calls)
	}

	// Rollback restores the first table byte for byte and invalidates the
	// same sources again.
	rp, err := d.PlanRollback(ctx, engineOpts)
	if err != nil {
		t.Fatal(err)
	}
	if rp.Stats != (DiffStats{Added: 1, Changed: 1, Removed: 1}) {
		t.Fatalf("rollback plan %+v", rp.Stats)
	}
	if _, err := d.Apply(ctx, rp); err != nil {
		t.Fatal(err)
	}
	if got := w.object("config/redirects.json"); !bytes.Equal(got, v1) {
		t.Fatalf("rollback did not restore the first table")
	}
	if n := len(w.cf.Invalidations); n != 3 {
		t.Fatalf("%d invalidations after rollback", n)
	}
	// A second rollback goes forward again.
	rp2, err := d.PlanRollback(ctx, engineOpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, rp2); err != nil {
		t.Fatal(err)
	}
	if got := w.object("config/redirects.json"); !bytes.Equal(got, artifacts(t, rulesV2).Compiled) {
		t.Fatalf("rolling back the rollback did not restore the second table")
	}
}

func TestS3RollbackWithoutPrevious(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := w.deployer(Target{Mode: ModeS3})
	if _, err := d.PlanRollback(ctx, engineOpts); err == nil || !strings.Contains(err.Error(), "nothing is deployed") {
		t.Fatalf("rollback of nothing: %v", err)
	}
	deploy(t, d, rulesV1)
	if _, err := d.PlanRollback(ctx, engineOpts); !errors.Is(err, ErrNoPrevious) {
		t.Fatalf("rollback of the first release: %v", err)
	}
}

// Two CI jobs plan against the same release and apply at the same time:
// exactly one wins, the other fails with ErrConflict before changing
// anything, and the bucket holds the winner's table.
func TestS3ConcurrentDeploys(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := w.deployer(Target{Mode: ModeS3, Distributions: []string{"E1EXAMPLE"}})
	deploy(t, d, rulesV1)
	a, b := artifacts(t, rulesV2), artifacts(t, `{"/a": {"to": "/b"}}`)
	pa, err := d.Plan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := d.Plan(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []*Plan{pa, pb} {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = d.Apply(ctx, p) }()
	}
	wg.Wait()
	var winner *Artifacts
	switch {
	case errs[0] == nil && errors.Is(errs[1], ErrConflict):
		winner = a
	case errs[1] == nil && errors.Is(errs[0], ErrConflict):
		winner = b
	default:
		t.Fatalf("want one success and one conflict, got %v and %v", errs[0], errs[1])
	}
	if got := w.object("config/redirects.json"); !bytes.Equal(got, winner.Compiled) {
		t.Fatal("the bucket does not hold the winner's table")
	}
	// The loser can plan again and deploy over the winner.
	loser := b
	if winner == b {
		loser = a
	}
	p2, err := d.Plan(ctx, loser)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, p2); err != nil {
		t.Fatalf("after a conflict, a new plan applies: %v", err)
	}
}

// A rules object changed outside signpost (a hand upload, an old CI job)
// since the plan: the upload is refused and the lock given back.
func TestS3ObjectChangedOutside(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := w.deployer(Target{Mode: ModeS3})
	p, _ := d.Plan(ctx, artifacts(t, rulesV1))
	st := &store{s3: w.s3, bucket: "site", key: "config/redirects.json"}
	if _, err := st.put(ctx, "config/redirects.json", []byte(`{"/x":{"to":"/y"}}`), "application/json", "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, p); !errors.Is(err, ErrConflict) {
		t.Fatalf("want a conflict, got %v", err)
	}
	if got := string(w.object("config/redirects.json")); got != `{"/x":{"to":"/y"}}` {
		t.Fatalf("the object was overwritten: %s", got)
	}
	rec, _, err := st.readRelease(ctx, "current.json")
	if err != nil || rec == nil || rec.Pending != nil {
		t.Fatalf("the lock was not given back: %+v, %v", rec, err)
	}
	// And the next deploy is not blocked by it.
	p2, _ := d.Plan(ctx, artifacts(t, rulesV1))
	if _, err := d.Apply(ctx, p2); err != nil {
		t.Fatal(err)
	}
}

// Throttling and 5xx answers are retried by the SDK; the deploy succeeds.
func TestS3RetriesThrottlingAnd5xx(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.Fail("/invalidation", 1, 400, "Throttling")
	w.cf.Fail("/invalidation", 1, 503, "ServiceUnavailable")
	w.s3faults.Fail("PUT /site/config/redirects.json", 1, 503, "SlowDown")
	w.s3faults.Fail("GET /site/", 1, 500, "InternalError")
	d := w.deployer(Target{Mode: ModeS3, Distributions: []string{"E1EXAMPLE", "E2EXAMPLE"}})
	p, _ := d.Plan(ctx, artifacts(t, rulesV1))
	res, err := d.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Invalidations) != 2 || len(w.cf.Invalidations) != 2 {
		t.Fatalf("want one invalidation per distribution, got %+v", res.Invalidations)
	}
	w.faultsUsed(t)
}

// When invalidating keeps failing, the rules are live and recorded, and the
// error says so.
func TestS3InvalidationFailsAfterUpload(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.Fail("/invalidation", 10, 403, "AccessDenied")
	d := w.deployer(Target{Mode: ModeS3, Distributions: []string{"E1EXAMPLE"}})
	p, _ := d.Plan(ctx, artifacts(t, rulesV1))
	_, err := d.Apply(ctx, p)
	if err == nil || !strings.Contains(err.Error(), "the new rules are live") {
		t.Fatalf("want an invalidation error, got %v", err)
	}
	p2, err := d.Plan(ctx, artifacts(t, rulesV1))
	if err != nil || p2.Current == nil || p2.Current.ID != p.Next.ID {
		t.Fatalf("the release was not recorded: %v", err)
	}
}

func TestLockHeldByAnotherDeploy(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := w.deployer(Target{Mode: ModeS3})
	deploy(t, d, rulesV1)
	// A deploy that took the lock and died.
	st := d.store()
	rec, etag, _ := st.readRelease(ctx, "current.json")
	rec.Pending = &Lock{ID: "other", Started: d.Options.now()}
	if _, err := st.writeRelease(ctx, "current.json", rec, etag); err != nil {
		t.Fatal(err)
	}
	p2, _ := d.Plan(ctx, artifacts(t, rulesV2))
	var locked *ErrLocked
	if _, err := d.Apply(ctx, p2); !errors.As(err, &locked) || locked.Lock.ID != "other" {
		t.Fatalf("want ErrLocked, got %v", err)
	}
	d.Options.BreakLock = true
	p3, _ := d.Plan(ctx, artifacts(t, rulesV2))
	if _, err := d.Apply(ctx, p3); err != nil {
		t.Fatalf("breaking the lock: %v", err)
	}
}

// A deploy dies after uploading its table, before recording it: the next
// deploy takes over the lock and invalidates what the dead one changed as
// well as its own changes.
func TestS3TakeOverAfterDeployDied(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := w.deployer(Target{Mode: ModeS3, Distributions: []string{"E1EXAMPLE"}})
	deploy(t, d, rulesV1)
	// The dying deploy: lock, upload, then nothing.
	dying, _ := d.Plan(ctx, artifacts(t, `{"/dead": {"to": "/end"}, "/jobs": { "to": "https://jobs.example.com/" }}`))
	st := d.store()
	if _, err := d.lock(ctx, st, dying); err != nil {
		t.Fatal(err)
	}
	if err := d.publish(ctx, dying); err != nil {
		t.Fatal(err)
	}
	before := len(w.cf.Invalidations)

	d.Options.BreakLock = true
	p2, err := d.Plan(ctx, artifacts(t, rulesV1))
	if err != nil {
		t.Fatal(err)
	}
	if p2.UpToDate {
		t.Fatal("the record says v1, but the live table is the dead deploy's: not up to date")
	}
	if _, err := d.Apply(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if got := w.cf.Invalidations[before].Paths; !slices.Contains(got, "/dead") || !slices.Contains(got, "/blog/*") {
		t.Fatalf("the take-over invalidated %q; want the dead deploy's changes too", got)
	}
	if !bytes.Equal(w.object("config/redirects.json"), artifacts(t, rulesV1).Compiled) {
		t.Fatal("the live table is not v1 again")
	}
}

// deploy plans and applies rules, failing the test on any error.
func deploy(t *testing.T, d *Deployer, rules string) *Result {
	t.Helper()
	p, err := d.Plan(context.Background(), artifacts(t, rules))
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Apply(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
