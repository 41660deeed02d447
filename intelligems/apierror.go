package intelligems

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// errorBody holds the fields an error response may carry: {"error": "..."}
// for most statuses, {"errors": [], "properties": {...}} for a validation
// failure (400), and "retryAfter" in seconds on a 429.
type errorBody struct {
	Error      json.RawMessage           `json:"error"`
	Errors     []json.RawMessage         `json:"errors"`
	Properties map[string]propertyErrors `json:"properties"`
	RetryAfter *float64                  `json:"retryAfter"`
}

type propertyErrors struct {
	Errors []string `json:"errors"`
}

// statusError turns a non-2xx response into an *APIError, wrapped in a
// temporaryError when another attempt may succeed (429 and 5xx).
func (c *Client) statusError(r request, resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))

	var eb errorBody
	_ = json.Unmarshal(raw, &eb) // a body that is not JSON still yields an APIError

	apiErr := &APIError{
		Method:     r.method,
		Path:       r.path,
		StatusCode: resp.StatusCode,
		Message:    c.redact(eb.message()),
		Body:       snippet(c.redact(string(raw)), maxErrorSnippet),
	}

	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &temporaryError{
			err:         apiErr,
			reason:      "rate limited (429)",
			wait:        rateLimitWait(resp.Header, eb.RetryAfter, c.now()),
			rateLimited: true,
		}
	case resp.StatusCode >= 500:
		return &temporaryError{
			err:    apiErr,
			reason: fmt.Sprintf("server error %d", resp.StatusCode),
		}
	default:
		return apiErr
	}
}

// message returns the "error" string, or the validation messages joined.
func (eb errorBody) message() string {
	var s string
	if json.Unmarshal(eb.Error, &s) == nil && s != "" {
		return s
	}

	var parts []string
	for _, raw := range eb.Errors {
		if json.Unmarshal(raw, &s) == nil && s != "" {
			parts = append(parts, s)
		}
	}
	names := make([]string, 0, len(eb.Properties))
	for name := range eb.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, msg := range eb.Properties[name].Errors {
			parts = append(parts, name+": "+msg)
		}
	}
	return strings.Join(parts, "; ")
}

// redact removes the API key from text that may reach a log.
func (c *Client) redact(s string) string {
	return strings.ReplaceAll(s, c.apiKey, "[redacted]")
}

// snippet returns at most n bytes of s as valid UTF-8; a rune cut in half at
// the end is dropped.
func snippet(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(strings.TrimSpace(s), "")
}
