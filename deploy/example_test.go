package deploy_test

import (
	"fmt"

	"github.com/signposthq/signpost/deploy"
)

func ExamplePlanInvalidation() {
	old := deploy.Snapshot{
		"/jobs":    {To: "https://jobs.example.com/", Status: 301},
		"/blog/*":  {To: "/news/:splat", Status: 301},
		"/pricing": {To: "/plans/", Status: 301},
	}
	new := deploy.Snapshot{
		"/jobs":     {To: "https://careers.example.com/", Status: 302},
		"/blog/*":   {To: "/news/:splat", Status: 301},
		"/über uns": {To: "/about/", Status: 301},
	}
	changes := deploy.Diff(old, new)
	for _, c := range changes {
		fmt.Println(c.Kind, c.Source)
	}
	plan := deploy.PlanInvalidation(changes, deploy.InvalidationOptions{})
	fmt.Println(plan.Paths)
	// Output:
	// changed /jobs
	// removed /pricing
	// added /über uns
	// [/%C3%BCber%20uns /%C3%BCber%20uns/ /jobs /jobs/ /pricing /pricing/]
}
