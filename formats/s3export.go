package formats

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// S3MaxRoutingRules is how many routing rules S3 accepts for a bucket.
const S3MaxRoutingRules = 50

// ExportS3RoutingRules writes the rules as the <RoutingRules> XML of an S3
// static website, in the engine's order of precedence (S3 applies the first
// rule whose KeyPrefixEquals the key starts with). A prefix rule "/p*" is
// KeyPrefixEquals p, with ReplaceKeyPrefixWith when its target ends in
// :splat and ReplaceKeyWith when the target is fixed. S3 has only prefixes:
// an exact rule is written as a prefix and reported as a warning, since it
// also matches longer keys. Host-qualified rules, :name captures, 410 and
// more than 50 rules cannot be expressed. KeyPrefixEquals is the object
// key, every escape decoded: a rule with %2F also matches "/" (a warning
// says so), and a key with a byte that is not UTF-8 or a control character
// XML 1.0 cannot carry is an error.
func ExportS3RoutingRules(set *rules.Set, opts ExportOptions) ([]byte, []Problem) {
	type redirect struct {
		Protocol             string  `xml:"Protocol,omitempty"`
		HostName             string  `xml:"HostName,omitempty"`
		ReplaceKeyPrefixWith *string `xml:"ReplaceKeyPrefixWith,omitempty"`
		ReplaceKeyWith       *string `xml:"ReplaceKeyWith,omitempty"`
		HttpRedirectCode     string  `xml:"HttpRedirectCode"`
	}
	type rule struct {
		Comment   string                           `xml:",comment"`
		Condition struct{ KeyPrefixEquals string } `xml:"Condition"`
		Redirect  redirect                         `xml:"Redirect"`
	}
	var out struct {
		XMLName xml.Name `xml:"RoutingRules"`
		Rules   []rule   `xml:"RoutingRule"`
	}
	opts.singleHost = true
	ordered, probs := precedenceOrder(set, opts)
	probs = append(probs, caseProblem(set, opts, "S3")...)
	var written []*rules.Rule
	for _, r := range ordered {
		src := parseSource(r.Source)
		caps := src.captures()
		switch {
		case src.Host != "":
			probs = append(probs, problem(set, r, "S3 routing rules apply to the bucket's one website: a rule for one host name belongs in that host's bucket"))
			continue
		case r.Status == rules.StatusGone:
			probs = append(probs, problem(set, r, "S3 routing rules only redirect; they cannot answer 410"))
			continue
		case len(src.captureNames()) > 0 && !(src.Splat && len(src.captureNames()) == 1):
			probs = append(probs, problem(set, r, "S3 routing rules match key prefixes and cannot capture a :name segment"))
			continue
		case strings.ContainsAny(r.To, "?#"):
			probs = append(probs, problem(set, r, "S3 routing rules cannot redirect to a target with a query string or fragment"))
			continue
		}
		var rr rule
		rr.Comment = " " + r.Source + " "
		if strings.Contains(rr.Comment, "--") {
			rr.Comment = ""
		}
		// KeyPrefixEquals is compared with the object key, which is the
		// request's path without its leading "/" and with every escape
		// decoded: the key of /100%25-off is "100%-off", and that of
		// /a%2Fb is "a/b", the same as /a/b's. Keys are UTF-8, and the
		// XML 1.0 that carries them holds no control character but tab,
		// LF and CR.
		canon := engine.CanonicalPath(src.Path)
		if src.Exact {
			canon = engine.TrimSlash(canon)
		}
		key, esc := strings.TrimPrefix(decodePath(canon), "/"), src.escapes()
		if why := s3KeyProblem(key, esc); why != "" {
			probs = append(probs, problem(set, r, "%s", why))
			continue
		}
		if esc.Slash {
			probs = append(probs, warning(set, r, "S3 compares KeyPrefixEquals with the decoded object key, where %%2F is \"/\": this rule also matches %q", withSlashes(r.Source)))
		}
		if src.Exact {
			if key == "" {
				probs = append(probs, problem(set, r, `S3 cannot redirect "/" alone: an empty KeyPrefixEquals matches every key`))
				continue
			}
			probs = append(probs, warning(set, r, "S3 has only prefixes: KeyPrefixEquals %q also matches longer keys (%s-more)", key, key))
		} else if src.Splat && strings.HasSuffix(src.Path, "/") && key != "" {
			probs = append(probs, warning(set, r, "S3 does not apply KeyPrefixEquals %q to %q itself, as signpost does", key, "/"+strings.TrimSuffix(key, "/")))
		}
		rr.Condition.KeyPrefixEquals = key
		rr.Redirect.HttpRedirectCode = strconv.Itoa(r.Status)
		to := r.To
		if !isLocal(to) {
			// S3 takes the Protocol in lower case only.
			scheme, rest, _ := strings.Cut(to, "://")
			host, path, _ := strings.Cut(rest, "/")
			rr.Redirect.Protocol, rr.Redirect.HostName, to = strings.ToLower(scheme), host, "/"+path
		}
		to = strings.TrimPrefix(to, "/")
		switch {
		case !hasPlaceholder(r.To, caps):
			rr.Redirect.ReplaceKeyWith = &to
		case endsInSplat(r.To, caps):
			p := strings.TrimSuffix(to, ":splat")
			rr.Redirect.ReplaceKeyPrefixWith = &p
		default:
			probs = append(probs, problem(set, r, "S3 replaces the key's prefix and keeps the rest at the end: the target may use :splat only at its end"))
			continue
		}
		out.Rules = append(out.Rules, rr)
		written = append(written, r)
	}
	if len(out.Rules) > S3MaxRoutingRules {
		for i, r := range written[S3MaxRoutingRules:] {
			probs = append(probs, problem(set, r, "S3 allows %d routing rules; this would be rule %d of %d", S3MaxRoutingRules, S3MaxRoutingRules+1+i, len(written)))
		}
		out.Rules = out.Rules[:S3MaxRoutingRules]
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<!--" + strings.TrimSuffix(strings.TrimPrefix(header(set, "", "S3 routing rules"), " "), "\n") + " -->\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		probs = append(probs, Problem{File: set.File, Message: err.Error()})
	}
	b.WriteString("\n")
	return b.Bytes(), probs
}

// s3KeyProblem says why a decoded key cannot be a KeyPrefixEquals, or "".
func s3KeyProblem(key string, esc escapeSet) string {
	if esc.NonUTF8 != "" {
		return "S3 object keys are UTF-8: no key holds the byte " + esc.NonUTF8
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return fmt.Sprintf("S3 routing rules are XML 1.0, which cannot hold the control character %%%02X", c)
		}
	}
	return ""
}
