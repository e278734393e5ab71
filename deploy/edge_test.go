package deploy

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/signposthq/signpost/internal/awsfake"
)

const lambdaARN = "arn:aws:lambda:us-east-1:123456789012:function:redirects"

func lambdaArtifacts(t *testing.T, rulesText, zip string) *Artifacts {
	a := artifacts(t, rulesText)
	a.LambdaZip = []byte(zip)
	return a
}

func TestLambdaEdgeDeployAndRollback(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	d := w.deployer(Target{Mode: ModeLambdaEdge, Function: "redirects", Distributions: []string{"E1EXAMPLE", "E2EXAMPLE"}})
	// Throttling and 5xx on the way are retried.
	w.lambda.Fail("PUT /2015-03-31/functions/redirects/code", 1, 429, "TooManyRequestsException")
	w.lambda.Fail("POST /2015-03-31/functions/redirects/versions", 1, 500, "ServiceException")
	w.cf.Fail("PUT /2020-05-31/distribution/E1EXAMPLE/config", 1, 503, "ServiceUnavailable")

	p, err := d.Plan(ctx, lambdaArtifacts(t, rulesV1, "zip-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"E1EXAMPLE", "E2EXAMPLE"} {
		if got := w.cf.Association(id, "origin-response"); got != lambdaARN+":2" {
			t.Fatalf("%s points at %q", id, got)
		}
	}
	if string(w.lambda.Versions[1]) != "zip-1" {
		t.Fatalf("version 2 holds %q", w.lambda.Versions[1])
	}
	w.faultsUsed(t)
	p2, _ := d.Plan(ctx, lambdaArtifacts(t, rulesV2, "zip-2"))
	if _, err := d.Apply(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if got := w.cf.Association("E1EXAMPLE", "origin-response"); got != lambdaARN+":3" {
		t.Fatalf("after the second deploy E1 points at %q", got)
	}
	// Invalidations run after the distributions are Deployed.
	if n := len(w.cf.Invalidations); n != 4 {
		t.Fatalf("%d invalidations, want 2 per deploy", n)
	}

	rp, err := d.PlanRollback(ctx, engineOpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, rp); err != nil {
		t.Fatal(err)
	}
	if got := w.cf.Association("E2EXAMPLE", "origin-response"); got != lambdaARN+":2" {
		t.Fatalf("after rollback E2 points at %q", got)
	}
	if len(w.lambda.Versions) != 3 {
		t.Fatal("rollback published a version; it should reuse the old one")
	}
}

// The zip is rejected: no version is published, no distribution changes.
func TestLambdaEdgeBadZipChangesNothing(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.lambda.RejectZip = true
	d := w.deployer(Target{Mode: ModeLambdaEdge, Function: "redirects", Distributions: []string{"E1EXAMPLE"}})
	p, _ := d.Plan(ctx, lambdaArtifacts(t, rulesV1, "not a zip"))
	if _, err := d.Apply(ctx, p); err == nil || !strings.Contains(err.Error(), "unzip") {
		t.Fatalf("want the Lambda error, got %v", err)
	}
	if got := w.cf.Association("E1EXAMPLE", "origin-response"); got != lambdaARN+":1" || w.cf.Dists["E1EXAMPLE"].Updates != 0 {
		t.Fatalf("the distribution changed: %q", got)
	}
}

// The published version fails to become Active: no distribution points at
// it and no release is recorded.
func TestLambdaEdgeFailedVersionChangesNothing(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.lambda.FailVersions = true
	d := w.deployer(Target{Mode: ModeLambdaEdge, Function: "redirects", Distributions: []string{"E1EXAMPLE"}})
	p, _ := d.Plan(ctx, lambdaArtifacts(t, rulesV1, "zip-1"))
	if _, err := d.Apply(ctx, p); err == nil || !strings.Contains(err.Error(), "version 2 of redirects failed") {
		t.Fatalf("want the version's failure, got %v", err)
	}
	if got := w.cf.Association("E1EXAMPLE", "origin-response"); got != lambdaARN+":1" || w.cf.Dists["E1EXAMPLE"].Updates != 0 {
		t.Fatalf("the distribution changed: %q", got)
	}
	if p2, err := d.Plan(ctx, lambdaArtifacts(t, rulesV1, "zip-1")); err != nil || p2.Current != nil || p2.Locked != nil {
		t.Fatalf("a release or a lock was left: %+v %v", p2, err)
	}
}

// The second distribution was changed by someone else since it was read:
// the first is pointed back at the version it had, and no release is
// recorded, so nothing disagrees with the record.
func TestLambdaEdgeSecondDistributionConflict(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.Fail("PUT /2020-05-31/distribution/E2EXAMPLE/config", 1, 412, "PreconditionFailed")
	d := w.deployer(Target{Mode: ModeLambdaEdge, Function: "redirects", Distributions: []string{"E1EXAMPLE", "E2EXAMPLE"}})
	p, _ := d.Plan(ctx, lambdaArtifacts(t, rulesV1, "zip-1"))
	if _, err := d.Apply(ctx, p); !errors.Is(err, ErrConflict) {
		t.Fatalf("want a conflict, got %v", err)
	}
	if got := w.cf.Association("E1EXAMPLE", "origin-response"); got != lambdaARN+":1" {
		t.Fatalf("E1 was left pointing at %q", got)
	}
	p2, err := d.Plan(ctx, lambdaArtifacts(t, rulesV1, "zip-1"))
	if err != nil || p2.Current != nil {
		t.Fatalf("a release was recorded: %+v %v", p2.Current, err)
	}
}

// The same, where the trigger did not exist before: the one added to the
// first distribution is removed again.
func TestLambdaEdgeSecondDistributionConflictRemovesAddedTrigger(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.Fail("PUT /2020-05-31/distribution/E2EXAMPLE/config", 1, 412, "PreconditionFailed")
	d := w.deployer(Target{Mode: ModeLambdaEdge, Function: "redirects", Trigger: "origin-request", Distributions: []string{"E1EXAMPLE", "E2EXAMPLE"}})
	p, _ := d.Plan(ctx, lambdaArtifacts(t, rulesV1, "zip-1"))
	if _, err := d.Apply(ctx, p); !errors.Is(err, ErrConflict) {
		t.Fatalf("want a conflict, got %v", err)
	}
	if got := w.cf.Association("E1EXAMPLE", "origin-request"); got != "" {
		t.Fatalf("E1 was left with an origin-request trigger on %q", got)
	}
	if got := w.cf.Association("E1EXAMPLE", "origin-response"); got != lambdaARN+":1" {
		t.Fatalf("E1's origin-response trigger points at %q", got)
	}
	w.faultsUsed(t)
}

func kvsEntries(n int, prefix string) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[fmt.Sprintf("/page-%03d", i)] = prefix + fmt.Sprint(i)
	}
	return m
}

