package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// Invalidation is one CreateInvalidation that a deploy made.
type Invalidation struct {
	Distribution string `json:"distribution"`
	ID           string `json:"id"`
	Paths        int    `json:"paths"`
	Status       string `json:"status"`
}

// invalidate sends the plan's batches to every distribution and, with
// Options.Wait, waits until each is Completed.
func (d *Deployer) invalidate(ctx context.Context, plan InvalidationPlan) ([]Invalidation, error) {
	if len(plan.Batches) == 0 {
		return nil, nil
	}
	var out []Invalidation
	for _, dist := range d.Target.Distributions {
		for i, batch := range plan.Batches {
			name := fmt.Sprintf("invalidate %d paths on %s", len(batch), dist)
			if len(plan.Batches) > 1 {
				name += fmt.Sprintf(" (batch %d of %d)", i+1, len(plan.Batches))
			}
			var inv Invalidation
			err := d.step(name, func() (string, error) {
				res, err := d.Clients.CloudFront.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
					DistributionId: aws.String(dist),
					InvalidationBatch: &cftypes.InvalidationBatch{
						// Unique per batch, so a retried request is not
						// mistaken for a replay of another batch.
						CallerReference: aws.String(fmt.Sprintf("signpost-%s-%d", d.Options.now().UTC().Format("20060102T150405.000000000Z"), i)),
						Paths:           &cftypes.Paths{Quantity: aws.Int32(int32(len(batch))), Items: batch},
					},
				})
				if err != nil {
					return "", fmt.Errorf("creating an invalidation on distribution %s: %w", dist, err)
				}
				inv = Invalidation{Distribution: dist, ID: aws.ToString(res.Invalidation.Id), Paths: len(batch), Status: aws.ToString(res.Invalidation.Status)}
				return inv.ID, nil
			})
			if err != nil {
				return out, err
			}
			out = append(out, inv)
		}
	}
	if !d.Options.Wait {
		return out, nil
	}
	for i := range out {
		inv := &out[i]
		err := d.waitFor(ctx, fmt.Sprintf("invalidation %s on %s", inv.ID, inv.Distribution), func() (bool, string, error) {
			res, err := d.Clients.CloudFront.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: aws.String(inv.Distribution), Id: aws.String(inv.ID)})
			if err != nil {
				return false, "", fmt.Errorf("reading invalidation %s on %s: %w", inv.ID, inv.Distribution, err)
			}
			inv.Status = aws.ToString(res.Invalidation.Status)
			return inv.Status == "Completed", inv.Status, nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// waitFor polls check until it reports done, reporting the elapsed time.
func (d *Deployer) waitFor(ctx context.Context, what string, check func() (bool, string, error)) error {
	start := d.Options.now()
	step := "wait for " + what
	d.emit(StepStarted, step, "")
	ctx, cancel := context.WithTimeout(ctx, d.Options.waitTimeout())
	defer cancel()
	tick := time.NewTicker(d.Options.pollInterval())
	defer tick.Stop()
	for {
		done, status, err := check()
		if err != nil {
			return err
		}
		elapsed := d.Options.now().Sub(start)
		if done {
			if d.Options.Progress != nil {
				d.Options.Progress(Event{Kind: StepDone, Step: step, Detail: status, Elapsed: elapsed})
			}
			return nil
		}
		if d.Options.Progress != nil {
			d.Options.Progress(Event{Kind: Waiting, Step: step, Detail: status, Elapsed: elapsed})
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gave up waiting for %s after %s (last status %s): %w", what, elapsed.Round(time.Second), status, context.Cause(ctx))
		case <-tick.C:
		}
	}
}
