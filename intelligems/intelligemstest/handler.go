package intelligemstest

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	listPath      = BasePath + "/experiences-list"
	analyticsPath = BasePath + "/analytics/resource/"
	defaultLimit  = 20
)

var (
	statuses   = []string{"pending", "started", "ended", "paused"}
	categories = []string{"experiment", "personalization"}
)

// ServeHTTP answers one request: route and method, any scripted fault, then
// auth, rate limit and the endpoint itself.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body := s.record(r)

	allowed, id, ok := s.route(r.URL.Path)
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if !slices.Contains(allowed, r.Method) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
		return
	}

	serve := func(w http.ResponseWriter, r *http.Request) { s.serveAPI(w, r, id, body) }
	if f, ok := s.takeFault(r.URL.Path, id); ok {
		s.serveFault(w, r, f, serve)
		return
	}
	serve(w, r)
}

// serveAPI answers a routed request as the API would.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	if key := r.Header.Get("intelligems-access-token"); key == "" || key != s.apiKey {
		writeError(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if !s.admit(w) {
		return
	}

	if id == "" {
		s.serveList(w, r)
		return
	}
	s.serveAnalytics(w, r, id, body)
}

// route returns the methods a path accepts and, for analytics, the id.
func (s *Server) route(path string) (methods []string, id string, ok bool) {
	if path == listPath {
		return []string{http.MethodGet}, "", true
	}
	id, found := strings.CutPrefix(path, analyticsPath)
	if !found || id == "" || strings.Contains(id, "/") {
		return nil, "", false
	}
	if s.noPOST {
		return []string{http.MethodGet}, id, true
	}
	return []string{http.MethodGet, http.MethodPost}, id, true
}

// admit applies the forced throttle and the token bucket. It writes the 429
// itself and reports false when the request may not go on.
func (s *Server) admit(w http.ResponseWriter) bool {
	if s.takeThrottle() {
		writeRateLimited(w, float64(s.throttleRA))
		return false
	}

	now := s.now()
	ok, remaining, reset := s.bucket.take(now)
	w.Header().Set("x-ratelimit-limit", strconv.Itoa(s.bucket.burst))
	w.Header().Set("x-ratelimit-remaining", strconv.Itoa(remaining))
	w.Header().Set("x-ratelimit-reset", s.resetValue(now, reset))
	if !ok {
		writeRateLimited(w, s.retryAfter(reset.Sub(now)))
		return false
	}
	return true
}

// retryAfter returns the retryAfter of a 429 sent d before the refill.
func (s *Server) retryAfter(d time.Duration) float64 {
	if s.preciseRetry {
		return max(math.Ceil(d.Seconds()*1000)/1000, 0.001)
	}
	return max(math.Ceil(d.Seconds()), 1)
}

func (s *Server) resetValue(now, reset time.Time) string {
	if s.resetMode == ResetDurationMillis {
		return strconv.FormatInt(reset.Sub(now).Milliseconds(), 10)
	}
	return strconv.FormatInt(reset.UnixMilli(), 10)
}

// listEnvelope is the experiences-list response.
type listEnvelope struct {
	ExperiencesList []json.RawMessage `json:"experiencesList"`
	Page            int               `json:"page"`
	Limit           int               `json:"limit"`
	Total           int               `json:"total"`
	TotalPages      int               `json:"totalPages"`
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := validation{}
	status := v.enum(q, "status", statuses)
	category := v.enum(q, "category", categories)
	page := v.positive(q, "page", 1)
	limit := v.positive(q, "limit", defaultLimit)
	if len(v) > 0 {
		writeJSON(w, http.StatusBadRequest, v.body())
		return
	}
	if s.pageLimitCap > 0 {
		limit = min(limit, s.pageLimitCap)
	}
	if s.noFilters {
		status, category = "", ""
	}

	matched := s.data.filter(status, category)
	env := listEnvelope{
		ExperiencesList: []json.RawMessage{},
		Page:            page,
		Limit:           limit,
		Total:           len(matched),
		TotalPages:      (len(matched) + limit - 1) / limit,
	}
	if start := (page - 1) * limit; start < len(matched) {
		env.ExperiencesList = matched[start:min(start+limit, len(matched))]
	}
	writeJSON(w, http.StatusOK, env)
}

func (s *Server) serveAnalytics(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	view := r.URL.Query().Get("view")
	if r.Method == http.MethodPost {
		var req struct {
			View string `json:"view"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			writeJSON(w, http.StatusBadRequest, validation{"body": {"body must be a JSON object"}}.body())
			return
		}
		view = req.View
	}
	if view != "" && view != "overview" {
		writeJSON(w, http.StatusBadRequest, validation{"view": {"only the overview view is served"}}.body())
		return
	}

	raw, ok := s.data.analytics[id]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	writeRaw(w, http.StatusOK, raw)
}

// validation collects 400 messages by parameter name.
type validation map[string][]string

func (v validation) enum(q map[string][]string, name string, allowed []string) string {
	val := firstValue(q, name)
	if val != "" && !slices.Contains(allowed, val) {
		v[name] = append(v[name], name+" must be one of "+strings.Join(allowed, ", "))
	}
	return val
}

func (v validation) positive(q map[string][]string, name string, def int) int {
	val := firstValue(q, name)
	if val == "" {
		return def
	}
	n, err := strconv.Atoi(val)
	if err != nil || n < 1 {
		v[name] = append(v[name], name+" must be an integer greater than or equal to 1")
		return def
	}
	return n
}

// body returns the documented validation shape:
// {"errors": [], "properties": {"<name>": {"errors": ["..."]}}}.
func (v validation) body() any {
	props := make(map[string]any, len(v))
	for name, msgs := range v {
		props[name] = map[string][]string{"errors": msgs}
	}
	return map[string]any{"errors": []string{}, "properties": props}
}

func firstValue(q map[string][]string, name string) string {
	if vs := q[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func writeRateLimited(w http.ResponseWriter, retryAfter float64) {
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"error":      "Too Many Requests",
		"retryAfter": retryAfter,
	})
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
