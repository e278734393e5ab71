package rules

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Parse reads a rules file; name is used in diagnostics. It reports every
// problem it finds at once, in file order: JSON syntax (recovering after
// each mistake so the rest of the file is still checked), duplicate keys,
// unknown fields, wrong types, unsupported values and the limits in
// limits.go.
//
// The Set holds every rule that parsed without an error (a rule with an
// error, or whose source repeats an earlier one, is left out after being
// reported), and is nil only when the file is not a JSON object at all.
// The semantic checks that need matching (collisions after normalization,
// loops, chains, placeholders, the syntax of sources) are engine.Compile's.
func Parse(name string, data []byte) (*Set, Diagnostics) {
	p := &parser{name: name, data: data, line: 1, lastNonASCII: -1}
	if len(data) > MaxFileSize {
		p.add(tooLarge(name, int64(len(data))))
		return nil, p.diags
	}
	if bytes.HasPrefix(data, []byte("\uFEFF")) { // a byte order mark some editors write
		p.off, p.lineStart = 3, 3
	}
	set := p.parseFile()
	SortDiagnostics(p.diags)
	return set, p.diags
}

// Load reads and parses the rules file at path.
func Load(path string) (*Set, Diagnostics) {
	data, ds := ReadFile(path)
	if ds != nil {
		return nil, ds
	}
	return Parse(path, data)
}

// ReadFile reads a rules file, refusing one larger than MaxFileSize before
// reading it.
func ReadFile(path string) ([]byte, Diagnostics) {
	f, err := os.Open(path)
	if err != nil {
		d := Diagnostic{File: path, Severity: Error, Code: "read", Message: strings.TrimPrefix(err.Error(), "open "+path+": ")}
		if os.IsNotExist(err) {
			d.Message = "no such file"
			d.Hint = "give the rules file as an argument, or run in the directory that holds redirects.json"
		}
		return nil, Diagnostics{d}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxFileSize {
		return nil, Diagnostics{tooLarge(path, fi.Size())}
	}
	// Not every file has a size (a pipe, /dev/stdin): read one byte more
	// than the limit to tell.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, Diagnostics{{File: path, Severity: Error, Code: "read", Message: err.Error()}}
	}
	if len(data) > MaxFileSize {
		return nil, Diagnostics{tooLarge(path, int64(len(data)))}
	}
	return data, nil
}

func tooLarge(name string, size int64) Diagnostic {
	return Diagnostic{File: name, Severity: Error, Code: "too-large",
		Message: fmt.Sprintf("the file is %s, more than the limit of %s", mib(size), mib(MaxFileSize)),
		Hint:    "a million rules take about 90 MB; is this the right file?"}
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
}

type parser struct {
	name string
	data []byte

	// Scanner state.
	off, line, lineStart int
	tok, prev            token

	diags        Diagnostics
	syntaxErrors int
	stopped      bool // too many syntax errors: the scanner returns only EOF
	braces       int8 // lacksBrace's answer: 0 not worked out yet, 1 yes, 2 no

	// The last column computed, so that positions on a very long line (a
	// minified file) cost what lies between them, not the whole line.
	colLine, colOff, col int
	// lastNonASCII is at or after the offset of the last byte of a
	// multi-byte character the scanner has seen: on a line after it, a
	// column is a byte count.
	lastNonASCII int
}

// pos returns the position of byte off, which lies on line (starting at
// byte ls).
func (p *parser) pos(off, line, ls int) Pos {
	if p.lastNonASCII < ls {
		// The line holds only ASCII so far: a byte is a character.
		return Pos{Line: line, Col: 1 + off - ls, Offset: off}
	}
	if line == p.colLine && off >= p.colOff && p.colOff >= ls {
		p.col += utf8.RuneCount(p.data[p.colOff:off])
	} else {
		p.col = 1 + utf8.RuneCount(p.data[ls:off])
	}
	p.colLine, p.colOff = line, off
	return Pos{Line: line, Col: p.col, Offset: off}
}

