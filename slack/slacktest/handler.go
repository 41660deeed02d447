package slacktest

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody is how much of a request body is read and recorded.
const maxBody = 1 << 20

// reply is an answer about to be written.
type reply struct {
	status int
	body   string
	header http.Header
}

// ServeHTTP answers one request: a scripted answer if one is due, else the
// checks Slack makes (path, method, content type, payload), then the rate
// limit.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	p, a, scripted := w.record(r)
	if !scripted {
		w.write(rw, p, w.judge(r, p))
		return
	}

	if a.Hang > 0 && !w.hang(r.Context(), a.Hang) {
		// Returning would send an empty 200; a hang that ends unanswered
		// must leave the sender with no answer at all.
		panic(http.ErrAbortHandler)
	}
	w.write(rw, p, w.scripted(r, p, a))
}

// record stores the request as a new post and returns it with the scripted
// answer due to it, if any.
func (w *Webhook) record(r *http.Request) (*Post, Answer, bool) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	p := &Post{
		Method: r.Method,
		Path:   r.URL.Path,
		Header: r.Header.Clone(),
		Body:   body,
		Time:   w.now(),
	}
	if err := json.Unmarshal(body, &p.JSON); err != nil {
		p.JSON = nil
	}

	w.mu.Lock()
	defer w.mu.Unlock()
	w.posts = append(w.posts, p)
	if n := len(w.posts); n <= len(w.script) {
		return p, w.script[n-1], true
	}
	return p, Answer{}, false
}

// judge answers as Slack would. Error bodies are Slack's short codes:
// https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks
func (w *Webhook) judge(r *http.Request, p *Post) reply {
	switch {
	case r.URL.Path != HookPath:
		return reply{status: http.StatusNotFound, body: "no_service"}
	case r.Method != http.MethodPost || !isJSON(r.Header.Get("Content-Type")) || p.JSON == nil:
		return reply{status: http.StatusBadRequest, body: "invalid_payload"}
	case !hasContent(p.JSON):
		return reply{status: http.StatusBadRequest, body: "no_text"}
	}

	if w.bucket == nil {
		return reply{status: http.StatusOK, body: "ok"}
	}
	if ok, retryAfter := w.bucket.take(w.now()); !ok {
		return rateLimited(retryAfter)
	}
	return reply{status: http.StatusOK, body: "ok"}
}

// scripted turns a scripted answer into a reply.
func (w *Webhook) scripted(r *http.Request, p *Post, a Answer) reply {
	if a.Status == 0 && a.RedirectTo == "" {
		return w.judge(r, p)
	}

	out := reply{status: a.Status, body: a.Body, header: a.Header.Clone()}
	if a.RedirectTo != "" {
		if out.header == nil {
			out.header = http.Header{}
		}
		loc := a.RedirectTo
		if strings.HasPrefix(loc, "/") {
			loc = w.srv.URL + loc
		}
		out.header.Set("Location", loc)
		if out.status == 0 {
			out.status = http.StatusFound
		}
	}
	return out
}

func rateLimited(retryAfter int) reply {
	body, _ := json.Marshal(map[string]any{"ok": false, "error": "rate_limited", "retry_after": retryAfter})
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(retryAfter))
	h.Set("Content-Type", "application/json; charset=utf-8")
	return reply{status: http.StatusTooManyRequests, body: string(body), header: h}
}

// write sends out and records it on p.
func (w *Webhook) write(rw http.ResponseWriter, p *Post, out reply) {
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	for k, v := range out.header {
		rw.Header()[k] = v
	}

	w.mu.Lock()
	p.Status, p.Response = out.status, out.body
	w.mu.Unlock()

	rw.WriteHeader(out.status)
	_, _ = io.WriteString(rw, out.body)
}

// hang waits for d and reports true, or reports false as soon as the
// request is abandoned or the webhook is closing.
func (w *Webhook) hang(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()

	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-w.closing:
		return false
	}
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// hasContent reports whether a payload has something Slack can show.
func hasContent(m map[string]any) bool {
	for _, k := range []string{"text", "blocks", "attachments"} {
		if v, ok := m[k]; ok && v != nil && v != "" {
			return true
		}
	}
	return false
}
