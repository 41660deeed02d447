package intelligems

import (
	"errors"
	"fmt"
	"net/http"
)

// APIError is a response from the API with a status outside 2xx.
type APIError struct {
	// Method is the HTTP method of the request, such as "GET".
	Method string
	// Path is the request path below the base URL, without the query,
	// such as "/experiences-list".
	Path string
	// StatusCode is the HTTP status code of the response.
	StatusCode int
	// Message is the body's "error" text or, for a validation failure (400),
	// the field messages joined with "; ". It is empty when the body has
	// neither.
	Message string
	// Body is the start of the response body, at most maxErrorSnippet bytes,
	// with the API key removed.
	Body string
}

// Error returns a one-line description such as
// "GET /experiences-list: 401 Unauthorized: Unauthorized".
func (e *APIError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// DecodeError is a response body that could not be read as the expected JSON.
type DecodeError struct {
	// Path is the request path below the base URL, without the query.
	Path string
	// Err is the underlying decoding error.
	Err error
}

// Error returns a description naming the path.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("decode response from %s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is, or wraps, an *APIError with status 404.
func IsNotFound(err error) bool {
	return hasStatus(err, http.StatusNotFound)
}

// IsUnauthorized reports whether err is, or wraps, an *APIError with status
// 401 or 403, which mean the API key is missing, wrong or lacks access.
func IsUnauthorized(err error) bool {
	return hasStatus(err, http.StatusUnauthorized) || hasStatus(err, http.StatusForbidden)
}

func hasStatus(err error, code int) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == code
}
