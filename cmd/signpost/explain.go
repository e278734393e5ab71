package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

func init() {
	register(&command{name: "explain", summary: "show what URLs get and which rule decides", run: runExplain})
}

const explainUsage = `Usage: signpost explain [--rules FILE] [--host HOST] [--json] [--case-insensitive] URL...

Explain shows what each URL gets from the rules: the status, the Location
and the rule that decided it (with its line in the rules file), or that no
rule matches and the site serves the page. A chain of rules is answered
in one hop, with the first rule's status.

A URL is a path with an optional query (/jobs?ref=home) or a full URL
(https://old.example.com/pricing), whose host then counts for rules
written for one host. "-" reads URLs from standard input, one per line.

Exit status: 0 whether or not the URLs match, 1 when the rules file has
errors, 2 for usage errors (bad flags, a URL that is neither a path nor an
http(s) URL), 3 when standard input cannot be read.

Examples:
  signpost explain /jobs /blog/2019/hello
  signpost explain --rules site/redirects.json 'https://old.example.com/pricing?x=1'
  signpost explain --json - < urls.txt

Flags:
`

type explainFlags struct {
	rules           string
	host            string
	json            bool
	caseInsensitive bool
}

func runExplain(ctx context.Context, env *Env, args []string) int {
	var f explainFlags
	fs := newFlagSet("explain")
	fs.StringVar(&f.rules, "rules", "redirects.json", "the rules `FILE`")
	fs.StringVar(&f.host, "host", "", "the `HOST` of requests given as paths (rules for one host apply to it)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object per URL")
	fs.BoolVar(&f.caseInsensitive, "case-insensitive", false, "match paths regardless of case")
	urls, err := parseArgs(fs, args)
	if err != nil {
		return flagError(env, "explain", explainUsage, fs, err)
	}
	if len(urls) == 0 {
		return usageError(env, errors.New("no URL to explain"), "give URLs as arguments (signpost explain /jobs), or - to read them from standard input")
	}
	c, code := loadRules(env, f.rules, engine.Options{CaseInsensitive: f.caseInsensitive}, "resolved", countWarnings)
	if c == nil {
		return code
	}
	x := &explainer{table: c.Table, file: c.Set.File, host: f.host, json: f.json, out: bufio.NewWriterSize(env.Stdout, 64<<10), errOut: env.Stderr}
	code = exitOK
	for _, u := range urls {
		if err := ctx.Err(); err != nil {
			break
		}
		if u == "-" {
			switch x.explainLines(ctx, env.Stdin) {
			case exitUsage:
				code = exitUsage
			case exitFailure:
				x.out.Flush()
				return exitFailure
			}
			continue
		}
		if x.explain(u, 0) != exitOK {
			code = exitUsage
		}
	}
	if err := x.out.Flush(); err != nil {
		fmt.Fprintf(env.Stderr, "signpost: error: writing output: %v\n", err)
		return exitFailure
	}
	return code
}

// warnings says how loadRules reports the warnings of a file without errors.
type warnings uint8

const (
	// countWarnings counts them in one line: check is where they are read.
	countWarnings warnings = iota
	// listWarnings prints each, for a command whose output is the record of
	// what went live (deploy).
	listWarnings
)

// loadRules loads and compiles the rules file the way every command but
// check reports it. On errors it prints every diagnostic, says what was left
// undone ("nothing was built") and returns nil with the exit code. Warnings
// go to standard error as w says.
func loadRules(env *Env, path string, opts engine.Options, undone string, w warnings) (*signpost.Compiled, int) {
	c := signpost.Load(path, opts)
	if c.Table == nil {
		errs := c.Diagnostics.Errors()
		for _, d := range errs {
			if d.Code == "read" && d.Hint != "" {
				// A missing file. Every command here takes --rules; not
				// all take the file as an argument.
				d.Hint = "give the rules file with --rules FILE, or run in the directory that holds redirects.json"
			}
			fmt.Fprintln(env.Stderr, d.String())
			if d.Code == "read" {
				return nil, exitProblems
			}
		}
		if len(errs) == 0 {
			fmt.Fprintf(env.Stderr, "signpost: error: %s: the rules could not be compiled\n", path)
		}
		fmt.Fprintf(env.Stderr, "signpost: error: %s has %s; nothing was %s\n", path, countOf(len(errs), "error"), undone)
		return nil, exitProblems
	}
	if w == listWarnings {
		for _, d := range c.Diagnostics {
			fmt.Fprintln(env.Stderr, d.String())
		}
	} else if n := len(c.Diagnostics); n > 0 {
		fmt.Fprintf(env.Stderr, "%s: %s (run 'signpost check %s' to see them)\n", path, countOf(n, "warning"), path)
	}
	return c, exitOK
}

// explainer writes what URLs get, one after the other.
type explainer struct {
	table  *engine.Table
	file   string
	host   string
	json   bool
	out    *bufio.Writer
	errOut io.Writer
	buf    []byte // reused for each JSON line
}

// explainLines explains every line of r. Blank lines are skipped.
func (x *explainer) explainLines(ctx context.Context, r io.Reader) int {
	code := exitOK
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A line longer than the buffer: read the rest of it.
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			// The line may be cut short: explain nothing of it.
			fmt.Fprintf(x.errOut, "signpost: error: reading standard input: %v\n", err)
			return exitFailure
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			if x.explain(string(line), n) != exitOK {
				code = exitUsage
			}
		}
		if err != nil { // io.EOF
			return code
		}
		if n&1023 == 0 && ctx.Err() != nil {
			return code
		}
	}
}

