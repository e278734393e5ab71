package formats

import (
	"bytes"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/rules"
)

var (
	metaTag   = regexp.MustCompile(`(?is)<meta\s[^>]*>`)
	metaAttr  = regexp.MustCompile(`(?is)([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
	refreshTo = regexp.MustCompile(`(?is)^\s*(\d+(?:\.\d*)?)\s*(?:[;,]\s*(?:url\s*=\s*)?(.*))?$`)
)

// ImportMetaRefresh finds the built pages of a site whose
// <meta http-equiv="refresh" content="0; url=..."> sends the visitor
// elsewhere (any case, any quoting) and turns each into a 301 rule:
// dir/index.html becomes the source /dir, page.html stays /page.html, and a
// relative url is resolved against the page. Pages that wait before they
// go on are reported, not imported: people read them first.
func ImportMetaRefresh(name string, site fs.FS) (*Imported, error) {
	imp := newImported(name)
	imp.Header = []string{fmt.Sprintf("Imported from the meta refresh pages in %s by signpost import.", name)}
	err := fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(path.Ext(p))
		if ext != ".html" && ext != ".htm" {
			return nil
		}
		data, err := fs.ReadFile(site, p)
		if err != nil {
			return err
		}
		imp.metaRefresh(path.Join(name, p), p, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return imp, nil
}

// metaRefresh imports the page at p (relative to the site) if it is one.
func (imp *Imported) metaRefresh(file, p string, data []byte) {
	for _, loc := range metaTag.FindAllIndex(data, -1) {
		attrs := map[string]string{}
		for _, m := range metaAttr.FindAllSubmatch(data[loc[0]:loc[1]], -1) {
			attrs[strings.ToLower(string(m[1]))] = html.UnescapeString(string(m[2]) + string(m[3]) + string(m[4]))
		}
		if !strings.EqualFold(strings.TrimSpace(attrs["http-equiv"]), "refresh") {
			continue
		}
		line := 1 + bytes.Count(data[:loc[0]], []byte("\n"))
		src := pageSource(p)
		m := refreshTo.FindStringSubmatch(attrs["content"])
		if m == nil {
			imp.dropFrom(file, line, src, "the refresh content %q is not \"SECONDS; url=URL\"", attrs["content"])
			return
		}
		to := strings.Trim(strings.TrimSpace(m[2]), `"'`)
		if to == "" {
			imp.dropFrom(file, line, src, "the page reloads itself (no url in %q)", attrs["content"])
			return
		}
		if delay, _ := strconv.ParseFloat(m[1], 64); delay > 0 {
			imp.dropFrom(file, line, src, "the page waits %s s before it goes on to %s, so people read it first; remove the delay or add a rule by hand", m[1], to)
			return
		}
		target, err := resolveRefresh(src, p, to)
		if err != nil {
			imp.dropFrom(file, line, src, "%v", err)
			return
		}
		imp.addFrom(file, rules.Rule{Source: src, To: target, Status: rules.DefaultStatus}, line, []string{"from " + file})
		return
	}
}

// pageSource is the source a page answers: /dir for dir/index.html.
func pageSource(p string) string {
	dir, base := path.Split(p)
	if strings.EqualFold(base, "index.html") || strings.EqualFold(base, "index.htm") {
		p = strings.TrimSuffix(dir, "/")
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		// A segment such as ":id" would be a placeholder; a final "*" a
		// prefix rule.
		if strings.HasPrefix(s, ":") {
			segs[i] = "%3A" + s[1:]
		}
	}
	src := "/" + strings.Join(segs, "/")
	if strings.HasSuffix(src, "*") {
		src = src[:len(src)-1] + "%2A"
	}
	if src == "/" || p == "" {
		return "/"
	}
	return src
}

// resolveRefresh resolves a refresh url against the page it is on.
func resolveRefresh(src, p, to string) (string, error) {
	u, err := url.Parse(to)
	if err != nil {
		return "", fmt.Errorf("the refresh url %q is not a URL: %v", to, err)
	}
	if u.IsAbs() {
		if u.Scheme != "http" && u.Scheme != "https" {
			return "", fmt.Errorf("the refresh url %q is not http or https", to)
		}
		return u.String(), nil
	}
	if u.Host != "" { // //host/path
		u.Scheme = "https"
		return u.String(), nil
	}
	// The page's own URL: /dir/ for dir/index.html, /page.html otherwise.
	base := "/" + p
	if src != "/"+p {
		base = strings.TrimSuffix(src, "/") + "/"
	}
	b, _ := url.Parse(base)
	return b.ResolveReference(u).String(), nil
}
