package deploy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/signposthq/signpost/engine"
)

// CloudFront's limits on invalidations (see "Quotas on invalidations" in
// the CloudFront Developer Guide).
const (
	// MaxWildcardsInProgress is how many wildcard paths may be in progress on
	// one distribution at a time.
	MaxWildcardsInProgress = 15
	// MaxPathsPerInvalidation is how many paths one CreateInvalidation may
	// hold.
	MaxPathsPerInvalidation = 3000
)

// InvalidationOptions tune the planner.
type InvalidationOptions struct {
	// MaxPaths is the number of paths above which one "/*" is invalidated
	// instead (paths past the first 1,000 a month are billed each, "/*"
	// counts as one but empties the whole cache). 0 means 500.
	MaxPaths int
	// BatchSize is the most paths per CreateInvalidation; 0 means 1000.
	BatchSize int
	// QueryVariants invalidates "/x*" instead of "/x" and "/x/", for
	// distributions whose cache key includes the query string: "/x" alone
	// leaves "/x?ref=a" cached.
	QueryVariants bool
}

func (o InvalidationOptions) maxPaths() int {
	if o.MaxPaths <= 0 {
		return 500
	}
	return o.MaxPaths
}

func (o InvalidationOptions) batchSize() int {
	if o.BatchSize <= 0 || o.BatchSize > MaxPathsPerInvalidation {
		return 1000
	}
	return o.BatchSize
}

// InvalidationPlan is what to invalidate on each distribution.
type InvalidationPlan struct {
	// Paths are the CloudFront invalidation paths, sorted.
	Paths []string `json:"paths"`
	// Everything is true when Paths is ["/*"] because there were too many.
	Everything bool `json:"everything,omitempty"`
	// Wanted is how many paths the changes needed before falling back.
	Wanted int `json:"wanted"`
	// Batches split Paths into CreateInvalidation calls.
	Batches [][]string `json:"-"`
}

// PlanInvalidation returns the paths that make CloudFront forget what the
// changed sources answered: both "/x" and "/x/" for an exact source, the
// literal prefix and a wildcard for a pattern, every path encoded as
// CloudFront compares them. Above opts.MaxPaths paths, or above the wildcard
// quota, it is "/*".
func PlanInvalidation(changes []Change, opts InvalidationOptions) InvalidationPlan {
	set := map[string]bool{}
	for _, c := range changes {
		for _, p := range invalidationPaths(c.Source, opts.QueryVariants) {
			set[p] = true
		}
	}
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	paths = dropCovered(paths)
	plan := InvalidationPlan{Paths: paths, Wanted: len(paths)}
	if len(paths) == 0 {
		return plan
	}
	wild := 0
	for _, p := range paths {
		if strings.HasSuffix(p, "*") {
			wild++
		}
	}
	if len(paths) > opts.maxPaths() || wild > MaxWildcardsInProgress {
		plan.Paths, plan.Everything = []string{"/*"}, true
	}
	// Split into calls of at most batchSize paths, in sorted order; the
	// wildcard quota is per distribution, not per call, and was checked
	// above.
	size := opts.batchSize()
	for rest := plan.Paths; len(rest) > 0; {
		n := min(size, len(rest))
		plan.Batches = append(plan.Batches, rest[:n])
		rest = rest[n:]
	}
	return plan
}

// dropCovered sorts paths and removes those a wildcard among them already
// covers.
func dropCovered(paths []string) []string {
	sort.Strings(paths)
	var wild []string
	for _, p := range paths {
		if strings.HasSuffix(p, "*") {
			wild = append(wild, strings.TrimSuffix(p, "*"))
		}
	}
	out := paths[:0]
	for _, p := range paths {
		covered := false
		for _, w := range wild {
			if strings.HasPrefix(p, w) && p != w+"*" {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}

// invalidationPaths returns the paths to invalidate for one source.
func invalidationPaths(source string, queryVariants bool) []string {
	path := sourcePath(source)
	// A pattern: everything from its literal prefix on.
	if lit, ok := patternPrefix(path); ok {
		enc := encodeInvalidationPath(lit)
		out := []string{enc + "*"}
		// "/blog/*" matches "/blog" too, which "/blog/*" does not cover.
		if strings.HasSuffix(enc, "/") && len(enc) > 1 {
			out = append(out, strings.TrimSuffix(enc, "/"))
		}
		return out
	}
	enc := encodeInvalidationPath(path)
	if enc == "/" {
		// "/*" would be the whole site: the home page's query variants
		// are left to expire.
		return []string{"/"}
	}
	enc = strings.TrimSuffix(enc, "/")
	if queryVariants {
		return []string{enc + "*"}
	}
	return []string{enc, enc + "/"}
}

// sourcePath strips the scheme and host of a host-qualified source:
// invalidations are per distribution, by path.
func sourcePath(source string) string {
	_, path := engine.SplitSource(source)
	if !strings.HasPrefix(path, "/") {
		// Not a key the parser accepts; never send CloudFront a relative
		// path.
		return "/" + path
	}
	return path
}

// patternPrefix returns the literal text before a pattern source's first
// placeholder or final "*", and whether the source is a pattern at all.
func patternPrefix(path string) (string, bool) {
	lit := path
	isPattern := false
	if strings.HasSuffix(lit, "*") {
		lit, isPattern = strings.TrimSuffix(lit, "*"), true
	}
	segs := strings.Split(lit, "/")
	for i, s := range segs {
		if engine.IsPlaceholder(s) {
			return strings.Join(segs[:i], "/") + "/", true
		}
	}
	return lit, isPattern
}

// encodeInvalidationPath writes path the way CloudFront compares
// invalidation paths with cached URIs: characters that are unsafe in a URL
// (RFC 1738: space, quotes, "#", "%", "<", ">", braces, "|", "\", "^", "~",
// "[", "]", "`"), control characters and non-ASCII bytes percent-encoded with
// upper-case hex; a "*" that is not the wildcard encoded as %2A; "?"
// encoded. Escapes already in the path are kept, with safe characters
// decoded (%6A is j) so that two spellings of one source give one path.
func encodeInvalidationPath(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '%' && i+2 < len(path) {
			if d, err := strconv.ParseUint(path[i+1:i+3], 16, 8); err == nil {
				if safeInInvalidation(byte(d)) {
					b.WriteByte(byte(d))
				} else {
					fmt.Fprintf(&b, "%%%02X", d)
				}
				i += 2
				continue
			}
		}
		if safeInInvalidation(c) || c == '/' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// safeInInvalidation reports whether c may appear literally in an
// invalidation path ("/" is handled by the caller: an encoded %2F is not a
// separator and stays encoded).
func safeInInvalidation(c byte) bool {
	if c >= utf8.RuneSelf || c <= ' ' || c == 0x7f {
		return false
	}
	switch c {
	case '"', '#', '%', '<', '>', '{', '}', '|', '\\', '^', '~', '[', ']', '`', '?', '*', '/':
		return false
	}
	return true
}
