package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// functionArtifact is what a CloudFront Function release stores to be
// rolled back to.
type functionArtifact struct {
	Code string            `json:"code"`
	KVS  map[string]string `json:"kvs,omitempty"`
}

// storedArtifact is what a release keeps in the bucket to be restored by
// rollback: the compiled table (s3), the function code and KVS entries
// (cloudfront-function), nothing for lambda-edge, whose published versions
// are immutable and kept by Lambda.
func (d *Deployer) storedArtifact(pl payload) ([]byte, error) {
	switch d.Target.Mode {
	case ModeS3:
		if len(pl.compiled) == 0 {
			return nil, fmt.Errorf("mode s3 needs the compiled table")
		}
		return pl.compiled, nil
	case ModeCloudFrontFunction:
		if len(pl.code) == 0 {
			return nil, fmt.Errorf("mode cloudfront-function needs the function code")
		}
		return json.Marshal(functionArtifact{Code: string(pl.code), KVS: pl.kvs})
	}
	return nil, nil
}

// artifactDigest fingerprints what the mode publishes.
func (d *Deployer) artifactDigest(pl payload) (string, error) {
	if d.Target.Mode == ModeLambdaEdge {
		if len(pl.zip) == 0 && pl.versionARN == "" {
			return "", fmt.Errorf("mode lambda-edge needs the function's zip")
		}
		return sha256Hex(pl.zip), nil
	}
	b, err := d.storedArtifact(pl)
	if err != nil {
		return "", err
	}
	return sha256Hex(b), nil
}

// payloadFromStored rebuilds what to publish from a release's stored
// artifact (rollback).
func (d *Deployer) payloadFromStored(rel *Release, stored []byte) (payload, error) {
	switch d.Target.Mode {
	case ModeS3:
		if len(stored) == 0 {
			return payload{}, fmt.Errorf("the table of release %s is missing from the bucket", rel.ID)
		}
		return payload{compiled: stored}, nil
	case ModeCloudFrontFunction:
		var fa functionArtifact
		if err := json.Unmarshal(stored, &fa); err != nil || fa.Code == "" {
			return payload{}, fmt.Errorf("the function code of release %s is missing from the bucket", rel.ID)
		}
		return payload{code: []byte(fa.Code), kvs: fa.KVS}, nil
	case ModeLambdaEdge:
		if rel.LambdaVersionARN == "" {
			return payload{}, fmt.Errorf("release %s names no Lambda version", rel.ID)
		}
		return payload{versionARN: rel.LambdaVersionARN}, nil
	}
	return payload{}, fmt.Errorf("unknown mode %q", d.Target.Mode)
}

// calls lists, for people, the AWS calls applying p makes.
func (d *Deployer) calls(p *Plan) []string {
	t := &d.Target
	var c []string
	add := func(format string, a ...any) { c = append(c, fmt.Sprintf(format, a...)) }
	state := "s3://" + t.Bucket + "/" + t.Key + ".signpost/"
	lockCond := "If-Match"
	if p.currentETag == "" {
		lockCond = "If-None-Match *"
	}
	add("s3:PutObject %scurrent.json (lock, %s)", state, lockCond)
	switch t.Mode {
	case ModeS3:
		cond := "If-Match " + p.liveETag
		if p.liveETag == "" {
			cond = "If-None-Match *"
		}
		add("s3:PutObject s3://%s/%s (%d bytes, application/json, %s)", t.Bucket, t.Key, len(p.payload.compiled), cond)
	case ModeLambdaEdge:
		if p.payload.versionARN == "" {
			add("lambda:UpdateFunctionCode %s (%d bytes, RevisionId)", t.Function, len(p.payload.zip))
			add("lambda:PublishVersion %s, then wait until the version is Active", t.Function)
		}
		for _, id := range t.Distributions {
			add("cloudfront:GetDistributionConfig %s, UpdateDistribution %s (%s of %s, If-Match)", id, id, t.trigger(), behaviorName(t.CacheBehavior))
		}
	case ModeCloudFrontFunction:
		if t.KVSARN != "" {
			add("cloudfront-keyvaluestore:ListKeys, then UpdateKeys in batches of at most %d (IfMatch)", kvsBatch)
		}
		add("cloudfront:UpdateFunction %s (%d bytes, DEVELOPMENT, If-Match)", t.CFFunction, len(p.payload.code))
		add("cloudfront:TestFunction %s on sample requests", t.CFFunction)
		add("cloudfront:PublishFunction %s (LIVE, If-Match)", t.CFFunction)
	}
	add("s3:CopyObject, s3:PutObject %s{previous,current}.{json,artifact}", state)
	if len(p.Invalidation.Paths) > 0 {
		for _, id := range t.Distributions {
			add("cloudfront:CreateInvalidation %s (%s in %s)", id, count(len(p.Invalidation.Paths), "path"), count(len(p.Invalidation.Batches), "batch"))
		}
	}
	return c
}

// publish makes the plan's payload live, the mode's way.
func (d *Deployer) publish(ctx context.Context, p *Plan) error {
	switch d.Target.Mode {
	case ModeS3:
		return d.publishS3(ctx, p)
	case ModeLambdaEdge:
		return d.publishLambdaEdge(ctx, p)
	case ModeCloudFrontFunction:
		return d.publishFunction(ctx, p)
	}
	return fmt.Errorf("unknown mode %q", d.Target.Mode)
}

// publishS3 uploads the compiled table the S3-backed function reads,
// conditionally on the ETag it had when the plan was made.
func (d *Deployer) publishS3(ctx context.Context, p *Plan) error {
	st := d.store()
	return d.step("upload the rules", func() (string, error) {
		_, err := st.put(ctx, d.Target.Key, p.payload.compiled, "application/json", p.liveETag, true)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("s3://%s/%s (%s)", d.Target.Bucket, d.Target.Key, ByteSize(len(p.payload.compiled))), nil
	})
}

// count writes "1 path", "2 paths", "2 batches".
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "ch") {
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func behaviorName(pattern string) string {
	if pattern == "" || pattern == "*" {
		return "the default cache behavior"
	}
	return "cache behavior " + pattern
}

// ByteSize writes a size in bytes the way people read it: "7.2 KB".
func ByteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
