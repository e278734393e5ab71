package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"unicode/utf8"

	"github.com/tailscale/hujson"
)

// Parse reads a rules file. name is used in diagnostics. It reports every
// problem it finds at once; the Set holds every rule that parsed, and is nil
// only when the file is not a JSON object at all.
//
// TODO(parser): this first version uses hujson; it is replaced by a
// position-tracking scanner that meets the size and speed targets.
func Parse(name string, data []byte) (*Set, Diagnostics) {
	var ds Diagnostics
	v, err := hujson.Parse(data)
	if err != nil {
		ds = append(ds, Diagnostic{File: name, Severity: Error, Code: "syntax", Message: err.Error()})
		return nil, ds
	}
	obj, ok := v.Value.(*hujson.Object)
	if !ok {
		ds = append(ds, Diagnostic{File: name, Pos: posAt(data, v.StartOffset), Severity: Error, Code: "not-object", Message: "the file must be a JSON object of sources and rules"})
		return nil, ds
	}
	set := &Set{File: name}
	for _, m := range obj.Members {
		var key string
		_ = json.Unmarshal(m.Name.Value.(hujson.Literal), &key)
		if key == "$schema" {
			lit, _ := m.Value.Value.(hujson.Literal)
			_ = json.Unmarshal(lit, &set.Schema)
			continue
		}
		r := Rule{Source: key, Status: DefaultStatus, Index: len(set.Rules),
			KeyPos: posAt(data, m.Name.StartOffset), ValuePos: posAt(data, m.Value.StartOffset)}
		ro, ok := m.Value.Value.(*hujson.Object)
		if !ok {
			ds = append(ds, Diagnostic{File: name, Pos: r.ValuePos, Severity: Error, Code: "not-object", Message: fmt.Sprintf("the rule for %q must be an object", key)})
			continue
		}
		for _, f := range ro.Members {
			var field string
			_ = json.Unmarshal(f.Name.Value.(hujson.Literal), &field)
			lit, _ := f.Value.Value.(hujson.Literal)
			p := posAt(data, f.Value.StartOffset)
			switch field {
			case "to":
				_ = json.Unmarshal(lit, &r.To)
				r.ToPos = p
			case "statusCode":
				_ = json.Unmarshal(lit, &r.Status)
				r.StatusPos = p
			case "query":
				var q string
				_ = json.Unmarshal(lit, &q)
				if q == "drop" {
					r.Query = QueryDrop
				}
				r.QueryPos = p
			case "note":
				_ = json.Unmarshal(lit, &r.Note)
			default:
				ds = append(ds, Diagnostic{File: name, Pos: posAt(data, f.Name.StartOffset), Severity: Error, Code: "unknown-field", Message: fmt.Sprintf("unknown field %q", field)})
			}
		}
		set.Rules = append(set.Rules, r)
	}
	return set, ds
}

// Load reads and parses the rules file at path.
func Load(path string) (*Set, Diagnostics) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Diagnostics{{File: path, Severity: Error, Code: "read", Message: err.Error()}}
	}
	return Parse(path, data)
}

// posAt converts a byte offset in data to a position.
func posAt(data []byte, off int) Pos {
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return Pos{Line: line, Col: 1 + utf8.RuneCount(data[start:off]), Offset: off}
}
