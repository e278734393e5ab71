package verify

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"text/tabwriter"
)

func itoa(n int) string { return strconv.Itoa(n) }

// Summary counts a run's checks by kind.
type Summary struct {
	Kind     Kind `json:"kind"`
	Checked  int  `json:"checked"`
	Passed   int  `json:"passed"`
	Failed   int  `json:"failed"`
	Warnings int  `json:"warnings"`
}

// Summaries counts the checks of each kind that has any.
func (r *Result) Summaries(strict bool) []Summary {
	var out []Summary
	for _, k := range []Kind{KindRule, KindCase, KindSitemap} {
		s := Summary{Kind: k}
		for _, c := range r.Checks {
			if c.Kind != k {
				continue
			}
			s.Checked++
			switch {
			case c.Failed(strict):
				s.Failed++
			default:
				s.Passed++
			}
			if c.Warned() {
				s.Warnings++
			}
		}
		if s.Checked > 0 {
			out = append(out, s)
		}
	}
	return out
}

// FailedSources lists, once each and in order, the sources whose live
// answer differs (with strict, also those with warnings).
func (r *Result) FailedSources(strict bool) []string {
	out := []string{}
	for _, c := range r.Checks {
		if c.Failed(strict) && !slices.Contains(out, c.Source) {
			out = append(out, c.Source)
		}
	}
	return out
}

// WriteText writes each failure and warning, one a line, then a summary
// table.
func (r *Result) WriteText(w io.Writer, strict bool) {
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			label := "FAIL"
			if f.Severity == Warn {
				label = "WARN"
				if strict {
					label = "FAIL"
				}
			}
			where := c.URL
			if c.Host != "" {
				where = c.Host + c.URL
			}
			fmt.Fprintf(w, "%s %s %s: %s\n", label, c.Kind, where, f.Message)
			if c.Kind == KindRule {
				fmt.Fprintf(w, "     rule %q\n", c.Source)
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tchecked\tpassed\tfailed\twarnings\t")
	for _, s := range r.Summaries(strict) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", s.Kind, s.Checked, s.Passed, s.Failed, s.Warnings)
	}
	tw.Flush()
	fmt.Fprintf(w, "%s in %.1fs\n", r.Base, r.Elapsed.Seconds())
}

// WriteJSON writes the whole result as one JSON document.
func (r *Result) WriteJSON(w io.Writer, strict bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		*Result
		Strict  bool      `json:"strict"`
		Summary []Summary `json:"summary"`
		Failed  []string  `json:"failed_sources"`
	}{r, strict, r.Summaries(strict), r.FailedSources(strict)})
}

// WriteJUnit writes the result as JUnit XML, one test suite per kind and
// one test case per URL, for CI systems that show test reports.
func (r *Result) WriteJUnit(w io.Writer, strict bool) error {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		SystemOut string   `xml:"system-out,omitempty"`
	}
	type suite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	var out struct {
		XMLName xml.Name `xml:"testsuites"`
		Name    string   `xml:"name,attr"`
		Suites  []suite  `xml:"testsuite"`
	}
	out.Name = "signpost verify " + r.Base
	for _, s := range r.Summaries(strict) {
		su := suite{Name: "verify " + string(s.Kind), Tests: s.Checked, Failures: s.Failed}
		for _, c := range r.Checks {
			if c.Kind != s.Kind {
				continue
			}
			tc := testcase{Name: c.Host + c.URL, Classname: string(c.Kind) + " " + c.Source, Time: fmt.Sprintf("%.3f", c.Elapsed.Seconds())}
			var text string
			for _, f := range c.Findings {
				text += string(f.Severity) + ": " + f.Message + "\n"
			}
			if c.Failed(strict) {
				tc.Failure = &failure{Message: c.Findings[0].Message, Text: text}
			} else if text != "" {
				tc.SystemOut = text
			}
			su.Cases = append(su.Cases, tc)
		}
		out.Suites = append(out.Suites, su)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
