package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Limits of the HTTP server NewHTTPServer returns: a slow or hostile
// client cannot hold a connection or memory for long.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 2 * time.Minute
	IdleTimeout       = 2 * time.Minute
	MaxHeaderBytes    = 16 << 10
	// ShutdownGrace is how long a shutdown waits for requests in flight.
	ShutdownGrace = 10 * time.Second
)

// NewHTTPServer returns an http.Server for h with the limits above; its
// own errors (bad TLS, oversized headers) go to log.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Runner is what Serve runs: an *http.Server, or a *fastlane.Server in
// front of one.
type Runner interface {
	Serve(net.Listener) error
	Shutdown(context.Context) error
}

// Serve runs srv on ln until ctx is done, then shuts down gracefully:
// it stops accepting, lets requests in flight finish (up to
// ShutdownGrace) and returns nil. It returns the server's error if it
// stops on its own.
func Serve(ctx context.Context, srv Runner, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
