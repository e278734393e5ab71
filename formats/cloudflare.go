package formats

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/engine"
	"github.com/signposthq/signpost/rules"
)

// ExportCloudflareBulkCSV writes the rules as a Cloudflare Bulk Redirect
// List in CSV: source_url, target_url, status_code, preserve_query_string,
// include_subdomains, subpath_matching, preserve_path_suffix, one redirect a
// line, no header. Bulk redirects match whole URLs, so host-less sources and
// path targets need opts.Host. An exact rule is written for the path with
// and without its trailing slash. A prefix rule "/dir/*" whose target ends
// in :splat becomes a subpath match that keeps the path's suffix (with a
// second line for "/dir" itself); :name captures, other prefixes, and 410
// cannot be expressed.
func ExportCloudflareBulkCSV(set *rules.Set, opts ExportOptions) ([]byte, []Problem) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	ordered, probs := precedenceOrder(set, opts)
	probs = append(probs, caseProblem(set, opts, "cloudflare bulk redirects")...)
	seen := map[string]bool{}
	for _, r := range ordered {
		src := parseSource(r.Source)
		host := src.Host
		if host == "" {
			host = opts.Host
		}
		switch {
		case r.Status == rules.StatusGone:
			probs = append(probs, problem(set, r, "cloudflare bulk redirects cannot answer 410"))
			continue
		case r.Status == 303:
			probs = append(probs, problem(set, r, "cloudflare bulk redirects send 301, 302, 307 or 308, not 303"))
			continue
		case host == "":
			probs = append(probs, problem(set, r, "cloudflare bulk redirects need the site's host name: give --host"))
			continue
		case len(src.captureNames()) > 0 && (!src.Splat || len(src.captureNames()) > 1):
			probs = append(probs, problem(set, r, "cloudflare bulk redirects cannot capture a :name segment"))
			continue
		}
		to := r.To
		if isLocal(to) {
			to = "https://" + host + to
		}
		keep := strconv.FormatBool(r.Query == rules.QueryKeep)
		write := func(source, target, subpath, suffix string) {
			if seen[source] {
				return
			}
			seen[source] = true
			_ = w.Write([]string{source, target, strconv.Itoa(r.Status), strings.ToUpper(keep), "FALSE", subpath, suffix})
		}
		if src.Exact {
			p := engine.TrimSlash(src.Path)
			write(host+p, to, "FALSE", "FALSE")
			if p != "/" {
				write(host+p+"/", to, "FALSE", "FALSE")
			}
			continue
		}
		// A prefix rule: only "/dir/*" to "...:splat" (or a fixed target).
		caps := src.captures()
		fixed := !hasPlaceholder(to, caps)
		if !strings.HasSuffix(src.Path, "/") || (!fixed && !endsInSplat(to, caps)) {
			probs = append(probs, problem(set, r, `cloudflare subpath matching works on whole path segments and appends the rest of the path at the end of the target: only "/dir/*" with a fixed target or one ending in :splat`))
			continue
		}
		base, suffix := strings.TrimSuffix(to, ":splat"), "TRUE"
		if fixed {
			base, suffix = to, "FALSE"
		}
		write(host+src.Path, base, "TRUE", suffix)
		if p := strings.TrimSuffix(src.Path, "/"); p != "" {
			write(host+p, base, "FALSE", "FALSE")
		}
	}
	w.Flush()
	return b.Bytes(), probs
}
