// Package s3test runs an in-process S3 server (gofakes3 with its in-memory
// backend) for tests, and points the standard AWS environment at it so that
// clients are built the way signpost builds them in production.
package s3test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Client is the S3 client type, so callers need not import the SDK.
type Client = s3.Client

// Server is an S3 server holding buckets in memory.
type Server struct {
	URL    string
	Client *s3.Client
	t      testing.TB
	http   *httptest.Server

	mu       sync.Mutex
	requests []string
}

// Requests returns the requests the server has had, each as its method
// and request URI ("HEAD /bucket/key").
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Close stops the server: later requests fail to connect.
func (s *Server) Close() { s.http.Close() }

// Start starts a server with the named buckets, sets AWS_ENDPOINT_URL_S3,
// a region and static credentials in the environment for the rest of the
// test (so the test must not be parallel), and returns it with a client
// built from that environment by newClient.
func Start(t testing.TB, newClient func(context.Context) (*Client, error), buckets ...string) *Server {
	t.Helper()
	s := &Server{t: t}
	fake := gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(false)).Server()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
		s.mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_S3":         ts.URL,
		"AWS_REGION":                  "us-east-1",
		"AWS_ACCESS_KEY_ID":           "test",
		"AWS_SECRET_ACCESS_KEY":       "test",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             "/nonexistent",
		"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
	c, err := newClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.URL, s.Client, s.http = ts.URL, c, ts
	for _, b := range buckets {
		if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatalf("create bucket %s: %v", b, err)
		}
	}
	return s
}

// Put stores an object; contentType may be empty.
func (s *Server) Put(bucket, key, body, contentType string) {
	s.t.Helper()
	in := &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader(body)}
	if contentType != "" {
		in.ContentType = &contentType
	}
	if _, err := s.Client.PutObject(context.Background(), in); err != nil {
		s.t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}
