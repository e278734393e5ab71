package site

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// MaxObjectSize bounds how much of an object Object.Fetch reads: a rules
// file of a million rules is well under it.
const MaxObjectSize = 512 << 20

// Object is one S3 object watched for changes by its ETag, such as a rules
// file at s3://bucket/redirects.json.
type Object struct {
	Client      *s3.Client
	Bucket, Key string
}

func (o *Object) String() string { return "s3://" + o.Bucket + "/" + o.Key }

// Fetch returns the object's content and ETag when its ETag differs from
// version, and (nil, version, nil) when it does not. It costs a HeadObject,
// plus a GetObject when the object changed.
func (o *Object) Fetch(ctx context.Context, version string) ([]byte, string, error) {
	head, err := o.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &o.Bucket, Key: &o.Key})
	if err != nil {
		return nil, version, fmt.Errorf("%s: %w", o, err)
	}
	if etag := aws.ToString(head.ETag); etag != "" && etag == version {
		return nil, version, nil
	}
	out, err := o.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: &o.Bucket, Key: &o.Key})
	if err != nil {
		return nil, version, fmt.Errorf("%s: %w", o, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, MaxObjectSize+1))
	if err != nil {
		return nil, version, fmt.Errorf("%s: %w", o, err)
	}
	if len(data) > MaxObjectSize {
		return nil, version, fmt.Errorf("%s: larger than %d bytes", o, MaxObjectSize)
	}
	return data, aws.ToString(out.ETag), nil
}
