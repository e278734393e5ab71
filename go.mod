module github.com/signposthq/signpost

go 1.26.0

require (
	github.com/rogpeppe/go-internal v1.16.0
	github.com/tailscale/hujson v0.0.0-20260727124030-b80ff77dac4f
	github.com/tdewolff/minify/v2 v2.24.25
)

require (
	github.com/tdewolff/parse/v2 v2.8.20 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
