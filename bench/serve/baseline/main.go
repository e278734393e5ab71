// Command baseline gives the serve benchmark its floors for Go: servers
// that do nothing but answer 301 with a fixed Location.
//
//	go run ./bench/serve/baseline 127.0.0.1:18482        # net/http
//	go run ./bench/serve/baseline -raw 127.0.0.1:18483   # no HTTP library
//
// The net/http one is what signpost serve would cost with net/http
// answering every request. The raw one reads each request only to its
// blank line and writes a canned answer, one goroutine per connection: as
// fast as a Go server on this machine can answer, whatever it does. What
// signpost serve loses to it is signpost's own work; what it loses to
// nginx is Go's (its scheduler and network poller).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	raw := flag.Bool("raw", false, "answer without net/http")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: baseline [-raw] HOST:PORT")
		os.Exit(2)
	}
	var err error
	if *raw {
		err = serveRaw(flag.Arg(0))
	} else {
		err = http.ListenAndServe(flag.Arg(0), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Location"] = []string{"/pages/1"}
			w.WriteHeader(http.StatusMovedPermanently)
		}))
	}
	fmt.Fprintln(os.Stderr, "baseline:", err)
	os.Exit(1)
}

var answer = []byte("HTTP/1.1 301 Moved Permanently\r\nLocation: /pages/1\r\n" +
	"Content-Type: text/html; charset=utf-8\r\nStrict-Transport-Security: max-age=63072000\r\n" +
	"Date: Wed, 25 Nov 2026 12:00:00 GMT\r\nContent-Length: 0\r\n\r\n")

func serveRaw(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			br := bufio.NewReaderSize(c, 4096)
			bw := bufio.NewWriterSize(c, 4096)
			for {
				for { // the head, to its blank line
					line, err := br.ReadSlice('\n')
					if err != nil {
						return
					}
					if len(bytes.TrimRight(line, "\r\n")) == 0 {
						break
					}
				}
				bw.Write(answer)
				if br.Buffered() == 0 && bw.Flush() != nil {
					return
				}
			}
		}()
	}
}
