package jsgen_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/edge/jsgen"
	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/internal/conformance"
)

// Pieces of generated rules and requests: plain, encoded, unicode, upper
// case and reserved characters.
var (
	segments = []string{"a", "b", "blog", "2019", "docs", "v1", "A", "Blog", "x y", "über", "%C3%BCber", "caf%C3%A9",
		"ñ", "%7E", "~", "a.b", "-", "_x", "x%20y", "%2F", "%41", "ÉTÉ", "日本", "a+b", "%25"}
	values  = []string{"x", "2020/01", "a b", "%2F", "..", "%E2%82%AC", "ünï", "UPPER", "%20", "a%2Fb", "q?x", "%23", "/", "//evil.com", "%0d%0a"}
	hosts   = []string{"", "example.com", "old.example.com", "OLD.Example.com:443", "old.example.com.", "new.example.com"}
	queries = []string{"", "", "a=1", "a=1&a=2", "utm_source=x&1=2", "q=%20x", "k", "k=", "é=1", "x=1&y=%ZZ", "a=b c"}
	hostile = []string{"//evil.com", "/\\evil.com", "/%2F%2Fevil.com", "/%5Cevil.com", "/go//evil.com", "/go/%2F%2Fevil.com",
		"/go/%0d%0aSet-Cookie:%20x=1", "/%", "/%zz", "/%C3", "/%E0%A4%A", "/%FF%FE", "/a/../b", "///", "/%00", "/go/\\evil.com",
		"/r/%5C%5Cevil.com", "/go/%09/evil.com", "/%C0%AF", "/%ED%A0%80", "/%F4%90%80%80", "/go/https:%2F%2Fevil.com"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func randPath(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("/" + pick(r, segments))
	}
	return b.String()
}

// randomRules writes a rules file of n random rules, one per line.
func randomRules(r *rand.Rand, n int) []string {
	var lines []string
	var sources []string
	for i := 0; i < n; i++ {
		var src, to string
		base := randPath(r, 1+r.IntN(2))
		host := ""
		if r.IntN(6) == 0 {
			host = "https://old.example.com"
		}
		switch k := r.IntN(10); {
		case k < 4:
			src = base
			if r.IntN(3) == 0 {
				src += "/"
			}
			to = randPath(r, 1+r.IntN(2))
		case k < 6:
			src = base + "/*"
			to = pick(r, []string{"/new/:splat", "/:splat", "https://ex.com/:splat", "/y#:splat", "/z?from=:splat", "/n" + base + "/:splat"})
		case k < 7:
			src = base + "-*"
			to = "/dash/:splat"
		case k < 9:
			src = base + "/:id" + pick(r, []string{"", "/edit", "/:rest"})
			to = pick(r, []string{"/n/:id", "/x?p=:id", "/:id/page", "https://ex.com/u/:id#top"})
			if strings.HasSuffix(src, ":rest") {
				to = "/n/:id/:rest"
			}
		default:
			src = base
			if len(sources) > 0 {
				to = strings.TrimSuffix(strings.TrimSuffix(pick(r, sources), "*"), "/") // a chain
			} else {
				to = "/end"
			}
			if strings.Contains(to, ":") && !strings.HasPrefix(to, "https:") {
				to = "/end"
			}
		}
		if host != "" {
			src = host + src
		}
		if r.IntN(8) == 0 && !strings.HasPrefix(to, "https://ex.com") {
			to = "https://old.example.com" + to
		}
		sources = append(sources, src)
		fields := fmt.Sprintf(`"to": %q`, to)
		switch s := pick(r, []int{301, 301, 302, 303, 307, 308, 410}); s {
		case 410:
			fields = `"statusCode": 410`
		default:
			fields += fmt.Sprintf(`, "statusCode": %d`, s)
		}
		if r.IntN(5) == 0 {
			fields += `, "query": "drop"`
		}
		lines = append(lines, fmt.Sprintf("%q: { %s },", src, fields))
	}
	return lines
}

// compileRandom drops the rules the engine rejects (collisions, loops)
// until the rest compile.
func compileRandom(t testing.TB, lines []string, opts engine.Options) *engine.Table {
	t.Helper()
	for try := 0; try < 20; try++ {
		src := "{\n" + strings.Join(lines, "\n") + "\n}\n"
		c := signpost.Compile("random.json", []byte(src), opts)
		if c.Table != nil {
			return c.Table
		}
		bad := map[int]bool{}
		for _, d := range c.Diagnostics.Errors() {
			if d.Pos.Line >= 2 && d.Pos.Line-2 < len(lines) {
				bad[d.Pos.Line-2] = true
			}
		}
		if len(bad) == 0 {
			t.Fatalf("random rules do not compile:\n%s\n%v", src, c.Diagnostics.Err())
		}
		var keep []string
		for i, l := range lines {
			if !bad[i] {
				keep = append(keep, l)
			}
		}
		lines = keep
	}
	t.Fatal("random rules still do not compile after 20 rounds")
	return nil
}

// randomRequests makes requests aimed at the rules (with placeholders
// filled, slashes added, parts encoded or recased) and hostile ones.
func randomRequests(r *rand.Rand, set []string, n int) []request {
	out := make([]request, 0, n)
	for len(out) < n {
		var p string
		switch k := r.IntN(10); {
		case k < 6 && len(set) > 0:
			src := pick(r, set)
			host := ""
			if strings.HasPrefix(src, "https://") {
				i := strings.Index(src[8:], "/")
				host, src = src[8:8+i], src[8+i:]
			}
			src = strings.TrimSuffix(src, "*")
			var b strings.Builder
			for i, seg := range strings.Split(src, "/") {
				if i > 0 {
					b.WriteByte('/')
				}
				if strings.HasPrefix(seg, ":") {
					seg = pick(r, values)
				}
				b.WriteString(seg)
			}
			p = b.String()
			if strings.HasSuffix(src, "/") || strings.HasSuffix(src, "-") {
				p += pick(r, []string{"", "x", "2020/01/", pick(r, values)})
			}
			switch r.IntN(5) {
			case 0:
				p += "/"
			case 1:
				p = strings.ToUpper(p)
			case 2:
				p = strings.Replace(p, "a", "%61", 1)
			}
			if host != "" && r.IntN(3) > 0 {
				out = append(out, request{host: pick(r, []string{host, strings.ToUpper(host), host + ":443"}), path: p, query: pick(r, queries)})
				continue
			}
		case k < 8:
			p = pick(r, hostile)
		default:
			p = randPath(r, 1+r.IntN(3))
		}
		if p == "" || p[0] != '/' {
			p = "/" + p
		}
		out = append(out, request{host: pick(r, hosts), path: p, query: pick(r, queries)})
	}
	return out
}

// TestRandomDifferential compares the Go reference handler with the
// generated JavaScript on thousands of random rules and requests (fixed
// seed), and checks every Location against the safety invariants.
func TestRandomDifferential(t *testing.T) {
	needNode(t)
	r := rand.New(rand.NewPCG(20261125, 1))
	total, matched := 0, 0
	for set := 0; set < 10; set++ {
		opts := engine.Options{CaseInsensitive: set%3 == 2}
		lambdaRules := randomRules(r, 40)
		fnRules := randomRules(r, 8)
		for _, v := range variants {
			lines := lambdaRules
			if v.fn {
				lines = fnRules
			}
			table := compileRandom(t, lines, opts)
			var sources []string
			for _, rule := range table.Rules().Rules {
				sources = append(sources, rule.Source)
			}
			reqs := randomRequests(r, sources, 300)
			events := make([]any, len(reqs))
			for i, q := range reqs {
				events[i] = v.event(q)
			}
			p := edge.HeaderPolicy{Extra: []edge.Header{{Name: "X-Content-Type-Options", Value: "nosniff"}}}
			n, ok := startOrSkip(t, v, table, p)
			if !ok {
				continue
			}
			got, err := n.Run(events)
			if err != nil {
				t.Fatalf("set %d %s: %v", set, v.name, err)
			}
			want := v.reference(t, table, p, events)
			bad := 0
			for i := range events {
				if !sameJSON(got[i], want[i]) {
					if bad++; bad <= 5 {
						t.Errorf("set %d %s: host %q %q ?%q:\n\tnode: %s\n\tgo:   %s\nrules:\n%s", set, v.name,
							reqs[i].host, reqs[i].path, reqs[i].query, got[i], want[i], strings.Join(lines, "\n"))
					}
				}
				a := answerOf(t, got[i])
				if a.match {
					matched++
				}
				if a.match && a.status != 410 {
					if err := conformance.CheckLocation(a.location); err != nil {
						t.Errorf("set %d %s: %q: unsafe Location %q: %v", set, v.name, reqs[i].path, a.location, err)
					}
				}
			}
			total += len(events)
		}
	}
	t.Logf("%d requests compared, %d of them redirected or gone", total, matched)
}

// startOrSkip starts the variant, or reports false when the random rules
// do not fit a CloudFront Function (a size limit, not a difference).
func startOrSkip(t *testing.T, v variant, table *engine.Table, p edge.HeaderPolicy) (*jsgen.Node, bool) {
	if v.fn {
		if _, _, err := jsgen.CloudFrontFunction(table, jsgen.FunctionOptions{Headers: p, KVS: v.kvs, DebugHeader: true}); err != nil {
			var le *jsgen.LimitError
			if errors.As(err, &le) {
				t.Logf("%s: skipped one random set: %v", v.name, err)
				return nil, false
			}
		}
	}
	return v.start(t, table, p), true
}
