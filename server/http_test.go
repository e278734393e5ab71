package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signposthq/signpost/server"
	"github.com/signposthq/signpost/server/fastlane"
)

// runners name the two ways Serve runs an http.Server.
var runners = []string{"net/http", "fastlane"}

// runner returns srv as Serve runs it: alone, or behind the fast lane.
func runner(name string, srv *http.Server) server.Runner {
	if name == "fastlane" {
		return fastlane.New(srv)
	}
	return srv
}

// Shutting down lets a request in flight finish, then Serve returns nil,
// with the fast lane in front or not.
func TestServeGracefulShutdown(t *testing.T) {
	for _, name := range runners {
		t.Run(name, func(t *testing.T) { testGracefulShutdown(t, name) })
	}
}

func testGracefulShutdown(t *testing.T, lane string) {
	started := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.NewHTTPServer(slow, nil)
	if srv.ReadHeaderTimeout == 0 || srv.IdleTimeout == 0 || srv.MaxHeaderBytes != server.MaxHeaderBytes {
		t.Errorf("server without limits: %+v", srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, runner(lane, srv), ln) }()

	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			body <- "error: " + err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body <- string(b)
	}()
	<-started
	cancel()
	if got := <-body; got != "finished" {
		t.Errorf("request in flight during shutdown got %q", got)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve = %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Errorf("still accepting after shutdown")
	}
}

// Oversized request headers are refused before the handler runs.
func TestHeaderLimit(t *testing.T) {
	for _, name := range runners {
		t.Run(name, func(t *testing.T) {
			run := runner(name, server.NewHTTPServer(server.New(server.Config{}), nil))
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go server.Serve(ctx, run, ln)
			req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/", nil)
			req.Header.Set("X-Big", strings.Repeat("a", 2*server.MaxHeaderBytes))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("oversized headers: %d", resp.StatusCode)
			}
		})
	}
}
