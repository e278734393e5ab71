package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// eventType checks a trigger's name.
func eventType(s string) (cftypes.EventType, error) {
	for _, e := range cftypes.EventTypeViewerRequest.Values() {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("unknown trigger %q (want origin-response, viewer-request, origin-request or viewer-response)", s)
}

// publishLambdaEdge publishes the new code as a numbered version, waits
// until it is Active, and only then points the distributions at it.
func (d *Deployer) publishLambdaEdge(ctx context.Context, p *Plan) error {
	arn := p.payload.versionARN
	if arn == "" {
		var err error
		if arn, err = d.publishVersion(ctx, p.payload.zip); err != nil {
			return err
		}
	}
	p.Next.LambdaVersionARN = arn
	type pointed struct{ dist, oldARN string }
	var done []pointed
	for _, dist := range d.Target.Distributions {
		var old string
		err := d.step("point "+dist+" at "+shortARN(arn), func() (string, error) {
			var err error
			old, err = d.pointDistribution(ctx, dist, arn)
			if err != nil {
				return "", err
			}
			if old == "" {
				return "trigger added", nil
			}
			return "was " + shortARN(old), nil
		})
		if err != nil {
			// Put back the distributions already changed, so that they do
			// not disagree with the release record: a trigger this deploy
			// added is removed again.
			for _, pd := range done {
				if _, rerr := d.pointDistribution(context.WithoutCancel(ctx), pd.dist, pd.oldARN); rerr != nil {
					back := "pointing it back at " + pd.oldARN
					if pd.oldARN == "" {
						back = "removing the trigger it was given"
					}
					err = fmt.Errorf("%w; and on %s %s failed: %v", err, pd.dist, back, rerr)
				}
			}
			return err
		}
		done = append(done, pointed{dist, old})
	}
	if d.Options.Wait || len(p.Invalidation.Paths) > 0 {
		// Invalidating before the edges run the new version would let them
		// cache the old answers again.
		for _, dist := range d.Target.Distributions {
			if err := d.waitDeployed(ctx, dist); err != nil {
				return err
			}
		}
	}
	return nil
}

// publishVersion uploads the zip and publishes it, conditionally on the
// function's revision read first.
func (d *Deployer) publishVersion(ctx context.Context, zip []byte) (string, error) {
	lc := d.Clients.Lambda
	name := d.Target.Function
	var rev, sha string
	err := d.step("upload the function code", func() (string, error) {
		cur, err := lc.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &name})
		if err != nil {
			return "", fmt.Errorf("reading Lambda function %s: %w", name, err)
		}
		out, err := lc.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: &name, ZipFile: zip, RevisionId: cur.RevisionId})
		if err != nil {
			if isLambdaConflict(err) {
				return "", fmt.Errorf("%w: Lambda function %s changed since it was read", ErrConflict, name)
			}
			return "", fmt.Errorf("updating the code of Lambda function %s: %w", name, err)
		}
		rev, sha = aws.ToString(out.RevisionId), aws.ToString(out.CodeSha256)
		return ByteSize(len(zip)), nil
	})
	if err != nil {
		return "", err
	}
	err = d.waitFor(ctx, "the code update of "+name, func() (bool, string, error) {
		c, err := lc.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &name})
		if err != nil {
			return false, "", fmt.Errorf("reading Lambda function %s: %w", name, err)
		}
		switch c.LastUpdateStatus {
		case ltypes.LastUpdateStatusFailed:
			return false, "", fmt.Errorf("Lambda rejected the new code of %s: %s", name, aws.ToString(c.LastUpdateStatusReason))
		case ltypes.LastUpdateStatusSuccessful, "":
			rev = aws.ToString(c.RevisionId)
			return true, string(ltypes.LastUpdateStatusSuccessful), nil
		}
		return false, string(c.LastUpdateStatus), nil
	})
	if err != nil {
		return "", err
	}
	var arn, version string
	err = d.step("publish a version", func() (string, error) {
		out, err := lc.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: &name, CodeSha256: &sha, RevisionId: &rev,
			Description: aws.String("signpost deploy")})
		if err != nil {
			if isLambdaConflict(err) {
				return "", fmt.Errorf("%w: Lambda function %s changed before its version was published", ErrConflict, name)
			}
			return "", fmt.Errorf("publishing a version of Lambda function %s: %w", name, err)
		}
		arn, version = aws.ToString(out.FunctionArn), aws.ToString(out.Version)
		return "version " + version, nil
	})
	if err != nil {
		return "", err
	}
	err = d.waitFor(ctx, "version "+version+" to be Active", func() (bool, string, error) {
		c, err := lc.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: &name, Qualifier: &version})
		if err != nil {
			return false, "", fmt.Errorf("reading version %s of %s: %w", version, name, err)
		}
		if c.State == ltypes.StateFailed {
			return false, "", fmt.Errorf("version %s of %s failed: %s", version, name, aws.ToString(c.StateReason))
		}
		return c.State == ltypes.StateActive, string(c.State), nil
	})
	return arn, err
}

