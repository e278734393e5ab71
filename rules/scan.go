package rules

import (
	"fmt"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The scanner splits a JWCC document (JSON with comments and trailing
// commas) into tokens, keeping the line of each. It never fails: what is not
// JSON becomes a diagnostic and a token the parser can recover from, so that
// one mistake does not hide the ones after it.

type tokKind uint8

const (
	tEOF tokKind = iota
	tLBrace
	tRBrace
	tLBrack
	tRBrack
	tColon
	tComma
	tString  // "..." (or '...', reported)
	tNumber  // a JSON number (or a malformed one, reported)
	tLiteral // true, false, null
	tWord    // any other bare word: an unquoted key or string (reported when used)
)

type token struct {
	kind   tokKind
	esc    bool // a string holding escapes
	closed bool // a string with its closing quote
	bad    bool // the token is malformed and was reported
	// Byte offsets (data[start:end] is the token's text), the 1-based line
	// of start and the offset where that line starts. A file is at most
	// MaxFileSize bytes long, so 32 bits hold them all: a token is copied
	// often.
	start, end, line, lineStart int32
}

// scanner state lives in the parser; these methods only read data and move
// p.off, p.line and p.lineStart.

// strClass marks the bytes a string's fast loop must stop at.
var strClass = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['"'], t['\''], t['\\'] = true, true, true
	return t
}()

// bareStop marks the bytes that end a bare word.
var bareStop = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n{}[]:,\"'") {
		t[c] = true
	}
	return t
}()

// next scans the next token.
func (p *parser) next() token {
	p.prev = p.tok
	p.scan(&p.tok)
	return p.tok
}

// punct maps the bytes that are tokens by themselves to their kinds.
var punct = [256]tokKind{'{': tLBrace, '}': tRBrace, '[': tLBrack, ']': tRBrack, ':': tColon, ',': tComma}

// scan scans the next token into t.
func (p *parser) scan(t *token) {
	data := p.data
	i := p.off
	for {
		if p.stopped {
			*t = token{kind: tEOF, start: int32(len(data)), end: int32(len(data)), line: int32(p.line), lineStart: int32(p.lineStart)}
			return
		}
		// Whitespace and comments.
		line, ls := p.line, p.lineStart
		for i < len(data) {
			c := data[i]
			if c == ' ' || c == '\t' || c == '\r' {
				i++
				continue
			}
			if c == '\n' {
				i++
				line++
				ls = i
				continue
			}
			if c != '/' || i+1 >= len(data) || (data[i+1] != '/' && data[i+1] != '*') {
				break
			}
			p.line, p.lineStart = line, ls
			if data[i+1] == '/' {
				j := i + 2
				for j < len(data) && data[j] != '\n' {
					j++
				}
				p.checkUTF8(i, j)
				i = j
			} else {
				i = p.blockComment(i)
			}
			line, ls = p.line, p.lineStart
		}
		p.line, p.lineStart = line, ls
		*t = token{start: int32(i), line: int32(line), lineStart: int32(ls)}
		if i >= len(data) {
			t.end = int32(i)
			p.off = i
			return
		}
		c := data[i]
		if k := punct[c]; k != 0 {
			t.kind, t.end = k, int32(i+1)
			p.off = i + 1
			return
		}
		if c == '"' || c == '\'' {
			p.scanString(t)
			p.off = int(t.end)
			return
		}
		j := i
		for j < len(data) && !bareStop[data[j]] && !(data[j] == '/' && j+1 < len(data) && (data[j+1] == '/' || data[j+1] == '*') && j > i) {
			j++
		}
		t.end = int32(j)
		p.off = j
		if !p.strayText(t) {
			return
		}
		i = p.off
	}
}

// blockComment skips a /* */ comment starting at i and returns the offset
// after it.
func (p *parser) blockComment(i int) int {
	data := p.data
	start, line, ls := i, p.line, p.lineStart
	j := i + 2
	for j < len(data) {
		if data[j] == '*' && j+1 < len(data) && data[j+1] == '/' {
			p.checkUTF8(i, j)
			return j + 2
		}
		if data[j] == '\n' {
			p.line++
			p.lineStart = j + 1
		}
		j++
	}
	p.checkUTF8(i, j)
	p.syntaxAt(start, line, ls, "unterminated /* comment: the closing */ is missing", "")
	return j
}

