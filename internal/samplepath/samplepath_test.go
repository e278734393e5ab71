package samplepath

import "testing"

func TestFillAndEscape(t *testing.T) {
	fill := func(p string) string { return Fill(p, "v") }
	for _, c := range []struct {
		name    string
		f       func(string) string
		in, out string
	}{
		{"Fill", fill, "/jobs", "/jobs"},
		{"Fill", fill, "/team/:member", "/team/v"},
		{"Fill", fill, "/a/:x/b/:y_2/", "/a/v/b/v/"},
		{"Fill", fill, "/a/:1/b:c/::d/:", "/a/:1/b:c/::d/:"},
		{"Fill", fill, "", ""},
		{"Escape", Escape, "/a b/über", "/a%20b/%C3%BCber"},
		{"Escape", Escape, "/%3Ahover/%zz", "/%3Ahover/%zz"},
		{"Escape", Escape, "/q?x#f", "/q%3Fx%23f"},
		{"Escape", Escape, "/\"<>\\^`{|}", "/%22%3C%3E%5C%5E%60%7B%7C%7D"},
		{"Escape", Escape, "/tab\there\x7f", "/tab%09here%7F"},
		{"Escape", Escape, "/ok-._~!$&'()*+,;=:@[]", "/ok-._~!$&'()*+,;=:@[]"},
	} {
		if got := c.f(c.in); got != c.out {
			t.Errorf("%s(%q) = %q, want %q", c.name, c.in, got, c.out)
		}
	}
}
