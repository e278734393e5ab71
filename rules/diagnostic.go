package rules

import (
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a diagnostic stops a deploy.
type Severity uint8

const (
	// Error: the file is rejected by check, serve, build and deploy.
	Error Severity = iota
	// Warning: the file works, but probably not as its editor meant.
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a rules file.
type Diagnostic struct {
	File     string
	Pos      Pos
	Severity Severity
	// Code is a short stable identifier ("duplicate-key", "unknown-field",
	// "loop", ...) for machines and documentation.
	Code string
	// Message is lower case, without a final period, and names what and
	// where: `"to" must start with "/" or "https://"`.
	Message string
	// Hint, when the fix is known, says what to do.
	Hint string
}

// String formats d the way compilers do: FILE:LINE:COL: error: message,
// followed by an indented hint line when there is one.
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Pos.IsValid() {
		fmt.Fprintf(&b, ":%d:%d", d.Pos.Line, d.Pos.Col)
	}
	fmt.Fprintf(&b, ": %s: %s", d.Severity, d.Message)
	if d.Hint != "" {
		fmt.Fprintf(&b, "\n\thint: %s", d.Hint)
	}
	return b.String()
}

// Diagnostics is a list of problems, in the order of their positions.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Errors returns only the errors.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Err returns nil when ds has no errors, and otherwise an error whose text
// lists every error, one per line.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &DiagnosticsError{Diagnostics: errs}
}

// DiagnosticsError is returned where an API needs an error for a rules file
// that does not pass validation.
type DiagnosticsError struct {
	Diagnostics Diagnostics
}

func (e *DiagnosticsError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// SortDiagnostics orders ds by file position, keeping the order of those at
// the same position.
func SortDiagnostics(ds Diagnostics) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Pos.Offset < ds[j].Pos.Offset })
}
