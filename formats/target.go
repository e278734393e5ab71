package formats

// renderTarget writes a rule's target for a server's configuration: each
// placeholder replaced by ref(name), then, when the rule keeps the query,
// query(hasQuery) (the server's way of appending "?" or "&" and the
// request's query), then the fragment.
func renderTarget(to string, caps map[string]bool, keep bool, ref func(string) string, query func(hasQuery bool) string) string {
	t := splitTarget(to)
	out := substitute(t.Base, caps, ref)
	if t.HasQuery {
		out += "?" + substitute(t.Query, caps, ref)
	}
	if keep {
		out += query(t.HasQuery)
	}
	if t.HasFragment {
		out += "#" + substitute(t.Fragment, caps, ref)
	}
	return out
}
