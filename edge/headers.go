package edge

import (
	"fmt"
	"strconv"
	"strings"
)

// DefaultHSTSMaxAge is two years, the value of the original setup.
const DefaultHSTSMaxAge = 63072000

// HSTS configures the Strict-Transport-Security header.
type HSTS struct {
	// Disabled turns the header off.
	Disabled bool `json:"disabled,omitempty"`
	// MaxAge in seconds; 0 means DefaultHSTSMaxAge.
	MaxAge            int  `json:"maxAge,omitempty"`
	IncludeSubDomains bool `json:"includeSubDomains,omitempty"`
	Preload           bool `json:"preload,omitempty"`
}

// Value is the header's value, e.g. "max-age=63072000; includeSubDomains".
func (h HSTS) Value() string {
	age := h.MaxAge
	if age <= 0 {
		age = DefaultHSTSMaxAge
	}
	v := "max-age=" + strconv.Itoa(age)
	if h.IncludeSubDomains {
		v += "; includeSubDomains"
	}
	if h.Preload {
		v += "; preload"
	}
	return v
}

// Header is one response header the policy adds.
type Header struct {
	// Name as sent (e.g. "X-Content-Type-Options"); compared in lower case.
	Name  string `json:"name"`
	Value string `json:"value"`
}

// HeaderPolicy is the set of security headers added to responses: to every
// response in the origin-response trigger, to generated redirects in the
// viewer-request trigger and in CloudFront Functions.
type HeaderPolicy struct {
	HSTS  HSTS     `json:"hsts"`
	Extra []Header `json:"extra,omitempty"`
}

// Headers lists the headers the policy adds, HSTS first.
func (p HeaderPolicy) Headers() []Header {
	var hs []Header
	if !p.HSTS.Disabled {
		hs = append(hs, Header{Name: "Strict-Transport-Security", Value: p.HSTS.Value()})
	}
	return append(hs, p.Extra...)
}

// readOnly are headers an origin-response function must leave as they are;
// disallowed are headers no function may add or change. CloudFront answers
// 502 to a function that does either.
var (
	readOnly   = []string{"transfer-encoding", "via"}
	disallowed = []string{"connection", "expect", "keep-alive", "proxy-authenticate",
		"proxy-authorization", "proxy-connection", "trailer", "upgrade", "x-cache",
		"x-forwarded-proto", "x-real-ip", "content-length", "host", "location"}
	disallowedPrefixes = []string{"x-accel-", "x-amz-cf-", "x-edge-", "x-amzn-"}
)

// Validate reports the first header the policy may not set: an empty or
// invalid name, a value with control characters, a duplicate, or a header
// CloudFront reserves.
func (p HeaderPolicy) Validate() error {
	if p.HSTS.MaxAge < 0 {
		return fmt.Errorf("hsts max-age %d is negative", p.HSTS.MaxAge)
	}
	seen := map[string]bool{}
	if !p.HSTS.Disabled {
		seen["strict-transport-security"] = true
	}
	for _, h := range p.Extra {
		if err := h.Validate(); err != nil {
			return err
		}
		name := strings.ToLower(h.Name)
		if seen[name] {
			return fmt.Errorf("header %s is given twice", h.Name)
		}
		seen[name] = true
		if reason := reserved(name); reason != "" {
			return fmt.Errorf("header %s cannot be set at the edge: %s", h.Name, reason)
		}
	}
	return nil
}

// Validate reports a header that no HTTP response may carry: a name that
// is not an HTTP token (RFC 9110, section 5.6.2), or a value with a control
// character other than tab (a line break would end the header early).
func (h Header) Validate() error {
	if !validToken(h.Name) {
		return fmt.Errorf("header name %q is not an HTTP token: letters, digits and !#$%%&'*+-.^_`|~ only", h.Name)
	}
	for i := 0; i < len(h.Value); i++ {
		if c := h.Value[i]; c == '\r' || c == '\n' {
			return fmt.Errorf("the value of %s holds a line break", h.Name)
		} else if c < 0x20 && c != '\t' || c == 0x7f {
			return fmt.Errorf("the value of %s holds a control character", h.Name)
		}
	}
	return nil
}

// reserved says why CloudFront forbids a function to set name, or "".
func reserved(name string) string {
	for _, r := range readOnly {
		if name == r {
			return "CloudFront treats it as read-only"
		}
	}
	for _, d := range disallowed {
		if name == d {
			return "CloudFront does not allow functions to set it"
		}
	}
	for _, pre := range disallowedPrefixes {
		if strings.HasPrefix(name, pre) {
			return "CloudFront reserves the " + pre + " prefix"
		}
	}
	return ""
}

// validToken reports whether s is a non-empty HTTP token.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
