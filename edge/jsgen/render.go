package jsgen

import (
	"bytes"
	"embed"
	"strings"
	"text/template"
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
// the Location check. In its async form (for a KeyValueStore) lookups of
// exact rules are awaited.
func runtimeJS(async bool) string {
	s := mustRead("js/runtime.js")
	if async {
		s = strings.ReplaceAll(s, "/*async*/", "async")
		s = strings.ReplaceAll(s, "/*await*/", "await")
	}
	return s
}

func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