func functionArtifacts(t *testing.T, rulesText, code string, kvs map[string]string) *Artifacts {
	a := artifacts(t, rulesText)
	a.FunctionCode, a.KVS = []byte(code), kvs
	return a
}

func TestCloudFrontFunctionDeploy(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.AddFunction("redirects", awsfake.BehaveAsRules)
	w.kvs.Items = kvsEntries(120, "old-")
	d := w.deployer(Target{Mode: ModeCloudFrontFunction, CFFunction: "redirects", KVSARN: testKVSARN})

	want := kvsEntries(100, "new-") // 100 puts, 20 deletes: 3 batches
	w.kvs.Fail("POST /key-value-stores/", 1, 429, "ThrottlingException")
	w.kvs.Fail("GET /key-value-stores/", 1, 503, "InternalServerException")
	w.cf.Fail("/test", 1, 500, "InternalError")
	p, err := d.Plan(ctx, functionArtifacts(t, rulesV1, rulesV1, want))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if w.kvs.ListCalls != 3 { // 120 keys, 50 a page
		t.Fatalf("%d ListKeys pages for 120 keys", w.kvs.ListCalls)
	}
	if !maps.Equal(w.kvs.Items, want) || w.kvs.Updates != 3 {
		t.Fatalf("store has %d keys after %d UpdateKeys", len(w.kvs.Items), w.kvs.Updates)
	}
	fn := w.cf.Functions["redirects"]
	if string(fn.Live) != rulesV1 || fn.Tests == 0 {
		t.Fatalf("LIVE holds %q after %d tests", fn.Live, fn.Tests)
	}
	if !strings.Contains(fn.Config, testKVSARN) {
		t.Fatalf("the store is not associated: %s", fn.Config)
	}
	w.faultsUsed(t)

	// Code that answers differently from the engine is not published, and
	// the store is put back.
	p2, _ := d.Plan(ctx, functionArtifacts(t, rulesV2, `{"/jobs": {"to": "/wrong"}}`, kvsEntries(100, "newer-")))
	_, err = d.Apply(ctx, p2)
	var disagrees *ErrDisagrees
	if !errors.As(err, &disagrees) || disagrees.Request != "www.example.test/jobs" || !strings.Contains(err.Error(), "the rules say") {
		t.Fatalf("want a test failure on /jobs, got %v", err)
	}
	if string(fn.Live) != rulesV1 || !maps.Equal(w.kvs.Items, want) {
		t.Fatal("a failed test left LIVE or the store changed")
	}

	// Rollback after a good second deploy restores code and store.
	p3, _ := d.Plan(ctx, functionArtifacts(t, rulesV2, rulesV2, kvsEntries(90, "newer-")))
	if _, err := d.Apply(ctx, p3); err != nil {
		t.Fatal(err)
	}
	rp, err := d.PlanRollback(ctx, engineOpts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(ctx, rp); err != nil {
		t.Fatal(err)
	}
	if string(fn.Live) != rulesV1 || !maps.Equal(w.kvs.Items, want) {
		t.Fatal("rollback did not restore the first code and store")
	}
}

func TestCloudFrontFunctionRefusesMassDelete(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.AddFunction("redirects", awsfake.BehaveAsRules)
	w.kvs.Items = kvsEntries(120, "old-")
	d := w.deployer(Target{Mode: ModeCloudFrontFunction, CFFunction: "redirects", KVSARN: testKVSARN})
	p, _ := d.Plan(ctx, functionArtifacts(t, rulesV1, rulesV1, map[string]string{}))
	if _, err := d.Apply(ctx, p); !errors.Is(err, ErrMassDelete) {
		t.Fatalf("want ErrMassDelete, got %v", err)
	}
	if len(w.kvs.Items) != 120 || w.kvs.Updates != 0 {
		t.Fatal("the store changed")
	}
	d.Target.AllowMassDelete = true
	p2, _ := d.Plan(ctx, functionArtifacts(t, rulesV1, rulesV1, map[string]string{}))
	if _, err := d.Apply(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if len(w.kvs.Items) != 0 {
		t.Fatal("allowed mass delete did not empty the store")
	}
}

// The store refuses the second batch: the first is reverted, nothing is
// published.
func TestCloudFrontFunctionHalfWrittenStoreIsReverted(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.AddFunction("redirects", awsfake.BehaveAsRules)
	w.kvs.Items = kvsEntries(120, "old-")
	before := maps.Clone(w.kvs.Items)
	w.kvs.FailAfter = 1
	d := w.deployer(Target{Mode: ModeCloudFrontFunction, CFFunction: "redirects", KVSARN: testKVSARN})
	p, _ := d.Plan(ctx, functionArtifacts(t, rulesV1, rulesV1, kvsEntries(120, "new-")))
	if _, err := d.Apply(ctx, p); err == nil {
		t.Fatal("want an error")
	}
	w.kvs.FailAfter = 0
	if !maps.Equal(w.kvs.Items, before) {
		t.Fatal("the store was left half-written")
	}
	if string(w.cf.Functions["redirects"].Live) == rulesV1 {
		t.Fatal("the function was published")
	}
}

// Another writer changed the store between the read and the update.
func TestCloudFrontFunctionStoreConflict(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.cf.AddFunction("redirects", awsfake.BehaveAsRules)
	w.kvs.Fail("POST /key-value-stores/", 1, 409, "ConflictException")
	d := w.deployer(Target{Mode: ModeCloudFrontFunction, CFFunction: "redirects", KVSARN: testKVSARN})
	p, _ := d.Plan(ctx, functionArtifacts(t, rulesV1, rulesV1, kvsEntries(3, "v")))
	if _, err := d.Apply(ctx, p); !errors.Is(err, ErrConflict) {
		t.Fatalf("want a conflict, got %v", err)
	}
}

func TestCloudFrontFunctionNeedsStoreForEntries(t *testing.T) {
	w := newWorld(t)
	d := w.deployer(Target{Mode: ModeCloudFrontFunction, CFFunction: "redirects"})
	_, err := d.Plan(context.Background(), functionArtifacts(t, rulesV1, rulesV1, kvsEntries(2, "v")))
	if err == nil || !strings.Contains(err.Error(), "--kvs-arn") {
		t.Fatalf("entries without a store: %v", err)
	}
}
