package jsgen

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"strings"
	"text/template"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

//go:embed js
var jsFS embed.FS

var templates = template.Must(template.New("").Delims("{{", "}}").ParseFS(jsFS, "js/lambda.mjs", "js/function.js", "js/viewer-response.js"))

var s3SourceJS = mustRead("js/s3source.mjs")

func mustRead(name string) string {
	b, err := jsFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// runtimeJS is the shared core: normalization, lookup, substitution and
// the Location check. A Lambda@Edge function keeps all of it, only the
// block markers removed.
func runtimeJS() string {
	return markerLine.ReplaceAllString(mustRead("js/runtime.js"), "")
}

func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Blocks of the runtime that a CloudFront Function can do without, to save
// bytes: case folding (unless the table is case-insensitive) and the packed
// tables of bundled Lambda@Edge functions.
var (
	foldBlock   = regexp.MustCompile(`(?s)// BEGIN fold[^\n]*\n.*?// END fold\n`)
	bundleBlock = regexp.MustCompile(`(?s)[ \t]*// BEGIN bundle[^\n]*\n.*?// END bundle\n`)
	markerLine  = regexp.MustCompile(`(?m)^[ \t]*// (BEGIN|END) (fold|bundle)\b.*\n`)
)

// functionRuntimeJS is the runtime for a CloudFront Function: wrapped in a
// closure (so that its names are local), without case folding unless the
// table needs it. In its async form (for a KeyValueStore) lookups of exact
// rules are awaited. It defines SP.loadTable, SP.resolve and SP.STATUS_TEXT;
// renderFunction minifies it with the rest of the function.
func functionRuntimeJS(async, fold bool) string {
	s := mustRead("js/runtime.js")
	if !fold {
		s = foldBlock.ReplaceAllString(s, "")
	}
	s = bundleBlock.ReplaceAllString(s, "")
	if async {
		s = strings.ReplaceAll(s, "/*async*/", "async")
		s = strings.ReplaceAll(s, "/*await*/", "await")
	}
	s = "var SP = (function () {\n" + s + "\nreturn { loadTable: loadTable, resolve: resolve, STATUS_TEXT: STATUS_TEXT };\n})();\n"
	return s
}

// minifyJS minifies a script: comments and spaces go, local names shorten,
// global names stay.
func minifyJS(s string) (string, error) {
	var out bytes.Buffer
	if err := (&js.Minifier{}).Minify(minify.New(), &out, strings.NewReader(s), nil); err != nil {
		return "", fmt.Errorf("minifying the CloudFront Function: %w", err)
	}
	return out.String(), nil
}
