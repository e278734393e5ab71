package formats

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/signposthq/signpost/rules"
)

// csvColumns are the header names ImportCSV understands, by field.
var csvColumns = map[string][]string{
	"from":   {"from", "source", "old", "old url", "source url", "redirect from"},
	"to":     {"to", "target", "destination", "new", "new url", "target url", "redirect to"},
	"status": {"status", "statuscode", "status code", "code", "type"},
	"query":  {"query"},
	"note":   {"note", "notes", "comment", "comments"},
}

// ImportCSV reads a spreadsheet exported as CSV: a header row naming the
// columns from, to and status (in any order; status may be empty for 301),
// optionally query ("keep" or "drop") and note. Commas, semicolons (as some
// spreadsheets write) and tabs separate fields; a byte order mark and CRLF
// line ends are accepted.
func ImportCSV(name string, data []byte) (*Imported, error) {
	imp := newImported(name)
	imp.Header = []string{fmt.Sprintf("Imported from the spreadsheet %s by signpost import.", name)}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = csvDelimiter(data)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	head, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: the file is empty; it needs a header row: from,to,status", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		for field, names := range csvColumns {
			for _, n := range names {
				if h == n {
					if _, dup := col[field]; !dup {
						col[field] = i
					}
				}
			}
		}
	}
	if _, ok := col["from"]; !ok {
		return nil, fmt.Errorf("%s:1: no \"from\" column in the header row %q; the first row names the columns: from,to,status", name, strings.Join(head, string(r.Comma)))
	}
	if _, ok := col["to"]; !ok {
		return nil, fmt.Errorf("%s:1: no \"to\" column in the header row %q; the first row names the columns: from,to,status", name, strings.Join(head, string(r.Comma)))
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				imp.drop(pe.Line, "", "%v", pe.Err)
				continue
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		get := func(field string) string {
			if i, ok := col[field]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		from, to := get("from"), get("to")
		if from == "" && to == "" {
			continue // an empty row
		}
		if from == "" {
			imp.drop(line, "", "no source in the %q column", head[col["from"]])
			continue
		}
		rule := rules.Rule{Source: from, To: to, Status: rules.DefaultStatus, Note: get("note")}
		if s := get("status"); s != "" {
			n, err := strconv.Atoi(strings.TrimSuffix(s, "!"))
			if err != nil {
				imp.drop(line, from, "status %q is not a number", s)
				continue
			}
			rule.Status = n
		}
		switch q := strings.ToLower(get("query")); q {
		case "", "keep":
		case "drop":
			rule.Query = rules.QueryDrop
		default:
			imp.drop(line, from, "query %q is neither \"keep\" nor \"drop\"", q)
			continue
		}
		if rule.Status == rules.StatusGone {
			rule.To = ""
		}
		imp.add(rule, line, nil)
	}
	return imp, nil
}

// csvDelimiter guesses the separator from the header row.
func csvDelimiter(data []byte) rune {
	head, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', bytes.Count(head, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if m := bytes.Count(head, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}
