package formats

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/rules"
)

// s3Rule is one S3 website routing rule, as the XML and JSON forms share it.
type s3Rule struct {
	Condition *struct {
		KeyPrefixEquals             *string    `xml:"KeyPrefixEquals" json:"KeyPrefixEquals"`
		HttpErrorCodeReturnedEquals flexString `xml:"HttpErrorCodeReturnedEquals" json:"HttpErrorCodeReturnedEquals"`
	} `xml:"Condition" json:"Condition"`
	Redirect struct {
		HostName             string     `xml:"HostName" json:"HostName"`
		Protocol             string     `xml:"Protocol" json:"Protocol"`
		ReplaceKeyPrefixWith *string    `xml:"ReplaceKeyPrefixWith" json:"ReplaceKeyPrefixWith"`
		ReplaceKeyWith       *string    `xml:"ReplaceKeyWith" json:"ReplaceKeyWith"`
		HttpRedirectCode     flexString `xml:"HttpRedirectCode" json:"HttpRedirectCode"`
	} `xml:"Redirect" json:"Redirect"`
	line int
}

// flexString is a string in XML, and a string or a number in JSON (the API
// writes "301", people write 301).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("%s is neither a string nor a number", b)
	}
	*f = flexString(n.String())
	return nil
}

// ImportS3RoutingRules reads S3 website routing rules: the XML (a
// <RoutingRules> element or a whole <WebsiteConfiguration>) or the
// console's JSON (an array of rules, or an object with "RoutingRules").
//
// S3 applies the first rule whose KeyPrefixEquals the object key starts
// with, so a rule is the prefix rule "/PREFIX*"; ReplaceKeyWith gives a
// fixed target, ReplaceKeyPrefixWith keeps the rest of the key (:splat),
// HostName and Protocol make the target absolute, and HttpRedirectCode is
// the status (301 when absent). Rules that only apply when S3 answers an
// error (HttpErrorCodeReturnedEquals), and later rules an earlier prefix
// shadows, are reported, not imported.
func ImportS3RoutingRules(name string, data []byte) (*Imported, error) {
	var list []s3Rule
	var err error
	if t := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))); len(t) > 0 && (t[0] == '[' || t[0] == '{') {
		list, err = parseS3JSON(data)
	} else {
		list, err = parseS3XML(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	imp := newImported(name)
	imp.Header = []string{fmt.Sprintf("Imported from the S3 routing rules %s by signpost import.", name)}
	fm := newFirstMatch()
	var prev *orderedRule // added once its checks are done: S3 applies it, imported or not
	guessedScheme := false
	for _, sr := range list {
		if prev != nil {
			fm.add(prev)
		}
		prefix := ""
		if sr.Condition != nil && sr.Condition.KeyPrefixEquals != nil {
			prefix = *sr.Condition.KeyPrefixEquals
		}
		from := "/" + prefix + "*"
		o := &orderedRule{Line: sr.line, From: from, Status: 301}
		o.src = parseSource(from)
		o.m = newMatcher(o.src)
		prev = o
		rd := sr.Redirect
		if c := strings.TrimSpace(string(rd.HttpRedirectCode)); c != "" {
			n, err := strconv.Atoi(c)
			if err != nil {
				imp.drop(sr.line, from, "HttpRedirectCode %q is not a number", c)
				continue
			}
			o.Status = n
		}
		if sr.Condition != nil && sr.Condition.HttpErrorCodeReturnedEquals != "" {
			o.conditional = true
			imp.drop(sr.line, from, "applies only when S3 answers %s (HttpErrorCodeReturnedEquals); signpost redirects whether or not the page exists", string(sr.Condition.HttpErrorCodeReturnedEquals))
			continue
		}
		if !isRedirectStatus(o.Status) {
			imp.drop(sr.line, from, "HttpRedirectCode %d is not a redirect signpost can send (301, 302, 303, 307 or 308)", o.Status)
			continue
		}
		var path string
		switch {
		case rd.ReplaceKeyWith != nil && rd.ReplaceKeyPrefixWith != nil:
			imp.drop(sr.line, from, "has both ReplaceKeyWith and ReplaceKeyPrefixWith, which S3 rejects")
			continue
		case rd.ReplaceKeyWith != nil:
			path = "/" + *rd.ReplaceKeyWith
		case rd.ReplaceKeyPrefixWith != nil:
			path = "/" + *rd.ReplaceKeyPrefixWith + ":splat"
		default:
			path = "/" + prefix + ":splat"
		}
		to := path
		switch {
		case rd.HostName != "":
			scheme := strings.ToLower(rd.Protocol)
			if scheme == "" {
				scheme, guessedScheme = "https", true
			}
			to = scheme + "://" + rd.HostName + path
		case rd.Protocol != "":
			imp.drop(sr.line, from, "changes only the protocol (to %s) and keeps the host; a signpost target is a path or a full URL: set HostName", rd.Protocol)
			continue
		case rd.ReplaceKeyWith == nil && rd.ReplaceKeyPrefixWith == nil:
			imp.drop(sr.line, from, "redirects every key to itself")
			continue
		}
		o.To = to
		if why := fm.shadowedBy(o); why != "" {
			imp.drop(sr.line, from, "%s", strings.Replace(why, "Netlify", "S3", -1))
			continue
		}
		o.kept = true
		imp.add(rules.Rule{Source: from, To: to, Status: o.Status}, sr.line, nil)
	}
	if guessedScheme {
		imp.Notices = append(imp.Notices, "rules with a HostName and no Protocol keep the request's protocol on S3; they were imported with https")
	}
	return imp, nil
}

func parseS3XML(data []byte) ([]s3Rule, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var list []s3Rule
	sawRules := false
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "RoutingRules":
			sawRules = true
		case "RoutingRule":
			var r s3Rule
			r.line = 1 + bytes.Count(data[:off], []byte("\n")) + leadingNewlines(data[off:])
			if err := dec.DecodeElement(&r, &se); err != nil {
				return nil, fmt.Errorf("line %d: XML: %v", r.line, err)
			}
			list = append(list, r)
		}
	}
	if !sawRules && len(list) == 0 {
		return nil, fmt.Errorf("no <RoutingRules> in the XML")
	}
	return list, nil
}

func parseS3JSON(data []byte) ([]s3Rule, error) {
	body := data
	var wrapper struct {
		RoutingRules json.RawMessage `json:"RoutingRules"`
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(data, &wrapper); err != nil {
			return nil, fmt.Errorf("JSON: %v", err)
		}
		if wrapper.RoutingRules == nil {
			return nil, fmt.Errorf("no \"RoutingRules\" in the JSON object")
		}
		body = wrapper.RoutingRules
	}
	base := bytes.Index(data, body)
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("JSON: %v", err)
	}
	var list []s3Rule
	for dec.More() {
		off := int(dec.InputOffset())
		var r s3Rule
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("JSON: %v", err)
		}
		start := off + len(body[off:]) - len(bytes.TrimLeft(body[off:], " \t\r\n,"))
		r.line = 1 + bytes.Count(data[:base+start], []byte("\n"))
		list = append(list, r)
	}
	return list, nil
}

// leadingNewlines counts the line ends before the first non-space byte.
func leadingNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		switch c {
		case '\n':
			n++
		case ' ', '\t', '\r':
		default:
			return n
		}
	}
	return n
}
