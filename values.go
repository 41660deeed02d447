package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ighealth/intelligems-health-action/health"
)

// valueError says what is wrong with an input's value; the input's name is
// put in front of it by inputError.
type valueError struct {
	msg string
}

func (e *valueError) Error() string { return e.msg }

// count is a non-negative whole number input.
type count int

// EnvDecode parses a whole number of at least 0.
func (n *count) EnvDecode(_ context.Context, val string) error {
	v, err := strconv.Atoi(val)
	if err != nil || v < 0 {
		return &valueError{fmt.Sprintf("must be a whole number of 0 or more, got %q", val)}
	}
	*n = count(v)
	return nil
}

// fraction is an input between 0 and 1, exclusive of 0.
type fraction float64

// EnvDecode parses a fraction, and recognises a percentage given by mistake.
func (f *fraction) EnvDecode(_ context.Context, val string) error {
	v, err := strconv.ParseFloat(val, 64)
	switch {
	case err != nil:
		return &valueError{fmt.Sprintf("must be a fraction between 0 and 1, got %q", val)}
	case v > 1 && v <= 100:
		return &valueError{fmt.Sprintf("must be a fraction between 0 and 1, got %s (did you mean %s?)",
			val, strconv.FormatFloat(v/100, 'f', -1, 64))}
	case v <= 0 || v > 1:
		return &valueError{fmt.Sprintf("must be a fraction between 0 and 1, got %s", val)}
	}
	*f = fraction(v)
	return nil
}

// boolean is a true or false input.
type boolean bool

// EnvDecode parses true or false, in any case.
func (b *boolean) EnvDecode(_ context.Context, val string) error {
	switch strings.ToLower(val) {
	case "true":
		*b = true
	case "false":
		*b = false
	default:
		return &valueError{fmt.Sprintf("must be true or false, got %q", val)}
	}
	return nil
}

// notifyOn says which tests get a Slack message.
type notifyOn string

// The values of notify-on.
const (
	notifyAlways    notifyOn = "always"
	notifyUnhealthy notifyOn = "unhealthy"
	notifyNever     notifyOn = "never"
)

// EnvDecode accepts always, unhealthy or never.
func (n *notifyOn) EnvDecode(_ context.Context, val string) error {
	switch v := notifyOn(strings.ToLower(val)); v {
	case notifyAlways, notifyUnhealthy, notifyNever:
		*n = v
		return nil
	}
	return &valueError{fmt.Sprintf("must be always, unhealthy or never, got %q", val)}
}

// zone is an IANA time zone input, such as Europe/Berlin.
type zone string

// EnvDecode checks that the zone can be loaded.
func (z *zone) EnvDecode(_ context.Context, val string) error {
	if _, err := time.LoadLocation(val); err != nil || val == "Local" {
		return &valueError{fmt.Sprintf("must be an IANA time zone such as UTC or "+
			"America/New_York, got %q", val)}
	}
	*z = zone(val)
	return nil
}

// location returns the zone, or UTC for a zone that EnvDecode did not check.
func (z zone) location() *time.Location {
	loc, err := time.LoadLocation(string(z))
	if err != nil || z == "" {
		return time.UTC
	}
	return loc
}

// metric is the primary-metric input: auto or a metric name. It is a
// string, not a struct, so that envconfig names the input in its errors.
type metric string

// metricNames maps every accepted spelling to its metric: our names and the
// Intelligems analytics keys.
var metricNames = map[string]health.MetricID{
	"conversion-rate":         health.ConversionRate,
	"conversion_rate":         health.ConversionRate,
	"revenue-per-visitor":     health.RevenuePerVisitor,
	"net_revenue_per_visitor": health.RevenuePerVisitor,
	"average-order-value":     health.AverageOrderValue,
	"net_revenue_per_order":   health.AverageOrderValue,
}

// EnvDecode accepts auto or a metric name.
func (m *metric) EnvDecode(_ context.Context, val string) error {
	v := strings.ToLower(val)
	if _, ok := metricNames[v]; !ok && v != "auto" {
		return &valueError{fmt.Sprintf("must be auto, conversion-rate, revenue-per-visitor or "+
			"average-order-value, got %q", val)}
	}
	*m = metric(v)
	return nil
}

// primary returns the choice the input describes; auto when unset.
func (m metric) primary() health.PrimaryMetric {
	id, ok := metricNames[string(m)]
	if !ok {
		return health.PrimaryMetric{Auto: true}
	}
	return health.PrimaryMetric{Metric: id}
}

// days is a number of days, 0 or more; fractions are allowed.
type days float64

// EnvDecode parses a number of days.
func (d *days) EnvDecode(_ context.Context, val string) error {
	v, err := strconv.ParseFloat(val, 64)
	if err != nil || v < 0 || v > 365 {
		return &valueError{fmt.Sprintf("must be a number of days from 0 to 365, got %q", val)}
	}
	*d = days(v)
	return nil
}

// duration is a Go duration input such as 10m or 90s.
type duration time.Duration

// EnvDecode parses a duration between 10 seconds and 6 hours (the longest
// a GitHub-hosted job may run).
func (d *duration) EnvDecode(_ context.Context, val string) error {
	v, err := time.ParseDuration(val)
	if err != nil || v < 10*time.Second || v > 6*time.Hour {
		return &valueError{fmt.Sprintf("must be a duration from 10s to 6h such as 10m or 90s, got %q", val)}
	}
	*d = duration(v)
	return nil
}

// style is the message-style input.
type style string

// The values of message-style.
const (
	stylePerTest style = "per-test"
	styleDigest  style = "digest"
)

// EnvDecode accepts per-test or digest.
func (s *style) EnvDecode(_ context.Context, val string) error {
	switch v := style(strings.ToLower(val)); v {
	case stylePerTest, styleDigest:
		*s = v
		return nil
	}
	return &valueError{fmt.Sprintf("must be per-test or digest, got %q", val)}
}