// pointDistribution sets the trigger of the cache behavior to arn, or
// removes it when arn is "", conditionally on the config's ETag, and
// returns the ARN it replaced ("" when there was no trigger).
func (d *Deployer) pointDistribution(ctx context.Context, dist, arn string) (string, error) {
	cf := d.Clients.CloudFront
	got, err := cf.GetDistributionConfig(ctx, &cloudfront.GetDistributionConfigInput{Id: &dist})
	if err != nil {
		return "", fmt.Errorf("reading the config of distribution %s: %w", dist, err)
	}
	cfg := got.DistributionConfig
	assoc, err := d.associations(cfg, dist)
	if err != nil {
		return "", err
	}
	et, _ := eventType(d.Target.trigger())
	old := ""
	found := false
	for i := range assoc.Items {
		if assoc.Items[i].EventType == et {
			old = aws.ToString(assoc.Items[i].LambdaFunctionARN)
			assoc.Items[i].LambdaFunctionARN = aws.String(arn)
			found = true
		}
	}
	switch {
	case arn == "":
		assoc.Items = slices.DeleteFunc(assoc.Items, func(a cftypes.LambdaFunctionAssociation) bool { return a.EventType == et })
		if len(assoc.Items) == 0 {
			assoc.Items = nil // Quantity 0 without Items, as CloudFront writes it
		}
	case !found:
		assoc.Items = append(assoc.Items, cftypes.LambdaFunctionAssociation{EventType: et, LambdaFunctionARN: aws.String(arn), IncludeBody: aws.Bool(false)})
	}
	assoc.Quantity = aws.Int32(int32(len(assoc.Items)))
	_, err = cf.UpdateDistribution(ctx, &cloudfront.UpdateDistributionInput{Id: &dist, IfMatch: got.ETag, DistributionConfig: cfg})
	if err != nil {
		if isPreconditionFailed(err) {
			return "", fmt.Errorf("%w: distribution %s was changed by someone else since it was read", ErrConflict, dist)
		}
		return "", fmt.Errorf("updating distribution %s: %w", dist, err)
	}
	return old, nil
}

// associations finds the Lambda associations of the target's cache
// behavior in cfg, creating the empty list if there is none.
func (d *Deployer) associations(cfg *cftypes.DistributionConfig, dist string) (*cftypes.LambdaFunctionAssociations, error) {
	pattern := d.Target.CacheBehavior
	ensure := func(a **cftypes.LambdaFunctionAssociations) *cftypes.LambdaFunctionAssociations {
		if *a == nil {
			*a = &cftypes.LambdaFunctionAssociations{Quantity: aws.Int32(0)}
		}
		return *a
	}
	if pattern == "" || pattern == "*" {
		if cfg.DefaultCacheBehavior == nil {
			return nil, fmt.Errorf("distribution %s has no default cache behavior", dist)
		}
		return ensure(&cfg.DefaultCacheBehavior.LambdaFunctionAssociations), nil
	}
	var have []string
	if cfg.CacheBehaviors != nil {
		for i := range cfg.CacheBehaviors.Items {
			cb := &cfg.CacheBehaviors.Items[i]
			if aws.ToString(cb.PathPattern) == pattern {
				return ensure(&cb.LambdaFunctionAssociations), nil
			}
			have = append(have, aws.ToString(cb.PathPattern))
		}
	}
	return nil, fmt.Errorf("distribution %s has no cache behavior with path pattern %q (it has: default %s)", dist, pattern, strings.Join(have, " "))
}

// waitDeployed waits until the distribution's status is Deployed.
func (d *Deployer) waitDeployed(ctx context.Context, dist string) error {
	return d.waitFor(ctx, "distribution "+dist+" to be Deployed", func() (bool, string, error) {
		out, err := d.Clients.CloudFront.GetDistribution(ctx, &cloudfront.GetDistributionInput{Id: &dist})
		if err != nil {
			return false, "", fmt.Errorf("reading distribution %s: %w", dist, err)
		}
		s := aws.ToString(out.Distribution.Status)
		return s == "Deployed", s, nil
	})
}

// isLambdaConflict reports a RevisionId that no longer matches.
func isLambdaConflict(err error) bool {
	var pf *ltypes.PreconditionFailedException
	return errors.As(err, &pf)
}

// shortARN keeps the function name and version of an ARN.
func shortARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) >= 8 {
		return parts[6] + ":" + parts[7]
	}
	return arn
}
