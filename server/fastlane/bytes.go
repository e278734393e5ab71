package fastlane

// The classes of bytes the parser and the framing check against.
var (
	// tokenByte: an RFC 9110 token, such as a field name.
	tokenByte = alnumAnd("!#$%&'*+-.^_`|~")
	// hostByte: a host name, an IPv4 or a bracketed IPv6 address, a port,
	// as far as net/http's own check takes them.
	hostByte = alnumAnd(".-:[]_")
	// pathByte: what a plain target's path holds as it is: unreserved
	// characters, sub-delimiters, ":", "@", "/", "[" and "]".
	pathByte = alnumAnd("-._~!$&'()*+,;=:@/[]")
)

// alnumAnd is the class of ASCII letters and digits and the bytes of more.
func alnumAnd(more string) (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for i := 0; i < len(more); i++ {
		t[more[i]] = true
	}
	return t
}

// isToken reports whether b is a non-empty RFC 9110 token.
func isToken[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		if !tokenByte[b[i]] {
			return false
		}
	}
	return len(b) > 0
}

// validHost reports whether b is a plain host[:port].
func validHost(b []byte) bool {
	for _, c := range b {
		if !hostByte[c] {
			return false
		}
	}
	return len(b) > 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// trimOWS trims the optional white space around a field value.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// foldEqual reports whether b and s are the same ASCII, ignoring case.
func foldEqual(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i, x := range b {
		y := s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