func (p *parser) tokPos(t token) Pos { return p.pos(int(t.start), int(t.line), int(t.lineStart)) }
func (p *parser) posIn(t token, off int) Pos {
	return p.pos(off, int(t.line), int(t.lineStart))
}
func (p *parser) endPos(t token) Pos { return p.pos(int(t.end), int(t.line), int(t.lineStart)) }

// add records an error.
func (p *parser) add(d Diagnostic) {
	d.File, d.Severity = p.name, Error
	p.diags = append(p.diags, d)
}

// syntax records a syntax error, and stops the parse after too many.
func (p *parser) syntax(d Diagnostic) {
	if p.stopped {
		return
	}
	if d.Code == "" {
		d.Code = "syntax"
	}
	p.add(d)
	p.syntaxErrors++
	if p.syntaxErrors >= maxSyntaxErrors {
		p.stopped = true
		p.add(Diagnostic{Pos: d.Pos, Code: "syntax",
			Message: fmt.Sprintf("too many syntax errors (%d): the rest of the file is not checked", p.syntaxErrors),
			Hint:    "is this a JSON file?"})
	}
}

func (p *parser) syntaxAt(off, line, ls int, msg, hint string) {
	p.syntax(Diagnostic{Pos: p.pos(off, line, ls), Message: msg, Hint: hint})
}

func (p *parser) syntaxTok(t token, msg, hint string) {
	p.syntax(Diagnostic{Pos: p.tokPos(t), Message: msg, Hint: hint})
}

func (p *parser) parseFile() *Set {
	t := p.next()
	switch t.kind {
	case tLBrace:
	case tEOF:
		if p.stopped || len(p.diags) > 0 {
			return nil
		}
		p.add(Diagnostic{Pos: p.tokPos(t), Code: "not-object", Message: "the file is empty",
			Hint: "write {} for a file without redirects"})
		return nil
	default:
		d := Diagnostic{Pos: p.tokPos(t), Code: "not-object",
			Message: fmt.Sprintf("the file must be a JSON object of sources and rules, not %s", p.describe(t)),
			Hint:    `write { "/old-page": { "to": "/new-page" } }`}
		p.add(d)
		return nil
	}
	set := &Set{File: p.name}
	// Size the rules for the common case of one "{" per rule, within
	// bounds that a file of braces cannot abuse.
	est := min(bytes.Count(p.data, []byte{'{'})-1, len(p.data)/32, 1<<21)
	seen := newSourceIndex(max(est, 0))
	if est > 0 {
		set.Rules = make([]Rule, 0, est)
	}
	p.parseTop(set, t, seen)
	p.reportDuplicates(set, seen)
	if t := p.next(); t.kind != tEOF {
		hint := "a rules file is one object; move this inside it"
		if t.kind == tRBrace {
			hint = "there is one '}' too many"
		}
		p.syntaxTok(t, fmt.Sprintf("unexpected %s after the end of the rules object", p.describe(t)), hint)
	}
	return set
}

// parseTop parses the members of the file's object, from after its "{" to
// its "}".
func (p *parser) parseTop(set *Set, open token, seen *sourceIndex) {
	t := p.next()
	for {
		switch t.kind {
		case tRBrace:
			return
		case tEOF:
			p.unclosed(t, open, "the rules object")
			return
		case tComma:
			p.syntaxTok(t, "unexpected ','", "delete the extra comma")
			t = p.next()
			continue
		case tString, tWord:
		default:
			p.syntaxTok(t, fmt.Sprintf("expected a source in double quotes, found %s", p.describe(t)), "")
			t = p.skipToNext(t)
			continue
		}
		var ranOn bool
		t, ranOn = p.parseMember(set, seen, t)
		switch t.kind {
		case tComma:
			t = p.next()
		case tRBrace, tEOF:
		case tString:
			if !ranOn {
				p.missingComma(t)
			}
		default:
			p.syntaxTok(t, fmt.Sprintf("expected ',' or '}' after the rule, found %s", p.describe(t)), "")
			t = p.skipToNext(t)
		}
	}
}