// checkUTF8 reports every invalid UTF-8 sequence in data[i:j], which lies
// on one line (the current one) unless it is a block comment.
func (p *parser) checkUTF8(i, j int) {
	if !hasNonASCII(p.data[i:j]) {
		return
	}
	p.lastNonASCII = max(p.lastNonASCII, j-1)
	if utf8.Valid(p.data[i:j]) {
		return
	}
	line, ls := p.lineAt(i)
	for k := i; k < j; {
		c := p.data[k]
		if c == '\n' {
			line++
			ls = k + 1
		}
		if c < utf8.RuneSelf {
			k++
			continue
		}
		r, size := utf8.DecodeRune(p.data[k:j])
		if r == utf8.RuneError && size == 1 {
			p.invalidUTF8(k, line, ls)
		}
		k += size
	}
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// lineAt finds the line of offset i, which is on the current line or was
// scanned from a block comment starting on an earlier one.
func (p *parser) lineAt(i int) (line, lineStart int) {
	line, ls := p.line, p.lineStart
	for ls > i {
		ls--
		line--
		for ls > 0 && p.data[ls-1] != '\n' {
			ls--
		}
	}
	return line, ls
}

func (p *parser) invalidUTF8(off, line, ls int) {
	p.syntax(Diagnostic{Pos: p.pos(off, line, ls), Code: "utf8",
		Message: fmt.Sprintf("invalid UTF-8 byte 0x%02X", p.data[off]),
		Hint:    "save the file as UTF-8"})
}

// strayText classifies a bare word in t. It reports text that cannot start
// any token (returning true: the caller skips it like whitespace), and sets
// t.kind for the rest.
func (p *parser) strayText(t *token) bool {
	text := p.data[t.start:t.end]
	if hasNonASCII(text) {
		p.lastNonASCII = max(p.lastNonASCII, int(t.end)-1)
	}
	switch string(text) {
	case "true", "false", "null":
		t.kind = tLiteral
		return false
	}
	if c := text[0]; c == '-' || (c >= '0' && c <= '9') {
		t.kind = tNumber
		if !validNumber(text) {
			t.bad = true
			p.syntax(Diagnostic{Pos: p.tokPos(*t), Code: "syntax",
				Message: fmt.Sprintf("invalid number %s", text),
				Hint:    "numbers are written in decimal without leading zeros, such as 301"})
		}
		return false
	}
	r, size := utf8.DecodeRune(text)
	if r == utf8.RuneError && size <= 1 {
		p.invalidUTF8(int(t.start), int(t.line), int(t.lineStart))
		p.off = int(t.start) + 1
		return true
	}
	if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
		// No-break spaces and zero-width characters pasted from a web page.
		p.syntax(Diagnostic{Pos: p.tokPos(*t), Code: "syntax",
			Message: fmt.Sprintf("unexpected character %U outside a string", r),
			Hint:    "only spaces, tabs and line breaks may separate JSON values: delete it"})
		p.off = int(t.start) + size
		return true
	}
	if r >= utf8.RuneSelf || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' || r == '_' || r == '$' || r == '.' || r == '*') {
		p.syntax(Diagnostic{Pos: p.tokPos(*t), Code: "syntax",
			Message: fmt.Sprintf("unexpected character %q", r)})
		p.off = int(t.start) + size
		return true
	}
	t.kind = tWord
	return false
}

// validNumber reports whether b is a JSON number.
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	return i == len(b)
}

