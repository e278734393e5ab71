package edge

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// Handler is the Go reference of the generated edge code: given the same
// table and settings it returns what the JavaScript returns.
type Handler struct {
	Table   *engine.Table
	Trigger Trigger // OriginResponse when empty
	Headers HeaderPolicy
	// DebugHeader adds X-Signpost-Rule, the index (from 0) of the rule that
	// answered, to redirect responses.
	DebugHeader bool
}

// NewHandler returns a handler, checking the header policy and trigger.
func NewHandler(table *engine.Table, trigger Trigger, headers HeaderPolicy) (*Handler, error) {
	t, ok := ParseTrigger(string(trigger))
	if !ok {
		return nil, fmt.Errorf("unknown trigger %q (want origin-response or viewer-request)", trigger)
	}
	if err := headers.Validate(); err != nil {
		return nil, err
	}
	return &Handler{Table: table, Trigger: t, Headers: headers}, nil
}

func (h *Handler) trigger() Trigger {
	if h.Trigger == "" {
		return OriginResponse
	}
	return h.Trigger
}

// ErrNoRecord is returned for a Lambda@Edge event without a record.
var ErrNoRecord = errors.New("event has no Records[0].cf")

// Lambda answers a Lambda@Edge event for the handler's trigger.
func (h *Handler) Lambda(ev *LambdaEvent) (LambdaResult, error) {
	if ev == nil || len(ev.Records) == 0 {
		return LambdaResult{}, ErrNoRecord
	}
	cf := &ev.Records[0].CF
	req := &cf.Request
	d := h.decide(req.Headers.Get("host"), req.URI, req.QueryString)
	switch h.trigger() {
	case ViewerRequest:
		if !d.Match {
			return LambdaResult{Request: req}, nil
		}
		resp := &LambdaResponse{Headers: LambdaHeaders{}}
		h.redirectLambda(resp, d)
		h.secureLambda(resp.Headers, d)
		return LambdaResult{Response: resp}, nil
	default:
		if cf.Response == nil {
			return LambdaResult{}, errors.New("origin-response event has no Records[0].cf.response")
		}
		resp := cf.Response
		if resp.Headers == nil {
			resp.Headers = LambdaHeaders{}
		}
		h.secureLambda(resp.Headers, d)
		if d.Match {
			h.redirectLambda(resp, d)
		}
		return LambdaResult{Response: resp}, nil
	}
}

// redirectLambda turns resp into the rule's answer, keeping its headers.
func (h *Handler) redirectLambda(resp *LambdaResponse, d engine.Decision) {
	resp.Status = strconv.Itoa(d.Status)
	resp.StatusDescription = rules.StatusText(d.Status)
	if d.Location != "" {
		resp.Headers.Set("location", "Location", d.Location)
	} else {
		delete(resp.Headers, "location")
	}
}

func (h *Handler) secureLambda(hs LambdaHeaders, d engine.Decision) {
	for _, x := range h.Headers.Headers() {
		hs.Set(strings.ToLower(x.Name), x.Name, x.Value)
	}
	if h.DebugHeader && d.Match {
		hs.Set("x-signpost-rule", "X-Signpost-Rule", strconv.Itoa(d.Rule.Index))
	}
}

// Function answers a CloudFront Functions viewer-request event: a generated
// response on a match, otherwise the request unchanged. For a
// viewer-response event it adds the policy's headers to the response.
func (h *Handler) Function(ev *FunctionEvent) (FunctionResult, error) {
	if ev == nil {
		return FunctionResult{}, errors.New("no event")
	}
	if ev.Context.EventType == ViewerResponse {
		if ev.Response == nil {
			return FunctionResult{}, errors.New("viewer-response event has no response")
		}
		if ev.Response.Headers == nil {
			ev.Response.Headers = FunctionHeaders{}
		}
		h.secureFunction(ev.Response.Headers)
		return FunctionResult{Response: ev.Response}, nil
	}
	req := &ev.Request
	d := h.decide(req.Headers["host"].Value, req.URI, req.QueryString.Raw())
	if !d.Match {
		return FunctionResult{Request: req}, nil
	}
	resp := &FunctionResponse{StatusCode: d.Status, StatusDescription: rules.StatusText(d.Status), Headers: FunctionHeaders{}}
	if d.Location != "" {
		resp.Headers["location"] = FunctionValue{Value: d.Location}
	}
	h.secureFunction(resp.Headers)
	if h.DebugHeader {
		resp.Headers["x-signpost-rule"] = FunctionValue{Value: strconv.Itoa(d.Rule.Index)}
	}
	return FunctionResult{Response: resp}, nil
}

func (h *Handler) secureFunction(hs FunctionHeaders) {
	for _, x := range h.Headers.Headers() {
		hs[strings.ToLower(x.Name)] = FunctionValue{Value: x.Value}
	}
}

// decide resolves a request and refuses, as the generated code does, any
// Location that is not safe to send (see SafeLocation): such a request goes
// on to the site as if no rule matched.
func (h *Handler) decide(host, uri, rawQuery string) engine.Decision {
	if h.Table == nil {
		return engine.Decision{}
	}
	d := h.Table.Resolve(host, uri, rawQuery)
	if d.Match && d.Status != rules.StatusGone && !SafeLocation(d.Location) {
		return engine.Decision{}
	}
	return d
}

// SafeLocation reports whether loc may be sent as a Location header: not
// empty, no control character, space or non-ASCII byte (no header
// splitting), and not protocol-relative ("//host", "/\host") nor with a
// scheme other than http or https.
func SafeLocation(loc string) bool {
	if loc == "" {
		return false
	}
	for i := 0; i < len(loc); i++ {
		if c := loc[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	if loc[0] == '/' {
		return len(loc) == 1 || (loc[1] != '/' && loc[1] != '\\')
	}
	lower := strings.ToLower(loc)
	for _, scheme := range []string{"https://", "http://"} {
		if rest, ok := strings.CutPrefix(lower, scheme); ok {
			return rest != "" && rest[0] != '/' && rest[0] != '\\'
		}
	}
	return false
}
