package rules_test

import (
	"fmt"

	"github.com/signposthq/signpost/rules"
)

func ExampleParse() {
	data := []byte(`// Redirects, with the mistakes people make.
{
  "/jobs": { "to": "https://jobs.example.com/", "statusCode": 301 }
  "/plans": { "to": "/pricing/", "statuscode": 302 },
  "/team": { "to": "/people/" },
}`)
	set, ds := rules.Parse("redirects.json", data)
	for _, d := range ds {
		fmt.Println(d)
	}
	for _, r := range set.Rules {
		fmt.Printf("%s -> %s (%d), line %d\n", r.Source, r.To, r.Status, r.KeyPos.Line)
	}
	// Output:
	// redirects.json:3:68: error: missing ',' before the string "/plans"
	// 	hint: put a comma after each rule and each field (one after the last is allowed)
	// redirects.json:4:34: error: unknown field "statuscode"
	// 	hint: did you mean "statusCode"?
	// /jobs -> https://jobs.example.com/ (301), line 3
	// /team -> /people/ (301), line 5
}
