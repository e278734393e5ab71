package edge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// FunctionEvent is the event CloudFront Functions pass to a function
// (event structure version 1.0).
type FunctionEvent struct {
	Version  string            `json:"version"`
	Context  FunctionContext   `json:"context"`
	Viewer   *FunctionViewer   `json:"viewer,omitempty"`
	Request  FunctionRequest   `json:"request"`
	Response *FunctionResponse `json:"response,omitempty"`
}

// FunctionContext describes the distribution and the trigger.
type FunctionContext struct {
	DistributionDomainName string  `json:"distributionDomainName,omitempty"`
	DistributionID         string  `json:"distributionId,omitempty"`
	EventType              Trigger `json:"eventType"`
	RequestID              string  `json:"requestId,omitempty"`
}

// FunctionViewer is the client.
type FunctionViewer struct {
	IP string `json:"ip"`
}

// FunctionValue is a header, query or cookie value; MultiValue is present
// only when the name repeats, and then lists every value in order.
type FunctionValue struct {
	Value      string          `json:"value"`
	MultiValue []FunctionValue `json:"multiValue,omitempty"`
}

// FunctionHeaders maps lower-case header names to values.
type FunctionHeaders map[string]FunctionValue

// FunctionRequest is the viewer's request.
type FunctionRequest struct {
	Method string `json:"method,omitempty"`
	// URI is the path as received, percent-encoded, without the query.
	URI         string          `json:"uri"`
	QueryString FunctionQuery   `json:"querystring"`
	Headers     FunctionHeaders `json:"headers"`
	Cookies     json.RawMessage `json:"cookies,omitempty"`
}

// FunctionResponse is a response a function generates or (viewer-response)
// receives.
type FunctionResponse struct {
	StatusCode        int             `json:"statusCode"`
	StatusDescription string          `json:"statusDescription,omitempty"`
	Headers           FunctionHeaders `json:"headers,omitempty"`
	Cookies           json.RawMessage `json:"cookies,omitempty"`
}

// FunctionResult is what a CloudFront Function returns.
type FunctionResult struct {
	Request  *FunctionRequest
	Response *FunctionResponse
}

// MarshalJSON writes the request or the response, whichever is set.
func (r FunctionResult) MarshalJSON() ([]byte, error) {
	if r.Response != nil {
		return MarshalJSON(r.Response)
	}
	return MarshalJSON(r.Request)
}

// QueryParam is one name of a FunctionQuery, with the values CloudFront
// received for it, still percent-encoded.
type QueryParam struct {
	Name   string
	Values []string
}

// FunctionQuery is request.querystring: an object whose member order matters,
// because the query string a redirect passes on is rebuilt from it. The
// order is the one a JavaScript object has: names that are array indices
// ("0", "7") first in numeric order, then the others in the order received.
type FunctionQuery []QueryParam

// ParseFunctionQuery builds the querystring object CloudFront Functions
// would see for a raw query string (without "?"). Names and values stay
// percent-encoded, as received.
func ParseFunctionQuery(raw string) FunctionQuery {
	var q FunctionQuery
	index := map[string]int{}
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		if i, ok := index[name]; ok {
			q[i].Values = append(q[i].Values, value)
			continue
		}
		index[name] = len(q)
		q = append(q, QueryParam{Name: name, Values: []string{value}})
	}
	q.sortLikeJS()
	return q
}

// Raw rebuilds a query string from q the way the generated code does:
// name=value pairs joined with "&", every value of a repeated name in order,
// and a bare name for an empty value.
func (q FunctionQuery) Raw() string {
	var b strings.Builder
	for _, p := range q {
		for _, v := range p.Values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(p.Name)
			if v != "" {
				b.WriteByte('=')
				b.WriteString(v)
			}
		}
	}
	return b.String()
}

// sortLikeJS moves array-index names to the front in numeric order, keeping
// the others in insertion order, as JavaScript orders an object's keys.
func (q FunctionQuery) sortLikeJS() {
	sort.SliceStable(q, func(i, j int) bool {
		a, aok := arrayIndex(q[i].Name)
		b, bok := arrayIndex(q[j].Name)
		if aok && bok {
			return a < b
		}
		return aok && !bok
	})
}

// arrayIndex reports whether s is a canonical array index (0 to 2^32-2).
func arrayIndex(s string) (uint64, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > 1<<32-2 {
		return 0, false
	}
	return n, true
}

// MarshalJSON writes q as CloudFront does: {"name": {"value": ...}}, with
// multiValue for a repeated name.
func (q FunctionQuery) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range q {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := MarshalJSON(p.Name)
		b.Write(name)
		b.WriteByte(':')
		v := FunctionValue{}
		if len(p.Values) > 0 {
			v.Value = p.Values[len(p.Values)-1]
		}
		if len(p.Values) > 1 {
			for _, s := range p.Values {
				v.MultiValue = append(v.MultiValue, FunctionValue{Value: s})
			}
		}
		data, err := MarshalJSON(v)
		if err != nil {
			return nil, err
		}
		b.Write(data)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the object form, keeping its member order (then
// ordered as JavaScript would order it).
func (q *FunctionQuery) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*q = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("querystring must be an object of {\"value\": ...}")
	}
	var out FunctionQuery
	index := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string)
		var v FunctionValue
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("querystring %q: %w", name, err)
		}
		values := []string{v.Value}
		if len(v.MultiValue) > 0 {
			values = values[:0]
			for _, m := range v.MultiValue {
				values = append(values, m.Value)
			}
		}
		if i, ok := index[name]; ok {
			out[i].Values = values
			continue
		}
		index[name] = len(out)
		out = append(out, QueryParam{Name: name, Values: values})
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	out.sortLikeJS()
	*q = out
	return nil
}