// explain writes what one URL gets. stdinLine is the URL's line on standard
// input, 0 for an argument.
func (x *explainer) explain(u string, stdinLine int) int {
	host, path, query, err := splitURL(u)
	if err != nil {
		if x.json {
			x.buf = appendJSONField(append(x.buf[:0], '{'), "url", u)
			x.buf = appendJSONField(append(x.buf, ','), "error", err.Error())
			x.out.Write(append(x.buf, '}', '\n'))
		}
		x.out.Flush()
		where := ""
		if stdinLine > 0 {
			where = "-:" + strconv.Itoa(stdinLine) + ": "
		}
		fmt.Fprintf(x.errOut, "signpost: error: %s%v\n", where, err)
		fmt.Fprintln(x.errOut, `hint: a URL is a path starting with "/" (with an optional ?query) or a full http(s) URL`)
		return exitUsage
	}
	if host == "" {
		host = x.host
	}
	d := x.table.Resolve(host, path, query)
	if x.json {
		x.buf = appendDecisionJSON(x.buf[:0], u, d)
		x.out.Write(x.buf)
		return exitOK
	}
	x.writeText(u, host, path, query, d)
	return exitOK
}

// appendDecisionJSON appends one line such as
// {"url":"/jobs/?a=1","match":true,"status":301,"location":"https://jobs.example.com/?a=1","rule":"/jobs"}.
func appendDecisionJSON(b []byte, u string, d engine.Decision) []byte {
	b = appendJSONField(append(b, '{'), "url", u)
	if !d.Match {
		return append(b, `,"match":false}`+"\n"...)
	}
	b = append(b, `,"match":true,"status":`...)
	b = strconv.AppendInt(b, int64(d.Status), 10)
	if d.Location != "" {
		b = appendJSONField(append(b, ','), "location", d.Location)
	}
	if d.Rule != nil {
		b = appendJSONField(append(b, ','), "rule", d.Rule.Source)
	}
	return append(b, '}', '\n')
}

func (x *explainer) writeText(u, host, path, query string, d engine.Decision) {
	w := x.out
	w.WriteString(u)
	w.WriteByte('\n')
	if !d.Match {
		w.WriteString("  no rule matches: the site serves it\n")
		return
	}
	fmt.Fprintf(w, "  %d %s", d.Status, rules.StatusText(d.Status))
	if d.Location != "" {
		fmt.Fprintf(w, " -> %s", d.Location)
	}
	w.WriteByte('\n')
	fmt.Fprintf(w, "  rule %s at %s\n", strconv.Quote(d.Rule.Source), filePos(x.file, d.Rule.KeyPos))
	if d.Rule.Note != "" {
		fmt.Fprintf(w, "  note: %s\n", d.Rule.Note)
	}
	hops := []engine.Hop{{Rule: d.Rule, Status: d.Status, Location: d.Location}}
	if d.Hops > 1 {
		hops = x.table.Trace(host, path, query)
	}
	if query != "" && d.Status != rules.StatusGone {
		// Say which rule loses the visitor's query string, if one does.
		for _, h := range hops {
			if h.Rule.Query == rules.QueryDrop {
				fmt.Fprintf(w, "  the query string is dropped: rule %s says \"query\": \"drop\"\n", strconv.Quote(h.Rule.Source))
				break
			}
		}
	}
	if d.Hops > 1 {
		how := "answered in one hop with the first rule's status"
		if d.Status == rules.StatusGone {
			how = "ending at a page that is gone: answered 410 at once"
		}
		fmt.Fprintf(w, "  a chain of %d rules, %s:\n", d.Hops, how)
		for i, h := range hops {
			fmt.Fprintf(w, "    %d. %s at %s", i+1, strconv.Quote(h.Rule.Source), filePos(x.file, h.Rule.KeyPos))
			if h.Status == rules.StatusGone {
				w.WriteString(": 410 Gone\n")
				continue
			}
			fmt.Fprintf(w, " -> %s\n", h.Location)
		}
	}
}

// filePos formats a position in file as FILE:LINE:COL.
func filePos(file string, p rules.Pos) string {
	if !p.IsValid() {
		return file
	}
	return file + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// splitURL splits a URL given on the command line into the parts Resolve
// takes. A full http(s) URL gives its host; a fragment is dropped, as
// browsers never send it.
func splitURL(u string) (host, path, rawQuery string, err error) {
	rest := u
	if i := strings.Index(rest, "://"); i > 0 {
		scheme := strings.ToLower(rest[:i])
		if scheme != "http" && scheme != "https" {
			return "", "", "", fmt.Errorf("%q is not an http(s) URL", u)
		}
		rest = rest[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		host, rest = rest[:end], rest[end:]
		if host == "" {
			return "", "", "", fmt.Errorf("%q has no host", u)
		}
		if rest == "" || rest[0] != '/' {
			rest = "/" + rest
		}
	} else if !strings.HasPrefix(rest, "/") {
		return "", "", "", fmt.Errorf("%q is neither a path nor an http(s) URL", u)
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	path, rawQuery, _ = strings.Cut(rest, "?")
	return host, path, rawQuery, nil
}

// appendJSONField appends "name":"value" with value escaped as JSON:
// quotes, backslashes and control characters escaped, invalid UTF-8
// replaced by U+FFFD.
func appendJSONField(b []byte, name, value string) []byte {
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":"`...)
	start := 0
	for i := 0; i < len(value); {
		c := value[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, value[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, `\u00`...)
				b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(value[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, value[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, value[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"
