package deploy

import (
	"fmt"
	"strings"
)

// Mode is how the rules reach CloudFront.
type Mode string

const (
	ModeS3                 Mode = "s3"
	ModeLambdaEdge         Mode = "lambda-edge"
	ModeCloudFrontFunction Mode = "cloudfront-function"
)

// Modes lists every mode.
var Modes = []Mode{ModeS3, ModeLambdaEdge, ModeCloudFrontFunction}

// ParseMode checks a mode's name.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q (want s3, lambda-edge or cloudfront-function)", s)
}

// Target says where a deploy goes.
type Target struct {
	Mode Mode
	// Bucket and Key: the rules object (mode s3), and in every mode the
	// place beside which releases are kept.
	Bucket, Key string
	// Distributions are the CloudFront distribution IDs to invalidate and,
	// in mode lambda-edge, to point at the new version.
	Distributions []string

	// Lambda@Edge: the function's name or unqualified ARN, the cache
	// behavior (its path pattern; "" or "*" for the default one) and the
	// event type (origin-response, viewer-request, ...).
	Function      string
	CacheBehavior string
	Trigger       string

	// CloudFront Function: its name, and the ARN of its KeyValueStore ("" for
	// none). MaxDeleteShare is the largest share of the store's keys one
	// deploy may delete (0 means 0.5) unless AllowMassDelete.
	CFFunction      string
	KVSARN          string
	MaxDeleteShare  float64
	AllowMassDelete bool
}

// Validate reports what a target lacks for its mode, every problem at once.
func (t *Target) Validate() error {
	var missing []string
	if t.Bucket == "" {
		missing = append(missing, "--bucket")
	}
	if t.Key == "" {
		missing = append(missing, "--key")
	}
	switch t.Mode {
	case ModeS3:
	case ModeLambdaEdge:
		if t.Function == "" {
			missing = append(missing, "--function")
		}
		if len(t.Distributions) == 0 {
			missing = append(missing, "--distribution")
		}
		if _, err := eventType(t.trigger()); err != nil {
			return err
		}
		if strings.HasPrefix(t.Function, "arn:") && !strings.Contains(t.Function, ":"+EdgeRegion+":") {
			return fmt.Errorf("Lambda@Edge functions live in %s, and %s does not", EdgeRegion, t.Function)
		}
	case ModeCloudFrontFunction:
		if t.CFFunction == "" {
			missing = append(missing, "--function")
		}
	default:
		return fmt.Errorf("unknown mode %q (want s3, lambda-edge or cloudfront-function)", t.Mode)
	}
	if t.MaxDeleteShare < 0 || t.MaxDeleteShare > 1 {
		return fmt.Errorf("max delete share %g is not between 0 and 1", t.MaxDeleteShare)
	}
	if len(missing) > 0 {
		return fmt.Errorf("mode %s needs %s", t.Mode, strings.Join(missing, ", "))
	}
	return nil
}

func (t *Target) trigger() string {
	if t.Trigger == "" {
		return "origin-response"
	}
	return t.Trigger
}

func (t *Target) maxDeleteShare() float64 {
	if t.MaxDeleteShare == 0 {
		return 0.5
	}
	return t.MaxDeleteShare
}

// invalidates reports whether CloudFront caches what the rules answer, so a
// change needs an invalidation: origin-side triggers' answers are cached,
// viewer-request functions run before the cache.
func (t *Target) invalidates() bool {
	switch t.Mode {
	case ModeS3:
		return true
	case ModeLambdaEdge:
		return strings.HasPrefix(t.trigger(), "origin-")
	}
	return false
}
