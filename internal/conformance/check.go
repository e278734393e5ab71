package conformance

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// Resolver is any engine: it decides what a request gets. rule is the key of
// the first rule that matched, exactly as written in the rules file.
type Resolver func(host, path, rawQuery string) (status int, location, rule string, match bool)

// Result is what a Resolver answered.
type Result struct {
	Match    bool
	Status   int
	Location string
	Rule     string
}

// Mismatch is a case an engine answered differently from the vector.
type Mismatch struct {
	File string
	Case Case
	Got  Result
	// Problems says what differs, one item per field or broken invariant.
	Problems []string
}

func (m Mismatch) String() string {
	var b strings.Builder
	c := m.Case
	fmt.Fprintf(&b, "%s:%d: %s\n", m.File, c.Line, requestString(c))
	fmt.Fprintf(&b, "\twant: %s\n", describe(Result{c.Match, c.Status, c.Location, c.Rule}, c.Safe))
	fmt.Fprintf(&b, "\tgot:  %s\n", describe(m.Got, false))
	for _, p := range m.Problems {
		fmt.Fprintf(&b, "\t- %s\n", p)
	}
	if c.Note != "" {
		fmt.Fprintf(&b, "\tnote: %s\n", c.Note)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func requestString(c Case) string {
	s := "GET " + strconv.Quote(c.URL)
	if c.Host != "" {
		s += " host " + strconv.Quote(c.Host)
	}
	return s
}

func describe(r Result, safeOnly bool) string {
	if !r.Match {
		return "no match"
	}
	s := strconv.Itoa(r.Status)
	switch {
	case safeOnly:
		s += " (any safe location)"
	case r.Location != "" || r.Status != 410:
		s += " " + strconv.Quote(r.Location)
	}
	return s + " rule " + strconv.Quote(r.Rule)
}

// Compare checks one answer against its case and returns what differs; nil
// means the answer is right.
func Compare(c Case, got Result) []string {
	var ps []string
	if got.Match && got.Location != "" {
		if err := CheckLocation(got.Location); err != nil {
			ps = append(ps, "unsafe location: "+err.Error())
		}
	}
	if got.Match != c.Match {
		if c.Match {
			return append(ps, "no rule matched")
		}
		return append(ps, "a rule matched, none should")
	}
	if !c.Match {
		return ps
	}
	if got.Status != c.Status {
		ps = append(ps, fmt.Sprintf("status %d, want %d", got.Status, c.Status))
	}
	if !c.Safe && got.Location != c.Location {
		ps = append(ps, fmt.Sprintf("location %q, want %q", got.Location, c.Location))
	}
	if c.Status == 410 && got.Location != "" {
		ps = append(ps, "a 410 has no location")
	}
	if got.Rule != c.Rule {
		ps = append(ps, fmt.Sprintf("rule %q, want %q", got.Rule, c.Rule))
	}
	return ps
}

// Check runs every case of v through resolve and returns the mismatches.
func (v *Vector) Check(resolve Resolver) []Mismatch {
	var ms []Mismatch
	for _, c := range v.Cases {
		var got Result
		got.Status, got.Location, got.Rule, got.Match = resolve(c.Host, c.Path(), c.RawQuery())
		if ps := Compare(c, got); len(ps) > 0 {
			ms = append(ms, Mismatch{File: v.File, Case: c, Got: got, Problems: ps})
		}
	}
	return ms
}

// Run runs every vector as a subtest: setup builds the engine under test for
// the vector's rules and options (an error fails the vector), and each
// mismatch is reported with the vector's file and line.
func Run(t *testing.T, vectors []Vector, setup func(t *testing.T, v *Vector) (Resolver, error)) {
	t.Helper()
	for i := range vectors {
		v := &vectors[i]
		t.Run(v.Name, func(t *testing.T) {
			resolve, err := setup(t, v)
			if err != nil {
				t.Fatalf("%s: %v", v.File, err)
			}
			ms := v.Check(resolve)
			for _, m := range ms {
				t.Error(m.String())
			}
			if len(ms) > 0 {
				t.Logf("%s: %d of %d cases differ; the vector says:\n%s", v.File, len(ms), len(v.Cases), v.Description)
			}
		})
	}
}

// CheckLocation reports whether loc breaks one of the invariants every
// engine must keep whatever the request: no protocol-relative Location
// ("//host", "/\host", "\\host"), no control character, space or byte
// outside ASCII (header splitting, ambiguous parsing), and an absolute
// Location only with an http or https scheme.
func CheckLocation(loc string) error {
	for i := 0; i < len(loc); i++ {
		switch c := loc[i]; {
		case c < 0x20 || c == 0x7f:
			return fmt.Errorf("control character %q at byte %d", c, i)
		case c == ' ':
			return fmt.Errorf("raw space at byte %d", i)
		case c >= 0x80:
			return fmt.Errorf("raw non-ASCII byte %#x at byte %d", c, i)
		}
	}
	switch {
	case loc == "":
		return fmt.Errorf("empty location")
	case strings.HasPrefix(loc, "//"), strings.HasPrefix(loc, `/\`), strings.HasPrefix(loc, `\`):
		return fmt.Errorf("protocol-relative location")
	case strings.HasPrefix(loc, "/"):
		return nil
	case strings.HasPrefix(loc, "https://"), strings.HasPrefix(loc, "http://"):
		_, rest, _ := strings.Cut(loc, "://")
		if rest == "" || rest[0] == '/' || rest[0] == '\\' {
			return fmt.Errorf("absolute location without a host")
		}
		return nil
	}
	return fmt.Errorf("neither a path nor an http(s) URL")
}
