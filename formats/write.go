package formats

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/rules"
)

// WriteJSON writes the imported rules as a redirects.json: one rule per
// line in the source's order (which breaks precedence ties), every field
// written out, the source's comments kept above their rules. The output is
// the same for the same input.
func (imp *Imported) WriteJSON() []byte {
	data, _ := imp.writeJSON()
	return data
}

// writeJSON also returns the line each rule is written on.
func (imp *Imported) writeJSON() ([]byte, []int) {
	var b bytes.Buffer
	line := 1
	nl := func() { b.WriteByte('\n'); line++ }
	for _, h := range imp.Header {
		b.WriteString("// " + oneLine(h))
		nl()
	}
	b.WriteString("{")
	nl()
	if imp.Set.Schema != "" {
		b.WriteString(`  "$schema": ` + jsonString(imp.Set.Schema))
		if len(imp.Set.Rules) > 0 {
			b.WriteByte(',')
		}
		nl()
	}
	lines := make([]int, len(imp.Set.Rules))
	for i, r := range imp.Set.Rules {
		for _, c := range imp.Comments[i] {
			b.WriteString("  // " + oneLine(c))
			nl()
		}
		lines[i] = line
		b.WriteString("  " + jsonString(r.Source) + ": { ")
		var fields []string
		if r.To != "" {
			fields = append(fields, `"to": `+jsonString(r.To))
		}
		status := r.Status
		if status == 0 {
			status = rules.DefaultStatus
		}
		fields = append(fields, `"statusCode": `+strconv.Itoa(status))
		if r.Query == rules.QueryDrop {
			fields = append(fields, `"query": "drop"`)
		}
		if r.Note != "" {
			fields = append(fields, `"note": `+jsonString(r.Note))
		}
		b.WriteString(strings.Join(fields, ", ") + " }")
		if i < len(imp.Set.Rules)-1 {
			b.WriteByte(',')
		}
		nl()
	}
	b.WriteString("}")
	nl()
	return b.Bytes(), lines
}

// jsonString quotes s as JSON without escaping <, > and &, which people
// read in URLs.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// oneLine keeps a comment on one line and out of the way of "*/".
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
