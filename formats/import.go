package formats

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/signposthq/signpost/rules"
)

// Imported is what an importer carried over.
type Imported struct {
	// Set holds the rules in the order of the source. Set.File is the
	// source's name and each rule's KeyPos.Line the line it came from.
	Set *rules.Set
	// Comments are written above a rule in the redirects.json, by rule
	// index: the source's own comments, where it has them.
	Comments map[int][]string
	// Header is written at the top of the redirects.json.
	Header []string
	// Dropped lists what could not be carried over, in source order.
	Dropped []Dropped
	// origins[i] is the file and line rule i came from.
	origins []Dropped
	// Notices are remarks about the whole import that are not a lost rule
	// (for example that Netlify's shadowing does not apply).
	Notices []string
}

// Dropped is a source line that could not be carried over.
type Dropped struct {
	File string
	Line int // 0 when the source has no lines (a file of its own)
	// Source is the rule's source as written, when there is one.
	Source string
	Reason string
}

// Warning formats d as a warning about a rule that was kept.
func (d Dropped) Warning() string {
	return fmt.Sprintf("%s:%d: warning: %q: %s", d.File, d.Line, d.Source, d.Reason)
}

func (d Dropped) String() string {
	where := d.File
	if d.Line > 0 {
		where = fmt.Sprintf("%s:%d", d.File, d.Line)
	}
	if d.Source == "" {
		return fmt.Sprintf("%s: dropped: %s", where, d.Reason)
	}
	return fmt.Sprintf("%s: dropped %q: %s", where, d.Source, d.Reason)
}

func newImported(file string) *Imported {
	return &Imported{Set: &rules.Set{File: file}, Comments: map[int][]string{}}
}

// add appends a rule that came from line of the source.
func (imp *Imported) add(r rules.Rule, line int, comments []string) {
	imp.addFrom(imp.Set.File, r, line, comments)
}

// addFrom appends a rule that came from line of file.
func (imp *Imported) addFrom(file string, r rules.Rule, line int, comments []string) {
	// Bytes that are not UTF-8 would become U+FFFD in JSON: keep them as
	// the percent-escapes a browser sends.
	r.Source, r.To = escapeInvalidUTF8(r.Source), escapeInvalidUTF8(r.To)
	imp.origins = append(imp.origins, Dropped{File: file, Line: line, Source: r.Source})
	r.Index = len(imp.Set.Rules)
	r.KeyPos = rules.Pos{Line: line, Col: 1}
	if r.Status == 0 {
		r.Status = rules.DefaultStatus
	}
	if len(comments) > 0 {
		imp.Comments[r.Index] = comments
	}
	imp.Set.Rules = append(imp.Set.Rules, r)
}

// drop records a source line that could not be carried over.
func (imp *Imported) drop(line int, src, format string, args ...any) {
	imp.dropFrom(imp.Set.File, line, src, format, args...)
}

func (imp *Imported) dropFrom(file string, line int, src, format string, args ...any) {
	imp.Dropped = append(imp.Dropped, Dropped{File: file, Line: line, Source: src, Reason: fmt.Sprintf(format, args...)})
}

// remove takes the rules at the given indexes out of the set, keeping the
// others' order and comments.
func (imp *Imported) remove(gone map[int]bool) {
	var kept []rules.Rule
	var origins []Dropped
	comments := map[int][]string{}
	for i, r := range imp.Set.Rules {
		if gone[i] {
			continue
		}
		origins = append(origins, imp.origins[i])
		if c, ok := imp.Comments[i]; ok {
			comments[len(kept)] = c
		}
		r.Index = len(kept)
		kept = append(kept, r)
	}
	imp.Set.Rules = kept
	imp.origins = origins
	imp.Comments = comments
}

// Compiler is signpost's loading path (signpost.Compile) as the importers
// need it: the diagnostics of a rules file's bytes.
type Compiler func(name string, data []byte) rules.Diagnostics

// Check runs the imported rules through signpost's own validation, as the
// written redirects.json will be, and moves every rule it rejects to the
// dropped list with the reason. Afterwards WriteJSON writes a file that
// passes signpost check. Warnings (such as chains) are returned, naming the
// source line.
func (imp *Imported) Check(compile Compiler) (warnings []Dropped, err error) {
	for range 20 {
		data, lines := imp.writeJSON()
		ds := compile("redirects.json", data)
		gone := map[int]bool{}
		warnings = warnings[:0]
		// Loops and long chains may come from a rule that is itself
		// rejected (one that redirects to itself): those go first, and the
		// chains through them are looked at again.
		onlyChains := true
		for _, d := range ds {
			if d.Severity == rules.Error && d.Code != "loop" && d.Code != "chain-too-long" {
				onlyChains = false
			}
		}
		for _, d := range ds {
			if d.Severity == rules.Error && !onlyChains && (d.Code == "loop" || d.Code == "chain-too-long") {
				continue
			}
			i := ruleAtLine(lines, d.Pos.Line)
			if i < 0 {
				if d.Severity == rules.Error {
					return nil, fmt.Errorf("the imported rules do not load: %s", d.String())
				}
				continue
			}
			w := imp.origins[i]
			w.Reason = d.Message
			if d.Severity == rules.Error {
				if !gone[i] {
					imp.Dropped = append(imp.Dropped, w)
				}
				gone[i] = true
			} else {
				warnings = append(warnings, w)
			}
		}
		if len(gone) == 0 {
			imp.sortDropped()
			return warnings, nil
		}
		imp.remove(gone)
	}
	return nil, fmt.Errorf("the imported rules still have errors after removing the rules that caused them")
}

// ruleAtLine finds the rule written on a line of the redirects.json.
func ruleAtLine(lines []int, line int) int {
	for i, l := range lines {
		if l == line {
			return i
		}
	}
	return -1
}

func (imp *Imported) sortDropped() {
	slices.SortStableFunc(imp.Dropped, func(a, b Dropped) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		return a.Line - b.Line
	})
}

// escapeInvalidUTF8 percent-encodes each byte that is not part of valid
// UTF-8, the form a browser sends it in. An imported key keeps its
// spelling, so this is not engine.CanonicalPath, but it keeps the key's
// meaning: the engine reads the escape as the byte it stands for.
func escapeInvalidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, "%%%02X", s[i])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
