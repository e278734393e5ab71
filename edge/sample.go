package edge

import (
	"fmt"
	"net/http"
	"strings"
)

// SampleRequest is a request to build a test event from.
type SampleRequest struct {
	Host     string
	URI      string // percent-encoded path, starting with "/"
	RawQuery string // without "?"
	Method   string // GET when empty
	// OriginStatus is the origin's status in an origin-response event;
	// 200 when zero.
	OriginStatus int
}

// ParseSampleURL splits "/jobs?a=1" or "https://old.example.com/pricing"
// into a SampleRequest, percent-encoding what a client would (spaces,
// control characters, non-ASCII). defaultHost is used for a bare path.
func ParseSampleURL(s, defaultHost string) (SampleRequest, error) {
	r := SampleRequest{Host: defaultHost}
	rest := s
	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		rest = s[strings.Index(s, "//")+2:]
		i := strings.IndexAny(rest, "/?#")
		if i < 0 {
			i = len(rest)
		}
		r.Host, rest = rest[:i], rest[i:]
		if rest == "" || rest[0] != '/' {
			rest = "/" + rest
		}
	}
	if !strings.HasPrefix(rest, "/") {
		return r, fmt.Errorf("%q must be a path starting with \"/\" or an http(s) URL", s)
	}
	rest, _, _ = strings.Cut(rest, "#")
	path, query, _ := strings.Cut(rest, "?")
	r.URI, r.RawQuery = clientEncode(path), clientEncode(query)
	return r, nil
}

// clientEncode percent-encodes the bytes a client does not send raw.
func clientEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (r SampleRequest) method() string {
	if r.Method == "" {
		return "GET"
	}
	return r.Method
}

// LambdaEvent builds the event Lambda@Edge would pass for r at trigger t,
// with an origin response of r.OriginStatus for origin-response.
func (r SampleRequest) LambdaEvent(t Trigger) *LambdaEvent {
	req := LambdaRequest{
		ClientIP: "203.0.113.178", Method: r.method(), URI: r.URI, QueryString: r.RawQuery,
		Headers: LambdaHeaders{
			"host":       {{Key: "Host", Value: r.Host}},
			"user-agent": {{Key: "User-Agent", Value: "signpost-simulate"}},
		},
	}
	cf := LambdaCF{
		Config:  LambdaConfig{DistributionDomainName: "d111111abcdef8.cloudfront.net", DistributionID: "EDFDVBD6EXAMPLE", EventType: t, RequestID: "signpost-simulate"},
		Request: req,
	}
	if t == OriginResponse {
		status := r.OriginStatus
		if status == 0 {
			status = 200
		}
		cf.Response = &LambdaResponse{
			Status: fmt.Sprint(status), StatusDescription: http.StatusText(status),
			Headers: LambdaHeaders{
				"content-type":   {{Key: "Content-Type", Value: "text/html"}},
				"content-length": {{Key: "Content-Length", Value: "1024"}},
				"etag":           {{Key: "ETag", Value: `"0f343b0931126a20f133d67c2b018a3b"`}},
				"server":         {{Key: "Server", Value: "AmazonS3"}},
				"via":            {{Key: "Via", Value: "1.1 d111111abcdef8.cloudfront.net (CloudFront)"}},
			},
		}
	}
	return &LambdaEvent{Records: []LambdaRecord{{CF: cf}}}
}

// FunctionEvent builds the viewer-request event CloudFront Functions would
// pass for r.
func (r SampleRequest) FunctionEvent() *FunctionEvent {
	return &FunctionEvent{
		Version: "1.0",
		Context: FunctionContext{DistributionDomainName: "d111111abcdef8.cloudfront.net", DistributionID: "EDFDVBD6EXAMPLE", EventType: ViewerRequest, RequestID: "signpost-simulate"},
		Viewer:  &FunctionViewer{IP: "203.0.113.178"},
		Request: FunctionRequest{
			Method: r.method(), URI: r.URI, QueryString: ParseFunctionQuery(r.RawQuery),
			Headers: FunctionHeaders{"host": {Value: r.Host}, "user-agent": {Value: "signpost-simulate"}},
		},
	}
}
