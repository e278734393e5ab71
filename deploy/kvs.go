package deploy

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	kvs "github.com/aws/aws-sdk-go-v2/service/cloudfrontkeyvaluestore"
	kvstypes "github.com/aws/aws-sdk-go-v2/service/cloudfrontkeyvaluestore/types"
)

// kvsBatch is the most keys one UpdateKeys may put and delete together.
const kvsBatch = 50

// kvsOp is one key's change: a put of Value, or a delete.
type kvsOp struct {
	Key    string
	Value  string
	Delete bool
}

// KVSDiff is how a KeyValueStore must change to hold the wanted entries.
type KVSDiff struct {
	Puts, Deletes int
	// Existing is how many keys the store held.
	Existing int
	ops      []kvsOp // deletes last
	undo     []kvsOp // restores what ops change, in the same order
}

// diffKVS compares the store's entries with the wanted ones.
func diffKVS(have, want map[string]string) KVSDiff {
	d := KVSDiff{Existing: len(have)}
	keys := slices.Sorted(maps.Keys(want))
	for _, k := range keys {
		old, ok := have[k]
		if ok && old == want[k] {
			continue
		}
		d.Puts++
		d.ops = append(d.ops, kvsOp{Key: k, Value: want[k]})
		if ok {
			d.undo = append(d.undo, kvsOp{Key: k, Value: old})
		} else {
			d.undo = append(d.undo, kvsOp{Key: k, Delete: true})
		}
	}
	keys = keys[:0]
	for k := range have {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		d.Deletes++
		d.ops = append(d.ops, kvsOp{Key: k, Delete: true})
		d.undo = append(d.undo, kvsOp{Key: k, Value: have[k]})
	}
	return d
}

// ErrMassDelete is returned when a deploy would delete more of the store
// than allowed.
var ErrMassDelete = errors.New("refusing to delete so much of the KeyValueStore")

// kvsSync reads the store and changes it to hold want, in batches of at
// most 50 keys, each conditional on the ETag the one before returned. It
// returns a function that undoes what it applied, for when a later step
// fails.
func (d *Deployer) kvsSync(ctx context.Context, want map[string]string) (undo func(context.Context) error, err error) {
	arn := d.Target.KVSARN
	c := d.Clients.KVS
	var etag string
	var diff KVSDiff
	err = d.step("read the KeyValueStore", func() (string, error) {
		desc, err := c.DescribeKeyValueStore(ctx, &kvs.DescribeKeyValueStoreInput{KvsARN: &arn})
		if err != nil {
			return "", fmt.Errorf("reading KeyValueStore %s: %w", arn, err)
		}
		etag = aws.ToString(desc.ETag)
		have := map[string]string{}
		// 50 is the most a page may hold (the default is 10).
		p := kvs.NewListKeysPaginator(c, &kvs.ListKeysInput{KvsARN: &arn, MaxResults: aws.Int32(50)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return "", fmt.Errorf("listing the keys of KeyValueStore %s: %w", arn, err)
			}
			for _, it := range page.Items {
				have[aws.ToString(it.Key)] = aws.ToString(it.Value)
			}
		}
		diff = diffKVS(have, want)
		return fmt.Sprintf("%d keys; %d to put, %d to delete", len(have), diff.Puts, diff.Deletes), nil
	})
	if err != nil {
		return nil, err
	}
	if share := d.Target.maxDeleteShare(); diff.Deletes > 0 && !d.Target.AllowMassDelete &&
		float64(diff.Deletes) > share*float64(diff.Existing) {
		return nil, fmt.Errorf("%w: %d of its %d keys would go (more than %.0f%%); an emptied store is a site without redirects", ErrMassDelete, diff.Deletes, diff.Existing, share*100)
	}
	if len(diff.ops) == 0 {
		return func(context.Context) error { return nil }, nil
	}
	applied := 0
	err = d.step(fmt.Sprintf("update the KeyValueStore (%s, %s)", count(diff.Puts, "put"), count(diff.Deletes, "delete")), func() (string, error) {
		for start := 0; start < len(diff.ops); start += kvsBatch {
			end := min(start+kvsBatch, len(diff.ops))
			next, err := d.updateKeys(ctx, etag, diff.ops[start:end])
			if err != nil {
				return "", err
			}
			etag, applied = next, end
		}
		return count((len(diff.ops)+kvsBatch-1)/kvsBatch, "batch"), nil
	})
	undo = func(ctx context.Context) error {
		if applied == 0 {
			return nil
		}
		d.emit(StepStarted, "restore the KeyValueStore", "")
		for start := 0; start < applied; start += kvsBatch {
			end := min(start+kvsBatch, applied)
			next, err := d.updateKeys(ctx, etag, diff.undo[start:end])
			if err != nil {
				return fmt.Errorf("restoring KeyValueStore %s: %w", arn, err)
			}
			etag = next
		}
		d.emit(StepDone, "restore the KeyValueStore", fmt.Sprintf("%d keys restored", applied))
		applied = 0
		return nil
	}
	if err != nil {
		if uerr := undo(context.WithoutCancel(ctx)); uerr != nil {
			err = fmt.Errorf("%w; and %v", err, uerr)
		}
		return nil, err
	}
	return undo, nil
}

// updateKeys sends one UpdateKeys with If-Match and returns the new ETag.
func (d *Deployer) updateKeys(ctx context.Context, etag string, ops []kvsOp) (string, error) {
	in := &kvs.UpdateKeysInput{KvsARN: aws.String(d.Target.KVSARN), IfMatch: aws.String(etag)}
	for _, op := range ops {
		if op.Delete {
			in.Deletes = append(in.Deletes, kvstypes.DeleteKeyRequestListItem{Key: aws.String(op.Key)})
		} else {
			in.Puts = append(in.Puts, kvstypes.PutKeyRequestListItem{Key: aws.String(op.Key), Value: aws.String(op.Value)})
		}
	}
	out, err := d.Clients.KVS.UpdateKeys(ctx, in)
	if err != nil {
		var conflict *kvstypes.ConflictException
		if errors.As(err, &conflict) || isPreconditionFailed(err) {
			return "", fmt.Errorf("%w: KeyValueStore %s was changed by someone else", ErrConflict, d.Target.KVSARN)
		}
		return "", fmt.Errorf("updating KeyValueStore %s: %w", d.Target.KVSARN, err)
	}
	return aws.ToString(out.ETag), nil
}
