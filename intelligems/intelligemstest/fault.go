package intelligemstest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// BadGatewayPage is the body of the HTML error page a gateway in front of
// the API might send, for use in a Fault.
const BadGatewayPage = "<html><body>Bad Gateway</body></html>"

// Fault is a scripted misbehaviour for the requests that match it. The
// fields combine: the server first hangs, then answers Status and Body, or
// the real answer when Status is 0, cut short when Truncate is set. A
// faulted request is answered before the key or the rate limit is checked,
// as a gateway in front of the API would; only a fault with Status 0 goes
// on to them.
type Fault struct {
	// Status is the HTTP status to answer; 0 answers as the API would.
	Status int
	// Body is sent with Status as is.
	Body string
	// ContentType is the Content-Type sent with Status; the default is
	// application/json.
	ContentType string
	// Hang holds the request this long before anything is answered. When
	// the client goes away or the server is closed first, the connection is
	// dropped with no answer. It is measured on the wall clock.
	Hang time.Duration
	// Truncate announces the whole answer's length but sends only its first
	// half, then drops the connection, as a transfer cut short would.
	Truncate bool
	// Times is how many matching requests get the fault; 0 means all.
	Times int
}

// faultRule is a Fault bound to what it matches, with its use so far.
type faultRule struct {
	target string
	fault  Fault
	used   int
}

// WithFault adds a fault for the requests that match target: a path below
// BasePath such as "/experiences-list" or "/analytics/resource/<id>", an
// experience ID (its analytics by either method), or "*" for every request.
// Faults are consulted in the order they were added and the first match
// that has uses left applies, so WithFault(id, Fault{Status: 500, Times: 2})
// followed by WithFault(id, Fault{Status: 502, Times: 1}) fails twice with
// 500, once with 502, then answers normally.
func WithFault(target string, f Fault) Option {
	return func(s *Server) {
		s.faults = append(s.faults, &faultRule{target: target, fault: f})
	}
}

// WithAnalyticsFault makes the analytics of one experience, by either
// method, answer status with a JSON body every time. It is short for
// WithFault(experienceID, Fault{Status: status, Body: body}).
func WithAnalyticsFault(experienceID string, status int, body string) Option {
	return WithFault(experienceID, Fault{Status: status, Body: body})
}

// takeFault returns the fault that applies to a request for path (as
// received, with BasePath) and, for analytics, experience id, and counts
// its use.
func (s *Server) takeFault(path, id string) (Fault, bool) {
	rel := strings.TrimPrefix(path, BasePath)

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rule := range s.faults {
		if rule.target != "*" && rule.target != rel && (id == "" || rule.target != id) {
			continue
		}
		if rule.fault.Times > 0 && rule.used >= rule.fault.Times {
			continue
		}
		rule.used++
		return rule.fault, true
	}
	return Fault{}, false
}

// serveFault answers r as f says; next is the normal answer.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f Fault, next http.HandlerFunc) {
	if f.Hang > 0 && !s.hang(r.Context(), f.Hang) {
		// Returning would send an empty 200; a hang that ends unanswered
		// must leave the client with no answer at all.
		panic(http.ErrAbortHandler)
	}

	answer := func(w http.ResponseWriter) {
		if f.Status == 0 {
			next(w, r)
			return
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
	}
	if !f.Truncate {
		answer(w)
		return
	}

	rec := httptest.NewRecorder()
	answer(rec)
	writeTruncated(w, rec)
}

// hang waits for d and reports true, or reports false as soon as the
// request is abandoned or the server is closing.
func (s *Server) hang(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// writeTruncated sends the head of rec's answer with the length of all of
// it, then aborts the handler, which closes the connection mid-body.
func writeTruncated(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	body := rec.Body.Bytes()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body[:len(body)/2])
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
	panic(http.ErrAbortHandler)
}
