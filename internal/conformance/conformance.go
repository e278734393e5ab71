// Package conformance loads signpost's conformance vectors: redirects files
// with the requests made to them and the decisions every engine must answer
// (the Go engine, the generated edge JavaScript, the HTTP server). Local and
// production cannot drift apart if they pass the same vectors.
//
// # The vector format
//
// Each vector is a txtar archive in testdata/conformance:
//
//	What the vector covers, and every choice it makes where the
//	specification could be read two ways.
//
//	options: case-insensitive
//	-- redirects.json --
//	{
//	  // comments say why a rule is there
//	  "/a": { "to": "/b" },
//	}
//	-- cases.jsonl --
//	# a request and its expected decision, one JSON object per line
//	{"url":"/a?x=1","status":301,"location":"/b?x=1","rule":"/a"}
//	{"host":"old.example.com","url":"/a","status":301,"location":"/b","rule":"/a"}
//	{"url":"/x","match":false}
//
// The comment before the first file is the description; a line in it of the
// form "options: ..." sets engine options ("case-insensitive",
// "max-hops=N"). In cases.jsonl, blank lines and lines starting with "#" are
// comments. A case's fields:
//
//   - url: the request path as received (percent-encoded, starting with "/"),
//     with an optional "?query". Strings may use JSON escapes ("\t") for
//     bytes no HTTP client sends, to test the engine's defences.
//   - host: the request's Host header (may carry a port); empty by default.
//   - match: whether a rule applies; defaults to true when status is set.
//   - status, location, rule: the expected answer; rule is the first rule's
//     key exactly as written in redirects.json. A 410 has no location.
//   - safe: the Location is not compared, only checked against the safety
//     invariants (see CheckLocation); used where no single answer is
//     specified.
//   - note: free text shown when the case fails.
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/signposthq/signpost/engine"
)

// Vector is one conformance file: a rules file and requests made to it.
type Vector struct {
	// Name is the file name without ".txtar".
	Name string
	// File is the path the vector was loaded from.
	File string
	// Description is the archive's comment, without the options line.
	Description string
	// Options are the engine options the cases assume.
	Options engine.Options
	// Rules is the redirects.json section, byte for byte.
	Rules []byte
	// RulesLine is the line of File where Rules starts, so a rule's
	// position in Rules can be shown as a position in File.
	RulesLine int
	// Cases are the requests, in file order.
	Cases []Case
}

// Case is one request and the decision expected for it.
type Case struct {
	// Line is the case's line in the vector file.
	Line int    `json:"-"`
	Host string `json:"host"`
	URL  string `json:"url"`
	// Match is whether a rule applies.
	Match    bool   `json:"match"`
	Status   int    `json:"status"`
	Location string `json:"location"`
	Rule     string `json:"rule"`
	// Safe means the Location is only checked for safety, not compared.
	Safe bool   `json:"safe"`
	Note string `json:"note"`
}

// Path returns the path part of the case's URL.
func (c Case) Path() string {
	p, _, _ := strings.Cut(c.URL, "?")
	return p
}

// RawQuery returns the query part of the case's URL, without "?".
func (c Case) RawQuery() string {
	_, q, _ := strings.Cut(c.URL, "?")
	return q
}

// Dir returns the directory of the repository's conformance vectors, found
// from this source file so that any package's tests can use it.
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("testdata", "conformance")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "conformance")
}

// LoadAll loads every vector in Dir.
func LoadAll() ([]Vector, error) { return Load(Dir()) }

// Load reads every *.txtar vector in dir, sorted by name.
func Load(dir string) ([]Vector, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no conformance vectors (*.txtar) in %s", dir)
	}
	sort.Strings(names)
	var vs []Vector
	for _, name := range names {
		v, err := LoadFile(name)
		if err != nil {
			return nil, err
		}
		vs = append(vs, *v)
	}
	return vs, nil
}

