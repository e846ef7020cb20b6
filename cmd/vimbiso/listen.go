package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// shutdownTimeout bounds how long a server waits for requests in flight.
const shutdownTimeout = 5 * time.Second

// httpServer is one listener with its handler.
type httpServer struct {
	name string
	ln   net.Listener
	srv  *http.Server
	errc chan error
}

// listen opens addr at once, so that its real address is known before
// anything is served.
func listen(name, addr string, h http.Handler) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: listen on %s: %w", name, addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return &httpServer{name: name, ln: ln, srv: srv, errc: make(chan error, 1)}, nil
}

// URL returns the server's base URL, without a trailing slash.
func (s *httpServer) URL() string {
	addr := s.ln.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// serve starts serving in a goroutine; errors arrive on s.errc.
func (s *httpServer) serve() {
	go func() {
		err := s.srv.Serve(s.ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.errc <- err
	}()
}

// shutdown stops accepting requests and waits for those in flight.
func (s *httpServer) shutdown(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		log.Warn("server shutdown timed out", "server", s.name, "err", err)
	}
}

// waitAll blocks until ctx ends or one server fails, and returns that
// failure.
func waitAll(ctx context.Context, servers ...*httpServer) error {
	errc := make(chan error, len(servers))
	for _, s := range servers {
		go func() {
			if err := <-s.errc; err != nil {
				errc <- fmt.Errorf("%s: %w", s.name, err)
			}
		}()
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}