// scanString scans a string starting at t.start (a quote) and fills t. A
// string ends at its closing quote; one without ends at the end of its line,
// since JSON strings cannot span lines.
func (p *parser) scanString(t *token) {
	data := p.data
	quote := data[t.start]
	t.kind = tString
	if quote == '\'' {
		t.bad = true
		p.syntax(Diagnostic{Pos: p.tokPos(*t), Code: "syntax",
			Message: "strings are written in double quotes, not single quotes",
			Hint:    `replace ' with "`})
	}
	i := int(t.start) + 1
	for {
		for i < len(data) && !strClass[data[i]] {
			i++
		}
		if i >= len(data) || data[i] == '\n' || (data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n') {
			t.end = int32(i)
			t.bad = true
			p.syntax(Diagnostic{Pos: p.tokPos(*t), Code: "syntax",
				Message: "unterminated string: the closing quote is missing",
				Hint:    fmt.Sprintf("add %c at the end of the string", quote)})
			return
		}
		switch c := data[i]; {
		case c == quote:
			t.end = int32(i + 1)
			t.closed = true
			return
		case c == '"' || c == '\'':
			i++
		case c == '\\':
			t.esc = true
			i = p.scanEscape(t, i, quote)
		case c < 0x20:
			t.bad = true
			p.syntax(Diagnostic{Pos: p.posIn(*t, i), Code: "syntax",
				Message: fmt.Sprintf("control character %U in a string", rune(c)),
				Hint:    `write it as an escape such as \t, or delete it`})
			i++
		default: // a byte of a multi-byte character
			p.lastNonASCII = i
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				t.bad = true
				p.invalidUTF8(i, int(t.line), int(t.lineStart))
			}
			i += size
		}
	}
}

// scanEscape checks the escape sequence at data[i] (a backslash) and returns
// the offset after it.
func (p *parser) scanEscape(t *token, i int, quote byte) int {
	data := p.data
	if i+1 >= len(data) {
		return i + 1
	}
	switch c := data[i+1]; c {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return i + 2
	case 'u':
		r, ok := hex4(data, i+2)
		if !ok {
			break
		}
		if utf16.IsSurrogate(r) {
			r2, ok2 := rune(0), false
			if r < 0xDC00 && i+7 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
				r2, ok2 = hex4(data, i+8)
			}
			if !ok2 || utf16.DecodeRune(r, r2) == utf8.RuneError {
				t.bad = true
				p.syntax(Diagnostic{Pos: p.posIn(*t, i), Code: "syntax",
					Message: fmt.Sprintf("invalid escape %s: a lone UTF-16 surrogate", data[i:i+6])})
				return i + 6
			}
			return i + 12
		}
		return i + 6
	default:
		if c == '\'' && quote == '\'' {
			return i + 2
		}
		if c == '\n' || c == '\r' {
			return i + 1 // let the caller report the unterminated string
		}
	}
	t.bad = true
	// Resume after the backslash and the whole character after it: an
	// offset inside a character would throw the columns after it.
	_, size := utf8.DecodeRune(data[i+1:])
	end, shown := i+1+size, i+1+size
	if data[i+1] >= utf8.RuneSelf {
		p.lastNonASCII = end - 1
	}
	if data[i+1] == 'u' {
		for shown < min(i+6, len(data)) && isHex(data[shown]) {
			shown++
		}
	}
	p.syntax(Diagnostic{Pos: p.posIn(*t, i), Code: "syntax",
		Message: fmt.Sprintf("invalid escape %q in a string", data[i:shown]),
		Hint:    `write a backslash as \\; valid escapes are \" \\ \/ \b \f \n \r \t \uXXXX`})
	return end
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// text returns the value of a string or word token, unescaped.
func (p *parser) text(t token) string {
	if t.kind != tString {
		return string(p.data[t.start:t.end])
	}
	end := t.end
	if t.closed {
		end--
	}
	if !t.esc {
		return string(p.data[t.start+1 : end])
	}
	return unescape(p.data[t.start+1 : end])
}

// unescape decodes the escapes of a string the scanner has checked; what it
// reported as invalid decodes as U+FFFD.
func unescape(raw []byte) string {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			b = append(b, c)
			i++
			continue
		}
		i++
		switch c = raw[i]; c {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(raw, i+1)
			if !ok {
				b = utf8.AppendRune(b, utf8.RuneError)
				i++
				continue
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok2 := rune(0), false
				if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
					r2, ok2 = hex4(raw, i+3)
				}
				if d := utf16.DecodeRune(r, r2); ok2 && d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default: // " \ / ' and invalid escapes, which stand for themselves
			b = append(b, c)
		}
		i++
	}
	return string(b)
}
