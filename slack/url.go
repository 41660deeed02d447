package slack

import (
	"errors"
	"net"
	"net/url"
	"strings"
)

// ValidateWebhookURL reports whether raw can be an incoming webhook URL: an
// absolute https URL, or http for a loopback host (127.0.0.1, ::1,
// localhost) used by tests and demos. A value starting with "xox" is a Slack
// bot or user token, not a webhook URL, and is refused with a hint.
//
// The URL is a secret, so no error ever contains it or any part of it.
func ValidateWebhookURL(raw string) error {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return errors.New("webhook URL is empty")
	case strings.HasPrefix(raw, "xox"):
		return errors.New("webhook URL holds a Slack token (it starts with xox); " +
			"create an incoming webhook in the Slack app and use its URL instead")
	}

	// The parse error quotes the value, so it is not wrapped.
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return errors.New("webhook URL is not an absolute URL " +
			"such as https://hooks.slack.com/services/…")
	}

	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	default:
		return errors.New("webhook URL must use https (http is accepted only for loopback hosts)")
	}
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
