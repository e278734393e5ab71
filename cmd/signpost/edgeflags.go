package main

import (
	"flag"
	"fmt"
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
	if !ok {
		return fmt.Errorf("want 'Name: value', got %q", v)
	}
	*l = append(*l, edge.Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	return nil
}
