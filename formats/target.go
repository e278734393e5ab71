package formats

import "strings"

// renderTarget writes a rule's target for a server's configuration: each
// placeholder replaced by ref(name), then, when the rule keeps the query,
// query(hasQuery) (the server's way of appending "?" or "&" and the
// request's query), then the fragment.
func renderTarget(to string, caps map[string]bool, keep bool, ref func(string) string, query func(hasQuery bool) string) string {
	// The placeholders are found in the whole target, as the engine finds
	// them, then filled part by part.
	phs := placeholders(to, caps)
	frag := strings.IndexByte(to, '#')
	if frag < 0 {
		frag = len(to)
	}
	q := strings.IndexByte(to[:frag], '?')
	if q < 0 {
		q = frag
	}
	out := substituteIn(to, 0, q, phs, ref)
	if q < frag {
		out += "?" + substituteIn(to, q+1, frag, phs, ref)
	}
	if keep {
		out += query(q < frag)
	}
	if frag < len(to) {
		out += "#" + substituteIn(to, frag+1, len(to), phs, ref)
	}
	return out
}
