package deploy

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	kvs "github.com/aws/aws-sdk-go-v2/service/cloudfrontkeyvaluestore"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// EdgeRegion is where Lambda@Edge functions live and where CloudFront's
// global API is signed.
const EdgeRegion = "us-east-1"

// Clients are the AWS APIs a deploy calls.
type Clients struct {
	S3         *s3.Client
	CloudFront *cloudfront.Client
	Lambda     *lambda.Client
	KVS        *kvs.Client
}

// NewClients loads the standard AWS configuration (credentials chain,
// profile, AWS_REGION, and the endpoint overrides AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> such as AWS_ENDPOINT_URL_S3 and
// AWS_ENDPOINT_URL_CLOUDFRONT) and builds the clients. bucketRegion is the
// rules bucket's region ("" for the configured default); Lambda@Edge and
// CloudFront are always called in us-east-1. S3 uses path-style addressing
// whenever its endpoint is overridden, so S3-compatible stores and local
// servers work.
func NewClients(ctx context.Context, bucketRegion string, optFns ...func(*config.LoadOptions) error) (*Clients, error) {
	cfg, err := config.LoadDefaultConfig(ctx, optFns...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return ClientsFromConfig(cfg, bucketRegion), nil
}

// ClientsFromConfig builds the clients from an already loaded configuration.
func ClientsFromConfig(cfg aws.Config, bucketRegion string) *Clients {
	s3Region := bucketRegion
	if s3Region == "" {
		s3Region = cfg.Region
	}
	if s3Region == "" {
		s3Region = EdgeRegion
	}
	return &Clients{
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.Region = s3Region
			if o.BaseEndpoint != nil {
				o.UsePathStyle = true
			}
		}),
		CloudFront: cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) { o.Region = EdgeRegion }),
		Lambda:     lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.Region = EdgeRegion }),
		KVS: kvs.NewFromConfig(cfg, func(o *kvs.Options) {
			o.Region = EdgeRegion
			if o.BaseEndpoint != nil {
				// The service's endpoint rules put the account ID in front of
				// an overridden host (123456789012.localhost:9000); an
				// override names the exact server to call instead.
				o.EndpointResolverV2 = literalKVSEndpoint{base: *o.BaseEndpoint, next: kvs.NewDefaultEndpointResolverV2()}
			}
		}),
	}
}

// literalKVSEndpoint keeps the endpoint rules' signing properties but sends
// requests to the overridden URL as written.
type literalKVSEndpoint struct {
	base string
	next kvs.EndpointResolverV2
}

func (r literalKVSEndpoint) ResolveEndpoint(ctx context.Context, p kvs.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.next.ResolveEndpoint(ctx, p)
	if err != nil {
		return ep, err
	}
	u, err := url.Parse(r.base)
	if err != nil {
		return ep, fmt.Errorf("AWS_ENDPOINT_URL for the KeyValueStore is not a URL: %w", err)
	}
	ep.URI = *u
	return ep, nil
}
