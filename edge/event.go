package edge

import (
	"bytes"
	"encoding/json"
)

// Trigger names a CloudFront event a function is attached to.
type Trigger string

// The triggers signpost generates code for.
const (
	OriginResponse Trigger = "origin-response"
	ViewerRequest  Trigger = "viewer-request"
	ViewerResponse Trigger = "viewer-response"
)

// ParseTrigger accepts the triggers a redirect function can run on; ""
// names the default, origin-response.
func ParseTrigger(s string) (Trigger, bool) {
	switch t := Trigger(s); t {
	case "":
		return OriginResponse, true
	case OriginResponse, ViewerRequest:
		return t, true
	}
	return "", false
}

// LambdaEvent is the event Lambda@Edge passes to a function.
type LambdaEvent struct {
	Records []LambdaRecord `json:"Records"`
}

// LambdaRecord is one record of a LambdaEvent; CloudFront always sends one.
type LambdaRecord struct {
	CF LambdaCF `json:"cf"`
}

// LambdaCF holds the configuration, request and (for response triggers)
// response of an event.
type LambdaCF struct {
	Config   LambdaConfig    `json:"config"`
	Request  LambdaRequest   `json:"request"`
	Response *LambdaResponse `json:"response,omitempty"`
}

// LambdaConfig describes the distribution and the trigger.
type LambdaConfig struct {
	DistributionDomainName string  `json:"distributionDomainName,omitempty"`
	DistributionID         string  `json:"distributionId,omitempty"`
	EventType              Trigger `json:"eventType"`
	RequestID              string  `json:"requestId,omitempty"`
}

// LambdaHeaders maps lower-case header names to their values in the order
// received; Key keeps the name's original case.
type LambdaHeaders map[string][]LambdaHeader

// LambdaHeader is one header line.
type LambdaHeader struct {
	Key   string `json:"key,omitempty"`
	Value string `json:"value"`
}

// Get returns the first value of the header name (lower case), or "".
func (h LambdaHeaders) Get(name string) string {
	if vs := h[name]; len(vs) > 0 {
		return vs[0].Value
	}
	return ""
}

// Set replaces the header name (lower case) with one line.
func (h LambdaHeaders) Set(name, key, value string) {
	h[name] = []LambdaHeader{{Key: key, Value: value}}
}

// LambdaRequest is the viewer's (or origin's) request.
type LambdaRequest struct {
	ClientIP string `json:"clientIp,omitempty"`
	Method   string `json:"method,omitempty"`
	// URI is the path as received, percent-encoded, without the query.
	URI string `json:"uri"`
	// QueryString is the raw query string without "?".
	QueryString string        `json:"querystring"`
	Headers     LambdaHeaders `json:"headers"`
	// Body and Origin are passed through untouched when present.
	Body   json.RawMessage `json:"body,omitempty"`
	Origin json.RawMessage `json:"origin,omitempty"`
}

// LambdaResponse is an origin's response, or one a function generates.
type LambdaResponse struct {
	// Status is a string, as CloudFront sends and expects it.
	Status            string        `json:"status"`
	StatusDescription string        `json:"statusDescription,omitempty"`
	Headers           LambdaHeaders `json:"headers"`
	Body              string        `json:"body,omitempty"`
}

// LambdaResult is what a Lambda@Edge function returns: a request to send on
// (viewer-request with no match) or a response.
type LambdaResult struct {
	Request  *LambdaRequest
	Response *LambdaResponse
}

// MarshalJSON writes the request or the response, whichever is set.
func (r LambdaResult) MarshalJSON() ([]byte, error) {
	if r.Response != nil {
		return MarshalJSON(r.Response)
	}
	return MarshalJSON(r.Request)
}

// MarshalJSON is json.Marshal without escaping "<", ">" and "&", which are
// common in URLs and need no escaping in an event or a compiled table.
func MarshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
