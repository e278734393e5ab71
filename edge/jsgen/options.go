package jsgen

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/signposthq/signpost/edge"
)

// LambdaOptions configure a Lambda@Edge function.
type LambdaOptions struct {
	// Trigger is edge.OriginResponse (the default) or edge.ViewerRequest.
	Trigger edge.Trigger
	// Headers are the security headers the function adds.
	Headers edge.HeaderPolicy
	// Source, when set, makes the function read the table from S3 instead
	// of bundling it.
	Source *S3Source
	// DebugHeader adds X-Signpost-Rule (the index, from 0, of the rule that
	// answered) to redirect responses.
	DebugHeader bool
}

// S3Source is where an S3-backed function reads the compiled table.
type S3Source struct {
	Bucket, Key string
	// Region of the bucket; "us-east-1" when empty.
	Region string
	// Endpoint overrides the S3 endpoint (an S3-compatible store, a test
	// server); requests then use path-style addressing.
	Endpoint string
	// Refresh is the longest a container serves a table without asking S3
	// whether it changed (a conditional GET); 60 s when zero.
	Refresh time.Duration
	// Timeout bounds one request to S3; 2 s when zero. On a timeout the last
	// good table keeps serving.
	Timeout time.Duration
	// Fallback bundles the table given to LambdaEdgeZip as well, served by a
	// container that cannot read S3 when it starts, until S3 answers.
	Fallback bool
}

// ParseS3URL splits s3://bucket/key.
func ParseS3URL(s string) (*S3Source, error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return nil, fmt.Errorf("%q is not an s3://bucket/key URL", s)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" || key == "" || strings.HasSuffix(key, "/") {
		return nil, fmt.Errorf("%q must name a bucket and an object key: s3://bucket/key", s)
	}
	return &S3Source{Bucket: bucket, Key: key}, nil
}

func (s *S3Source) settings() (map[string]any, error) {
	region := s.Region
	if region == "" {
		region = "us-east-1"
	}
	if s.Endpoint != "" {
		u, err := url.Parse(s.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("S3 endpoint %q must be an http(s) URL", s.Endpoint)
		}
	}
	refresh, timeout := s.Refresh, s.Timeout
	if refresh <= 0 {
		refresh = 60 * time.Second
	}
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	return map[string]any{
		"bucket": s.Bucket, "key": s.Key, "region": region, "endpoint": s.Endpoint,
		"refreshSeconds": refresh.Seconds(), "timeoutMs": timeout.Milliseconds(),
	}, nil
}

// FunctionOptions configure a CloudFront Function.
type FunctionOptions struct {
	// Headers are added to the function's own redirect responses; ordinary
	// responses get them from a response headers policy or from
	// ViewerResponseFunction.
	Headers edge.HeaderPolicy
	// KVS puts the exact rules in a KeyValueStore even when they would fit
	// in the code.
	KVS bool
	// DebugHeader adds x-signpost-rule (the index, from 0, of the rule that
	// answered) to redirect responses; it costs a few bytes per rule.
	DebugHeader bool
}
