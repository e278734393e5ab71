package edge_test

import (
	"fmt"

	"github.com/signposthq/signpost"
	"github.com/signposthq/signpost/edge"
	"github.com/signposthq/signpost/engine"
)

// The origin-response trigger: the origin answered 404 for an old page; the
// function turns it into the rule's redirect, keeping the origin's headers.
func ExampleHandler_Lambda() {
	c := signpost.Compile("redirects.json", []byte(`{"/plans": {"to": "/pricing/"}}`), engine.Options{})
	h, _ := edge.NewHandler(c.Table, edge.OriginResponse, edge.HeaderPolicy{})
	ev := edge.SampleRequest{Host: "example.com", URI: "/plans/", RawQuery: "ref=ad", OriginStatus: 404}.LambdaEvent(edge.OriginResponse)
	res, _ := h.Lambda(ev)
	r := res.Response
	fmt.Println(r.Status, r.StatusDescription)
	fmt.Println(r.Headers.Get("location"))
	fmt.Println(r.Headers.Get("strict-transport-security"))
	fmt.Println(r.Headers.Get("content-type"))
	// Output:
	// 301 Moved Permanently
	// /pricing/?ref=ad
	// max-age=63072000
	// text/html
}