// parseMember parses one "source": rule member starting at its key, and
// returns the token after it. ranOn is true when the rule was not closed
// and ran into the next one (already reported).
func (p *parser) parseMember(set *Set, seen *sourceIndex, keyTok token) (next token, ranOn bool) {
	key := p.text(keyTok)
	keyPos := p.tokPos(keyTok)
	errs := len(p.diags)
	if keyTok.kind == tWord {
		p.syntaxTok(keyTok, "a source must be in double quotes", fmt.Sprintf("write %q", key))
	}
	t := p.expectColon(keyTok, p.next())
	if !startsValue(t.kind) {
		p.syntax(Diagnostic{Pos: p.endPos(p.prev), Message: fmt.Sprintf("missing the rule for %s", quote(key)),
			Hint: `write a rule such as { "to": "/new-page" }`})
		seen.addOther(key, keyPos)
		return t, false
	}
	if key == "$schema" {
		seen.addOther(key, keyPos)
		if t.kind == tString {
			set.Schema = p.text(t)
		} else {
			p.add(Diagnostic{Pos: p.tokPos(t), Code: "wrong-type",
				Message: fmt.Sprintf(`"$schema" must be a string, not %s`, p.describe(t))})
		}
		return p.skipValue(t, 2), false
	}
	if !keyTok.bad {
		p.checkSource(key, keyPos)
	}
	if t.kind != tLBrace {
		d := Diagnostic{Pos: p.tokPos(t), Code: "rule-not-object",
			Message: fmt.Sprintf("the rule for %s must be an object, not %s", quote(key), p.describe(t)),
			Hint:    `write { "to": "/new-page" }`}
		if t.kind == tString {
			d.Hint = fmt.Sprintf(`write { "to": %s }`, quote(p.text(t)))
		}
		p.add(d)
		seen.addOther(key, keyPos)
		return p.skipValue(t, 2), false
	}
	// Parse in place: a rule is large, and a million copies show.
	set.Rules = append(set.Rules, Rule{Source: key, Status: DefaultStatus, Index: len(set.Rules), KeyPos: keyPos})
	next, ranOn = p.parseRule(&set.Rules[len(set.Rules)-1], t)
	if len(p.diags) > errs {
		set.Rules = set.Rules[:len(set.Rules)-1]
		seen.addOther(key, keyPos)
	} else {
		seen.addRule(key, len(set.Rules)-1)
	}
	return next, ranOn
}

// parseRule parses a rule object from its "{" and returns the token after
// it.
func (p *parser) parseRule(r *Rule, open token) (next token, ranOn bool) {
	r.ValuePos = p.tokPos(open)
	key := r.Source
	var notePos Pos
	t := p.next()
	for {
		switch t.kind {
		case tRBrace:
			p.finishRule(r)
			return p.next(), false
		case tEOF:
			p.unclosed(t, open, "the rule for "+quote(key))
			p.finishRule(r)
			return t, true
		case tComma:
			p.syntaxTok(t, "unexpected ','", "delete the extra comma")
			t = p.next()
			continue
		case tString, tWord:
		default:
			p.syntaxTok(t, fmt.Sprintf("expected a field name in double quotes, found %s", p.describe(t)), "")
			t = p.skipToNext(t)
			continue
		}
		name := p.fieldName(t)
		if p.isSourceLike(t) {
			// The rule ran into the next one: its "}" is missing.
			p.syntax(Diagnostic{Pos: p.endPos(p.prev),
				Message: fmt.Sprintf("the rule for %s is not closed before %s", quote(key), quote(name)),
				Hint:    fmt.Sprintf("add '}' to close the rule opened on line %d", open.line)})
			p.finishRule(r)
			return t, true
		}
		fieldTok := t
		if t.kind == tWord {
			p.syntaxTok(t, "a field name must be in double quotes", fmt.Sprintf("write %q", name))
		}
		t = p.expectColon(fieldTok, p.next())
		if startsValue(t.kind) {
			t = p.parseField(r, name, fieldTok, t, &notePos)
		} else {
			p.syntax(Diagnostic{Pos: p.endPos(p.prev), Message: fmt.Sprintf("missing the value of %q", name)})
		}
		switch t.kind {
		case tComma:
			t = p.next()
		case tRBrace, tEOF:
		case tString:
			if !p.isSourceLike(t) {
				p.missingComma(t)
			}
		default:
			p.syntaxTok(t, fmt.Sprintf("expected ',' or '}' after the field, found %s", p.describe(t)), "")
			t = p.skipToNext(t)
		}
	}
}

