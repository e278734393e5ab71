package deploy

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// ErrNoPrevious is returned by PlanRollback when no release came before the
// current one.
var ErrNoPrevious = errors.New("there is no previous release to roll back to")

// PlanRollback plans going back to the release before the current one: its
// rules, its artifact (the table, the function code and KVS entries, or the
// Lambda version), and the invalidation of what that changes. Applied, the
// two releases swap places, so a second rollback goes forward again.
func (d *Deployer) PlanRollback(ctx context.Context, opts engine.Options) (*Plan, error) {
	if err := d.Target.Validate(); err != nil {
		return nil, err
	}
	p := &Plan{Mode: d.Target.Mode, Rollback: true}
	if err := d.readCurrent(ctx, p); err != nil {
		return nil, err
	}
	if p.Current == nil {
		return nil, fmt.Errorf("nothing is deployed at s3://%s/%s", d.Target.Bucket, d.Target.Key)
	}
	st := d.store()
	err := d.step("read the previous release", func() (string, error) {
		prev, _, err := st.readRelease(ctx, "previous.json")
		if err != nil {
			return "", err
		}
		if prev == nil {
			return "", ErrNoPrevious
		}
		stored, err := st.artifact(ctx, "previous.artifact")
		if err != nil {
			return "", err
		}
		if p.payload, err = d.payloadFromStored(prev, stored); err != nil {
			return "", err
		}
		next := *prev
		next.Pending = nil
		next.RolledBackFrom = p.Current.ID
		p.Next = &next
		return fmt.Sprintf("release %s, %d rules", prev.ID, len(prev.Rules)), nil
	})
	if err != nil {
		return nil, err
	}
	if d.Target.Mode == ModeCloudFrontFunction {
		// The function is tested before it is published again, against
		// the engine's answers to the previous rules.
		set := p.Next.Rules.Set(st.URL("previous.json"))
		table, ds := engine.Compile(set, opts)
		if ds.HasErrors() || table == nil {
			return nil, fmt.Errorf("the previous release's rules no longer compile:\n%v", ds.Err())
		}
		p.table = table
	}
	d.finishPlan(p, p.Current.Rules)
	return p, nil
}

// Set rebuilds a rules set from a snapshot, sources in sorted order.
func (s Snapshot) Set(file string) *rules.Set {
	srcs := slices.Sorted(maps.Keys(s))
	set := &rules.Set{File: file}
	for i, src := range srcs {
		e := s[src]
		r := rules.Rule{Source: src, To: e.To, Status: e.Status, Index: i}
		if e.Query == "drop" {
			r.Query = rules.QueryDrop
		}
		set.Rules = append(set.Rules, r)
	}
	return set
}