// LoadFile reads one vector.
func LoadFile(file string) (*Vector, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// Parse reads a vector from data; file names it in errors.
func Parse(file string, data []byte) (*Vector, error) {
	ar := txtar.Parse(data)
	v := &Vector{Name: strings.TrimSuffix(filepath.Base(file), ".txtar"), File: file}
	if err := v.parseComment(ar.Comment); err != nil {
		return nil, err
	}
	var cases []byte
	casesLine := 0
	for _, f := range ar.Files {
		switch f.Name {
		case "redirects.json":
			v.Rules = f.Data
			v.RulesLine = sectionLine(data, f.Name)
		case "cases.jsonl":
			cases = f.Data
			casesLine = sectionLine(data, f.Name)
		default:
			return nil, fmt.Errorf("%s:%d: unknown section %q (want redirects.json and cases.jsonl)", file, sectionLine(data, f.Name)-1, f.Name)
		}
	}
	if v.Rules == nil {
		return nil, fmt.Errorf("%s: no redirects.json section", file)
	}
	if cases == nil {
		return nil, fmt.Errorf("%s: no cases.jsonl section", file)
	}
	for i, line := range bytes.Split(cases, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		c, err := parseCase(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, casesLine+i, err)
		}
		c.Line = casesLine + i
		v.Cases = append(v.Cases, c)
	}
	if len(v.Cases) == 0 {
		return nil, fmt.Errorf("%s: no cases", file)
	}
	return v, nil
}

func (v *Vector) parseComment(comment []byte) error {
	var desc []string
	for _, line := range strings.Split(string(comment), "\n") {
		opts, ok := strings.CutPrefix(line, "options:")
		if !ok {
			desc = append(desc, line)
			continue
		}
		for _, o := range strings.FieldsFunc(opts, func(r rune) bool { return r == ',' || r == ' ' }) {
			switch {
			case o == "case-insensitive":
				v.Options.CaseInsensitive = true
			case strings.HasPrefix(o, "max-hops="):
				n, err := strconv.Atoi(strings.TrimPrefix(o, "max-hops="))
				if err != nil || n < 1 {
					return fmt.Errorf("%s: bad option %q", v.File, o)
				}
				v.Options.MaxHops = n
			default:
				return fmt.Errorf("%s: unknown option %q (known: case-insensitive, max-hops=N)", v.File, o)
			}
		}
	}
	v.Description = strings.TrimSpace(strings.Join(desc, "\n"))
	if v.Description == "" {
		return fmt.Errorf("%s: no description: say what the vector covers before the first section", v.File)
	}
	return nil
}

// sectionLine returns the line on which the section named name starts (the
// line after its "-- name --" marker).
func sectionLine(data []byte, name string) int {
	marker := []byte("-- " + name + " --")
	for i, line := range bytes.Split(data, []byte("\n")) {
		if bytes.Equal(bytes.TrimSpace(line), marker) {
			return i + 2
		}
	}
	return 0
}

func parseCase(line []byte) (Case, error) {
	var raw struct {
		Case
		Match *bool `json:"match"`
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Case{}, fmt.Errorf("bad case: %v", err)
	}
	c := raw.Case
	c.Match = raw.Match == nil || *raw.Match
	switch {
	case !strings.HasPrefix(c.URL, "/"):
		return c, fmt.Errorf("url %q must start with \"/\" (give the host in \"host\")", c.URL)
	case c.Match && c.Status == 0:
		return c, fmt.Errorf("a matching case needs a \"status\" (or say \"match\":false)")
	case !c.Match && (c.Status != 0 || c.Location != "" || c.Rule != ""):
		return c, fmt.Errorf("a case with \"match\":false has no status, location or rule")
	case c.Match && c.Rule == "":
		return c, fmt.Errorf("a matching case needs the \"rule\" that decides it")
	case c.Status == 410 && (c.Location != "" || c.Safe):
		return c, fmt.Errorf("a 410 has no location")
	case c.Match && c.Status != 410 && c.Location == "" && !c.Safe:
		return c, fmt.Errorf("a redirect needs a \"location\" (or \"safe\":true)")
	}
	return c, nil
}