// expectColon checks that t, the token after the key k, is a colon, and
// returns the token where the value should start.
func (p *parser) expectColon(k, t token) token {
	if t.kind == tColon {
		return p.next()
	}
	p.syntax(Diagnostic{Pos: p.endPos(k), Message: fmt.Sprintf("missing ':' after %s", p.describe(k)),
		Hint: `write "key": value`})
	return t
}

func (p *parser) missingComma(t token) {
	p.syntax(Diagnostic{Pos: p.endPos(p.prev), Message: fmt.Sprintf("missing ',' before %s", p.describe(t)),
		Hint: "put a comma after each rule and each field (one after the last is allowed)"})
}

func (p *parser) unclosed(eof, open token, what string) {
	p.syntax(Diagnostic{Pos: p.tokPos(eof),
		Message: fmt.Sprintf("unexpected end of file: %s opened on line %d is not closed", what, open.line),
		Hint:    "add the missing '}'"})
}

func startsValue(k tokKind) bool {
	switch k {
	case tString, tNumber, tLiteral, tWord, tLBrace, tLBrack:
		return true
	}
	return false
}

// skipValue checks the syntax of the value starting at t, whatever it is,
// and returns the token after it. depth is the nesting level of the value
// if it is an object or array (the file's object is 1).
func (p *parser) skipValue(t token, depth int) token {
	switch t.kind {
	case tString, tNumber, tLiteral:
		return p.next()
	case tWord:
		p.bareWord(t)
		return p.next()
	case tLBrace, tLBrack:
		if depth > MaxDepth {
			p.add(Diagnostic{Pos: p.tokPos(t), Code: "too-deep",
				Message: fmt.Sprintf("objects and arrays are nested deeper than the limit of %d levels", MaxDepth),
				Hint:    "a rule is a flat object of \"to\", \"statusCode\", \"query\" and \"note\""})
			return p.skipRest(p.next(), 1)
		}
		return p.skipContainer(t, depth)
	}
	p.syntaxTok(t, fmt.Sprintf("expected a value, found %s", p.describe(t)), "")
	return t
}

// skipContainer checks an object or array of any content from its opening
// bracket and returns the token after its closing one.
func (p *parser) skipContainer(open token, depth int) token {
	isObj := open.kind == tLBrace
	closer := tRBrack
	if isObj {
		closer = tRBrace
	}
	t := p.next()
	for {
		switch t.kind {
		case closer:
			return p.next()
		case tEOF:
			p.unclosed(t, open, "the "+map[bool]string{true: "object", false: "array"}[isObj])
			return t
		case tComma:
			p.syntaxTok(t, "unexpected ','", "delete the extra comma")
			t = p.next()
			continue
		}
		if isObj {
			if t.kind != tString && t.kind != tWord {
				p.syntaxTok(t, fmt.Sprintf("expected a key in double quotes, found %s", p.describe(t)), "")
				return p.skipRest(t, 1)
			}
			if t.kind == tWord {
				p.syntaxTok(t, "a key must be in double quotes", fmt.Sprintf("write %q", p.text(t)))
			}
			t = p.expectColon(t, p.next())
		}
		if !startsValue(t.kind) {
			p.syntaxTok(t, fmt.Sprintf("expected a value, found %s", p.describe(t)), "")
			return p.skipRest(t, 1)
		}
		t = p.skipValue(t, depth+1)
		switch t.kind {
		case tComma:
			t = p.next()
		case closer, tEOF:
		case tString:
			p.missingComma(t)
		default:
			p.syntaxTok(t, fmt.Sprintf("expected ',' or '%s' after the value, found %s",
				map[bool]string{true: "}", false: "]"}[isObj], p.describe(t)), "")
			return p.skipRest(t, 1)
		}
	}
}

// skipRest skips tokens from t until depth closing brackets more than
// opening ones have passed, and returns the token after the last.
func (p *parser) skipRest(t token, depth int) token {
	for {
		switch t.kind {
		case tEOF:
			return t
		case tLBrace, tLBrack:
			depth++
		case tRBrace, tRBrack:
			depth--
			if depth == 0 {
				return p.next()
			}
		}
		t = p.next()
	}
}

