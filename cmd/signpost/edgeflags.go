package main

import (
	"flag"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/edge"
)

// headerFlags are the security-header flags of build and simulate.
type headerFlags struct {
	maxAge            int
	includeSubDomains bool
	preload           bool
	noHSTS            bool
	extra             headerList
}

func (h *headerFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&h.maxAge, "hsts-max-age", edge.DefaultHSTSMaxAge, "Strict-Transport-Security max-age in `seconds`")
	fs.BoolVar(&h.includeSubDomains, "hsts-include-subdomains", false, "add includeSubDomains to Strict-Transport-Security")
	fs.BoolVar(&h.preload, "hsts-preload", false, "add preload to Strict-Transport-Security")
	fs.BoolVar(&h.noHSTS, "no-hsts", false, "do not send Strict-Transport-Security")
	fs.Var(&h.extra, "header", "add a response header `'Name: value'` (repeatable)")
}

func (h *headerFlags) policy() (edge.HeaderPolicy, error) {
	p := edge.HeaderPolicy{
		HSTS:  edge.HSTS{Disabled: h.noHSTS, MaxAge: h.maxAge, IncludeSubDomains: h.includeSubDomains, Preload: h.preload},
		Extra: h.extra,
	}
	if h.maxAge <= 0 && !h.noHSTS {
		return p, fmt.Errorf("--hsts-max-age must be positive (use --no-hsts to turn the header off)")
	}
	return p, p.Validate()
}

// headerList collects repeated --header 'Name: value' flags, for every
// command that takes them (build, simulate, deploy, serve). Set refuses a
// name that is not an HTTP token and a value with a control character at
// once, so that a bad header is a usage error wherever it is given; what
// only the edge forbids (a read-only header, one given twice) is left to
// edge.HeaderPolicy.Validate.
type headerList []edge.Header

func (l *headerList) String() string {
	var s []string
	for _, h := range *l {
		s = append(s, h.Name+": "+h.Value)
	}
	return strconv.Quote(strings.Join(s, ", "))
}

func (l *headerList) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" {
		return fmt.Errorf("%q is not NAME: VALUE", v)
	}
	h := edge.Header{Name: name, Value: value}
	if err := h.Validate(); err != nil {
		return err
	}
	*l = append(*l, h)
	return nil
}

// httpHeader returns the headers for net/http, names canonicalized; nil
// when there are none.
func (l headerList) httpHeader() http.Header {
	if len(l) == 0 {
		return nil
	}
	h := http.Header{}
	for _, e := range l {
		h.Add(e.Name, e.Value)
	}
	return h
}
