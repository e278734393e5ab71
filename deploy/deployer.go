package deploy

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// Artifacts are what a deploy publishes, built by the caller from one
// checked rules file: the compiled table and the edge code for the mode.
type Artifacts struct {
	// Set and Table are the checked rules (signpost.Load); Table is used to
	// build the sample requests a CloudFront Function is tested with.
	Set   *rules.Set
	Table *engine.Table
	// Compiled is the engine's compiled table (engine.Encode), uploaded in
	// mode s3.
	Compiled []byte
	// LambdaZip is the Lambda@Edge deployment package (mode lambda-edge).
	LambdaZip []byte
	// FunctionCode and KVS are the CloudFront Function and its KeyValueStore
	// entries (mode cloudfront-function).
	FunctionCode []byte
	KVS          map[string]string
}

// Options tune a deploy.
type Options struct {
	Invalidation InvalidationOptions
	// Wait blocks until invalidations complete and distributions are
	// Deployed.
	Wait bool
	// PollInterval is the pause between status checks; 0 means 5 s.
	PollInterval time.Duration
	// WaitTimeout bounds each wait; 0 means 30 min.
	WaitTimeout time.Duration
	// LockTimeout is how old a pending marker must be before it is
	// considered abandoned; 0 means 30 min. BreakLock ignores any.
	LockTimeout time.Duration
	BreakLock   bool
	// Samples is how many sample requests a CloudFront Function is tested
	// with; 0 means 20.
	Samples int
	// Progress receives each step; nil discards them.
	Progress func(Event)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (o *Options) pollInterval() time.Duration {
	if o.PollInterval <= 0 {
		return 5 * time.Second
	}
	return o.PollInterval
}

func (o *Options) waitTimeout() time.Duration {
	if o.WaitTimeout <= 0 {
		return 30 * time.Minute
	}
	return o.WaitTimeout
}

func (o *Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// EventKind says what an Event reports.
type EventKind string

const (
	StepStarted EventKind = "start"
	StepDone    EventKind = "done"
	Waiting     EventKind = "wait"
	Note        EventKind = "note"
)

// Event is one line of progress.
type Event struct {
	Kind    EventKind     `json:"kind"`
	Step    string        `json:"step"`
	Detail  string        `json:"detail,omitempty"`
	Elapsed time.Duration `json:"elapsedNs,omitempty"`
}

// Deployer deploys to one target.
type Deployer struct {
	Clients *Clients
	Target  Target
	Options Options
}

func (d *Deployer) store() *store {
	return &store{s3: d.Clients.S3, bucket: d.Target.Bucket, key: d.Target.Key}
}

func (d *Deployer) emit(kind EventKind, step, detail string) {
	if d.Options.Progress != nil {
		d.Options.Progress(Event{Kind: kind, Step: step, Detail: detail})
	}
}

// step runs fn as one reported step.
func (d *Deployer) step(name string, fn func() (string, error)) error {
	d.emit(StepStarted, name, "")
	detail, err := fn()
	if err != nil {
		return err
	}
	d.emit(StepDone, name, detail)
	return nil
}

// Plan is what a deploy or rollback will do.
type Plan struct {
	Mode     Mode
	Rollback bool
	// Current is the release live now (nil before the first deploy); Next
	// the one that will be.
	Current *Release
	Next    *Release
	Changes []Change
	Stats   DiffStats
	// UpToDate is true when the rules and the artifact are those live.
	UpToDate     bool
	Invalidation InvalidationPlan
	// Calls are the AWS calls the apply will make, for people.
	Calls []string
	// Locked is the marker of a deploy in progress (or one that died).
	Locked *Lock

	record *Release // current.json as read, possibly only a lock
	// abandoned is the release a deploy that died while holding the lock
	// was publishing (pending.json): it may be partly live.
	abandoned   *Release
	currentETag string // of current.json
	liveETag    string // of the rules object (mode s3)
	payload     payload
	table       *engine.Table
}

// payload is what the mode publishes.
type payload struct {
	compiled   []byte
	zip        []byte
	code       []byte
	kvs        map[string]string
	versionARN string // lambda-edge rollback: an already published version
}

// Plan reads what is deployed and compares the artifacts with it. It
// changes nothing.
func (d *Deployer) Plan(ctx context.Context, art *Artifacts) (*Plan, error) {
	if err := d.Target.Validate(); err != nil {
		return nil, err
	}
	if art.Set == nil || art.Table == nil {
		return nil, errors.New("the rules were not checked: nothing to deploy")
	}
	if d.Target.Mode == ModeCloudFrontFunction && len(art.KVS) > 0 && d.Target.KVSARN == "" {
		return nil, errors.New("the function reads its exact rules from a KeyValueStore: give its ARN (--kvs-arn)")
	}
	p := &Plan{Mode: d.Target.Mode, table: art.Table}
	p.payload = payload{compiled: art.Compiled, zip: art.LambdaZip, code: art.FunctionCode, kvs: art.KVS}
	digest, err := d.artifactDigest(p.payload)
	if err != nil {
		return nil, err
	}
	snap := SnapshotOf(art.Set)
	p.Next = &Release{
		Format: ReleaseFormat, ID: d.newID(), Mode: d.Target.Mode, CreatedAt: d.Options.now().UTC(),
		Digest: snap.Digest(), ArtifactSHA256: digest, RulesFile: art.Set.File, Rules: snap,
	}
	if err := d.readCurrent(ctx, p); err != nil {
		return nil, err
	}
	var old Snapshot
	if p.Current != nil {
		old = p.Current.Rules
	}
	d.finishPlan(p, old)
	return p, nil
}

// readCurrent fills p.Current and the ETags the apply's writes are
// conditional on.
func (d *Deployer) readCurrent(ctx context.Context, p *Plan) error {
	st := d.store()
	return d.step("read the deployed release", func() (string, error) {
		cur, etag, err := st.readRelease(ctx, "current.json")
		if err != nil {
			return "", err
		}
		if cur != nil && cur.Mode != d.Target.Mode {
			return "", fmt.Errorf("s3://%s/%s was deployed in mode %s, not %s; deploy to another key to change modes", d.Target.Bucket, d.Target.Key, cur.Mode, d.Target.Mode)
		}
		p.record, p.currentETag = cur, etag
		if cur != nil && cur.ID != "" {
			// A record without an ID only holds the lock of a first deploy.
			p.Current = cur
		}
		if cur != nil && cur.Pending != nil {
			p.Locked = cur.Pending
			pend, _, err := st.readRelease(ctx, "pending.json")
			if err != nil {
				return "", err
			}
			if pend != nil && pend.ID == cur.Pending.ID {
				p.abandoned = pend
			}
		}
		if d.Target.Mode == ModeS3 {
			if p.liveETag, err = st.head(ctx, d.Target.Key); err != nil {
				return "", err
			}
		}
		if p.Current == nil {
			return "nothing deployed yet", nil
		}
		return fmt.Sprintf("release %s, %d rules", cur.ID, len(cur.Rules)), nil
	})
}

func (d *Deployer) finishPlan(p *Plan, old Snapshot) {
	p.Changes = Diff(old, p.Next.Rules)
	if p.Changes == nil {
		p.Changes = []Change{}
	}
	p.Stats = Stats(p.Changes)
	p.UpToDate = p.Current != nil && len(p.Changes) == 0 && p.Current.ArtifactSHA256 == p.Next.ArtifactSHA256 && p.Current.Pending == nil && !p.Rollback
	if d.Target.invalidates() && len(d.Target.Distributions) > 0 {
		changes := p.Changes
		if p.Current == nil {
			// The first deploy: whatever was cached before it may be stale
			// for every source.
			changes = Diff(nil, p.Next.Rules)
		}
		if p.abandoned != nil {
			// A deploy died half-way: what it made live differs from the
			// record, so what it changed is stale too.
			changes = append(changes, Diff(p.abandoned.Rules, p.Next.Rules)...)
		}
		if p.Current != nil && len(p.Changes) > 0 {
			// A source whose chain runs through a changed rule answers
			// differently too, though its own rule is the same.
			next := p.table
			if next == nil { // a rollback of a mode that does not test its function
				next, _ = engine.Compile(p.Next.Rules.Set("next"), engine.Options{})
			}
			changes = append(changes, Followed(old, p.Next.Rules, p.Changes, next)...)
		}
		p.Invalidation = PlanInvalidation(changes, d.Options.Invalidation)
	}
	if !p.UpToDate {
		p.Calls = d.calls(p)
	}
}

// Apply carries out a plan. What is live at every moment is either the old
// release or the new one, and the release records say which.
func (d *Deployer) Apply(ctx context.Context, p *Plan) (*Result, error) {
	start := d.Options.now()
	res := &Result{Plan: p, Release: p.Current}
	if p.UpToDate {
		d.emit(Note, "up to date", "the rules and the edge code are those deployed; nothing to do")
		res.Duration = d.Options.now().Sub(start)
		return res, nil
	}
	st := d.store()
	lockETag, err := d.lock(ctx, st, p)
	if err != nil {
		return nil, err
	}
	if err := d.publish(ctx, p); err != nil {
		// Nothing live points at what failed; give the lock back.
		if uerr := d.unlock(ctx, st, p, lockETag); uerr != nil {
			err = fmt.Errorf("%w; and releasing the lock failed: %v", err, uerr)
		}
		return nil, err
	}
	if err := d.commit(ctx, st, p, lockETag); err != nil {
		return nil, err
	}
	res.Release = p.Next
	invs, err := d.invalidate(ctx, p.Invalidation)
	res.Invalidations = invs
	res.Duration = d.Options.now().Sub(start)
	if err != nil {
		return res, fmt.Errorf("the new rules are live, but invalidating the cache failed: %w", err)
	}
	return res, nil
}

// Result is what an applied plan did.
type Result struct {
	Plan          *Plan
	Release       *Release
	Invalidations []Invalidation
	Duration      time.Duration
}

func (d *Deployer) lock(ctx context.Context, st *store, p *Plan) (string, error) {
	var etag string
	err := d.step("take the deploy lock", func() (string, error) {
		if cur := p.record; cur != nil && cur.Pending != nil && !d.Options.BreakLock {
			if d.Options.now().Sub(cur.Pending.Started) < d.lockTimeout() {
				return "", &ErrLocked{Lock: *cur.Pending}
			}
			d.emit(Note, "take the deploy lock", fmt.Sprintf("deploy %s started %s and never finished; taking over", cur.Pending.ID, cur.Pending.Started.UTC().Format(time.RFC3339)))
		}
		rec := &Release{Format: ReleaseFormat, Mode: d.Target.Mode, Rules: Snapshot{}}
		if p.Current != nil {
			c := *p.Current
			rec = &c
		}
		host, _ := os.Hostname()
		rec.Pending = &Lock{ID: p.Next.ID, Started: d.Options.now().UTC(), Host: host}
		var err error
		etag, err = st.writeRelease(ctx, "current.json", rec, p.currentETag)
		if err != nil {
			return "", err
		}
		// What this deploy is about to make live, for a deploy that takes
		// over should this one die.
		if err := st.overwriteRelease(ctx, "pending.json", p.Next); err != nil {
			return "", err
		}
		return st.URL("current.json"), nil
	})
	return etag, err
}

func (d *Deployer) lockTimeout() time.Duration {
	if d.Options.LockTimeout <= 0 {
		return 30 * time.Minute
	}
	return d.Options.LockTimeout
}

// unlock restores current.json as it was before the lock (or removes the
// marker of a first deploy that failed).
func (d *Deployer) unlock(ctx context.Context, st *store, p *Plan, lockETag string) error {
	rec := &Release{Format: ReleaseFormat, Mode: d.Target.Mode, Rules: Snapshot{}}
	if p.Current != nil {
		c := *p.Current
		c.Pending = nil
		rec = &c
	}
	_, err := st.writeRelease(context.WithoutCancel(ctx), "current.json", rec, lockETag)
	return err
}

// commit records the new release: the old one becomes previous.
func (d *Deployer) commit(ctx context.Context, st *store, p *Plan, lockETag string) error {
	return d.step("record the release", func() (string, error) {
		ctx := context.WithoutCancel(ctx) // what is live must be recorded
		artifact, err := d.storedArtifact(p.payload)
		if err != nil {
			return "", err
		}
		if p.Current != nil {
			// What was current becomes previous (after a rollback too, so
			// that a second rollback goes forward again).
			if err := st.copy(ctx, "current.artifact", "previous.artifact"); err != nil {
				return "", err
			}
			prev := *p.Current
			prev.Pending = nil
			if err := st.overwriteRelease(ctx, "previous.json", &prev); err != nil {
				return "", err
			}
		}
		if artifact != nil {
			if err := st.putArtifact(ctx, "current.artifact", artifact); err != nil {
				return "", err
			}
		}
		next := *p.Next
		next.Pending = nil
		if _, err := st.writeRelease(ctx, "current.json", &next, lockETag); err != nil {
			return "", err
		}
		return "release " + next.ID, nil
	})
}

func (d *Deployer) newID() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return d.Options.now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
