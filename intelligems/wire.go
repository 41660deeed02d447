package intelligems

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

var jsonNull = []byte("null")

// timestamp is a point in time sent as Unix epoch milliseconds (a JSON
// number, as the REST API documents), as an ISO-8601 string (as the
// Intelligems MCP server returns), or as null, which leaves the zero time.
type timestamp time.Time

// isoLayouts are tried in order on a string timestamp.
var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.DateOnly,
}

// UnmarshalJSON accepts a number of milliseconds, a string, or null.
func (t *timestamp) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, jsonNull) {
		*t = timestamp{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return t.parseString(s)
	}

	ms, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("parse timestamp %s: %w", b, err)
	}
	*t = timestamp(time.UnixMilli(int64(math.Round(ms))).UTC())
	return nil
}

func (t *timestamp) parseString(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		*t = timestamp{}
		return nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		*t = timestamp(time.UnixMilli(ms).UTC())
		return nil
	}
	for _, layout := range isoLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			*t = timestamp(v.UTC())
			return nil
		}
	}
	return fmt.Errorf("parse timestamp %q: not epoch milliseconds or ISO-8601", s)
}

// Time returns t as a time.Time, zero when the API sent null or nothing.
func (t timestamp) Time() time.Time { return time.Time(t) }

// maxCount is the largest count kept: 2^53, beyond which a float64 no
// longer holds every whole number.
const maxCount = 1 << 53

// count is a whole number sent either bare or wrapped as {"value": n},
// possibly with a fraction (214.0). null and a missing value read as 0; a
// value of the wrong type is an error. A count is never negative: a
// negative value reads as 0, and one above maxCount as maxCount, so that
// whatever the API sends, a count is a usable non-negative int.
type count int

// UnmarshalJSON accepts n, {"value": n} and null.
func (c *count) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*c = 0
	if len(b) == 0 || bytes.Equal(b, jsonNull) {
		return nil
	}

	var v *float64
	if b[0] == '{' {
		var w struct {
			Value *float64 `json:"value"`
		}
		if err := json.Unmarshal(b, &w); err != nil {
			return err
		}
		v = w.Value
	} else if err := json.Unmarshal(b, &v); err != nil {
		return err
	}

	if v != nil && !math.IsNaN(*v) {
		*c = count(min(max(math.Round(*v), 0), maxCount))
	}
	return nil
}

// number converts a nullable wire number to a Number.
func number(p *float64) Number {
	if p == nil {
		return Number{}
	}
	return Number{Value: *p, Valid: true}
}
