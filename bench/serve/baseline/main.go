// Command baseline is the serve benchmark's floor for Go: a net/http
// server whose handler does nothing but answer 301 with a fixed Location.
// What signpost serve loses to nginx beyond what this loses is signpost's
// own cost; the rest is net/http's.
//
//	go run ./bench/serve/baseline 127.0.0.1:18482
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: baseline HOST:PORT")
		os.Exit(2)
	}
	err := http.ListenAndServe(os.Args[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Location"] = []string{"/pages/1"}
		w.WriteHeader(http.StatusMovedPermanently)
	}))
	fmt.Fprintln(os.Stderr, "baseline:", err)
	os.Exit(1)
}