// skipToNext recovers from a syntax error inside an object: it skips to the
// next ',' at the same level (returning the token after it) or to the
// object's '}' (returning it).
func (p *parser) skipToNext(t token) token {
	depth := 0
	for {
		switch t.kind {
		case tEOF:
			return t
		case tLBrace, tLBrack:
			depth++
		case tRBrace, tRBrack:
			if depth == 0 && t.kind == tRBrace {
				return t
			}
			if depth > 0 {
				depth--
			}
		case tComma:
			if depth == 0 {
				return p.next()
			}
		}
		t = p.next()
	}
}

// bareWord reports an unquoted word used as a value.
func (p *parser) bareWord(t token) {
	w := p.text(t)
	switch strings.ToLower(w) {
	case "true", "false", "null":
		p.syntaxTok(t, fmt.Sprintf("unexpected %s", w), fmt.Sprintf("write %s in lower case", strings.ToLower(w)))
	case "none", "nil", "undefined":
		p.syntaxTok(t, fmt.Sprintf("unexpected %s", w), "JSON writes it null")
	default:
		p.syntaxTok(t, fmt.Sprintf("unexpected %s: strings are written in double quotes", short(w)),
			fmt.Sprintf("write %s", quote(w)))
	}
}

// describe names a token for a message.
func (p *parser) describe(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the file"
	case tLBrace:
		return "an object"
	case tLBrack:
		return "an array"
	case tRBrace, tRBrack, tColon, tComma:
		return fmt.Sprintf("'%s'", p.data[t.start:t.end])
	case tString:
		return "the string " + quote(p.text(t))
	case tNumber:
		return "the number " + short(string(p.data[t.start:t.end]))
	}
	return short(p.text(t))
}

// quote quotes s for a message, shortening a long one.
func quote(s string) string { return fmt.Sprintf("%q", short(s)) }

// short cuts s to a length a message can hold.
func short(s string) string {
	const n = 60
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// fieldName returns the field name t spells, allocating only for the
// unknown ones.
func (p *parser) fieldName(t token) string {
	if t.kind == tString && t.closed && !t.esc {
		raw := p.data[t.start+1 : t.end-1]
		for _, f := range Fields {
			if string(raw) == f {
				return f
			}
		}
	}
	return p.text(t)
}

// isSourceLike reports whether t, met among a rule's fields, is rather the
// next rule's source: a string that looks like a source, in a file that
// lacks a '}' (in one whose braces pair up, it is a field, whatever its
// name: taking it for a source would report JSON that is valid as broken).
func (p *parser) isSourceLike(t token) bool {
	if t.kind != tString || !p.lacksBrace() {
		return false
	}
	if t.esc {
		return looksLikeSource(p.text(t))
	}
	raw := p.data[t.start+1 : t.end]
	return len(raw) > 0 && (raw[0] == '/' || raw[0] == 'h' || raw[0] == 'H') && looksLikeSource(string(raw))
}

// lacksBrace reports whether the file opens more objects than it closes,
// counting the braces outside strings and comments; worked out once, when
// first asked.
func (p *parser) lacksBrace() bool {
	if p.braces == 0 {
		depth, data := 0, p.data
		for i := 0; i < len(data); i++ {
			switch c := data[i]; {
			case c == '{':
				depth++
			case c == '}':
				depth--
			case c == '"' || c == '\'':
				for i++; i < len(data) && data[i] != c; i++ {
					if data[i] == '\\' {
						i++
					}
				}
			case c == '/' && i+1 < len(data) && data[i+1] == '/':
				for i < len(data) && data[i] != '\n' {
					i++
				}
			case c == '/' && i+1 < len(data) && data[i+1] == '*':
				end := bytes.Index(data[i+2:], []byte("*/"))
				if end < 0 {
					i = len(data)
				} else {
					i += 2 + end + 1
				}
			}
		}
		p.braces = 2
		if depth > 0 {
			p.braces = 1
		}
	}
	return p.braces == 1
}

func looksLikeSource(s string) bool {
	return strings.HasPrefix(s, "/") || hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
