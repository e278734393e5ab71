package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// ReleaseFormat is the version of the release record written to the bucket.
const ReleaseFormat = 1

// Release is what one deploy made live.
type Release struct {
	Format    int       `json:"format"`
	ID        string    `json:"id"`
	Mode      Mode      `json:"mode"`
	CreatedAt time.Time `json:"createdAt"`
	// Digest fingerprints Rules; ArtifactSHA256 the bytes deployed.
	Digest         string `json:"digest"`
	ArtifactSHA256 string `json:"artifactSha256,omitempty"`
	RulesFile      string `json:"rulesFile,omitempty"`
	// LambdaVersionARN is the published version the distributions point at
	// (lambda-edge mode).
	LambdaVersionARN string `json:"lambdaVersionArn,omitempty"`
	// RolledBackFrom is the ID of the release a rollback replaced.
	RolledBackFrom string   `json:"rolledBackFrom,omitempty"`
	Rules          Snapshot `json:"rules"`
	// Pending is set while a deploy holds the lock.
	Pending *Lock `json:"pending,omitempty"`
}

// Lock marks a deploy in progress.
type Lock struct {
	ID      string    `json:"id"`
	Started time.Time `json:"started"`
	Host    string    `json:"host,omitempty"`
}

// ErrConflict is returned when what is deployed changed between reading it
// and writing over it: another deploy ran concurrently.
var ErrConflict = errors.New("the deployed state changed while this deploy ran")

// ErrLocked is returned when another deploy holds the lock.
type ErrLocked struct{ Lock Lock }

func (e *ErrLocked) Error() string {
	return fmt.Sprintf("deploy %s (started %s on %s) is still in progress", e.Lock.ID, e.Lock.Started.UTC().Format(time.RFC3339), e.Lock.Host)
}

// ErrDisagrees is returned when the function under test answers a sample
// request otherwise than the rules do: the function is not published.
type ErrDisagrees struct{ Function, Request, Have, Want string }

func (e *ErrDisagrees) Error() string {
	return fmt.Sprintf("function %s answers %s with %s, the rules say %s", e.Function, e.Request, e.Have, e.Want)
}

// store keeps releases and their artifacts beside the rules object.
type store struct {
	s3          *s3.Client
	bucket, key string
}

func (s *store) objectKey(name string) string { return s.key + ".signpost/" + name }

// URL names an object of the store for messages.
func (s *store) URL(name string) string { return "s3://" + s.bucket + "/" + s.objectKey(name) }

// readRelease returns the release in name ("current.json" or
// "previous.json") and its ETag; nil and "" when there is none.
func (s *store) readRelease(ctx context.Context, name string) (*Release, string, error) {
	data, etag, err := s.get(ctx, s.objectKey(name))
	if err != nil || data == nil {
		return nil, "", err
	}
	var r Release
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, "", fmt.Errorf("%s is not a signpost release record: %w", s.URL(name), err)
	}
	if r.Format > ReleaseFormat {
		return nil, "", fmt.Errorf("%s was written by a newer signpost (format %d)", s.URL(name), r.Format)
	}
	return &r, etag, nil
}

// writeRelease writes r to name, conditionally: ifMatch is the ETag the
// object must still have, or "" when it must not exist yet. It returns the
// new ETag, or ErrConflict.
func (s *store) writeRelease(ctx context.Context, name string, r *Release, ifMatch string) (string, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	return s.put(ctx, s.objectKey(name), data, "application/json", ifMatch, true)
}

// overwriteRelease writes r to name whatever is there (under the lock).
func (s *store) overwriteRelease(ctx context.Context, name string, r *Release) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = s.put(ctx, s.objectKey(name), data, "application/json", "", false)
	return err
}

// copy copies one object of the store to another, server-side; nothing
// when the source does not exist.
func (s *store) copy(ctx context.Context, from, to string) error {
	_, err := s.s3.CopyObject(ctx, &s3.CopyObjectInput{
		Bucket:     &s.bucket,
		Key:        aws.String(s.objectKey(to)),
		CopySource: aws.String(url.PathEscape(s.bucket) + "/" + escapeKey(s.objectKey(from))),
	})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("copying %s to %s: %w", s.URL(from), s.URL(to), err)
	}
	return nil
}

// escapeKey percent-encodes an object key for x-amz-copy-source, keeping
// its slashes.
func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// get reads an object; nil data and no error when it does not exist.
func (s *store) get(ctx context.Context, key string) ([]byte, string, error) {
	out, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		if isNotFound(err) {
			return nil, "", nil
		}
		return nil, "", fmt.Errorf("reading s3://%s/%s: %w", s.bucket, key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, "", fmt.Errorf("reading s3://%s/%s: %w", s.bucket, key, err)
	}
	return data, aws.ToString(out.ETag), nil
}

// head returns an object's ETag, "" when it does not exist.
func (s *store) head(ctx context.Context, key string) (string, error) {
	out, err := s.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		if isNotFound(err) {
			return "", nil
		}
		return "", fmt.Errorf("reading s3://%s/%s: %w", s.bucket, key, err)
	}
	return aws.ToString(out.ETag), nil
}

// put writes an object. With conditional set, ifMatch is the ETag it must
// have ("" means it must not exist); a failed condition is ErrConflict.
func (s *store) put(ctx context.Context, key string, data []byte, contentType, ifMatch string, conditional bool) (string, error) {
	in := &s3.PutObjectInput{
		Bucket:       &s.bucket,
		Key:          &key,
		Body:         bytes.NewReader(data),
		ContentType:  aws.String(contentType),
		CacheControl: aws.String("no-cache"),
	}
	if conditional {
		if ifMatch == "" {
			in.IfNoneMatch = aws.String("*")
		} else {
			in.IfMatch = aws.String(ifMatch)
		}
	}
	out, err := s.s3.PutObject(ctx, in)
	if err != nil {
		if isPreconditionFailed(err) {
			return "", fmt.Errorf("%w: s3://%s/%s no longer has the ETag read at the start", ErrConflict, s.bucket, key)
		}
		return "", fmt.Errorf("writing s3://%s/%s: %w", s.bucket, key, err)
	}
	return aws.ToString(out.ETag), nil
}

func (s *store) putArtifact(ctx context.Context, name string, data []byte) error {
	_, err := s.put(ctx, s.objectKey(name), data, "application/octet-stream", "", false)
	return err
}

func (s *store) artifact(ctx context.Context, name string) ([]byte, error) {
	data, _, err := s.get(ctx, s.objectKey(name))
	return data, err
}

func isNotFound(err error) bool {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound")
}

// isPreconditionFailed reports a failed If-Match/If-None-Match (412), or
// S3's 409 ConditionalRequestConflict when two conditional writes race.
func isPreconditionFailed(err error) bool {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch re.HTTPStatusCode() {
		case http.StatusPreconditionFailed, http.StatusConflict:
			return true
		}
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict")
}
