package rules

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// The schema must say what Parse enforces.
func TestSchemaAgreesWithParse(t *testing.T) {
	var s struct {
		Schema        string `json:"$schema"`
		PropertyNames struct {
			MaxLength int `json:"maxLength"`
		} `json:"propertyNames"`
		Defs struct {
			Rule struct {
				Properties map[string]struct {
					MaxLength int   `json:"maxLength"`
					Enum      []any `json:"enum"`
					Default   any   `json:"default"`
				} `json:"properties"`
				AdditionalProperties bool `json:"additionalProperties"`
			} `json:"rule"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(Schema, &s); err != nil {
		t.Fatal(err)
	}
	if s.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("draft %q", s.Schema)
	}
	props := s.Defs.Rule.Properties
	var fields []string
	for f := range props {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	want := slices.Sorted(slices.Values(Fields))
	if !reflect.DeepEqual(fields, want) || s.Defs.Rule.AdditionalProperties {
		t.Errorf("fields %v, want %v and no others", fields, want)
	}
	var statuses []int
	for _, v := range props["statusCode"].Enum {
		statuses = append(statuses, int(v.(float64)))
	}
	if !reflect.DeepEqual(statuses, Statuses) || props["statusCode"].Default != float64(DefaultStatus) {
		t.Errorf("statuses %v, want %v", statuses, Statuses)
	}
	if !reflect.DeepEqual(props["query"].Enum, []any{"keep", "drop"}) {
		t.Errorf("query %v", props["query"].Enum)
	}
	if props["to"].MaxLength != MaxURLLength || s.PropertyNames.MaxLength != MaxURLLength {
		t.Errorf("max lengths %d, %d, want %d", props["to"].MaxLength, s.PropertyNames.MaxLength, MaxURLLength)
	}
}
