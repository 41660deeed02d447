package intelligems

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var parseNow = time.UnixMilli(1773666000000).UTC()

func TestParseReset(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{name: "epoch milliseconds", value: "1773666012345", want: 12345 * time.Millisecond, wantOK: true},
		{name: "duration milliseconds", value: "30000", want: 30 * time.Second, wantOK: true},
		{name: "small duration", value: "12345", want: 12345 * time.Millisecond, wantOK: true},
		{name: "epoch in the past", value: "1773665000000", wantOK: false},
		{name: "zero", value: "0", wantOK: false},
		{name: "missing", value: "", wantOK: false},
		{name: "not a number", value: "soon", wantOK: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseReset(tc.value, parseNow)
			assert.Equal(t, tc.wantOK, ok, "ok for %q", tc.value)
			if tc.wantOK {
				assert.Equal(t, tc.want, got, "wait for %q", tc.value)
			}
		})
	}
}

func TestRateLimitWait(t *testing.T) {
	t.Parallel()

	retryAfter := func(s float64) *float64 { return &s }
	cases := []struct {
		name       string
		header     map[string]string
		retryAfter *float64
		want       time.Duration
	}{
		{name: "body retryAfter wins", retryAfter: retryAfter(18),
			header: map[string]string{"Retry-After": "5", "x-ratelimit-reset": "30000"}, want: 18 * time.Second},
		{name: "Retry-After seconds", header: map[string]string{"Retry-After": "7"}, want: 7 * time.Second},
		{name: "Retry-After date",
			header: map[string]string{"Retry-After": parseNow.Add(42 * time.Second).Format(http.TimeFormat)},
			want:   42 * time.Second},
		{name: "reset as epoch", header: map[string]string{"x-ratelimit-reset": "1773666030000"},
			want: 30 * time.Second},
		{name: "reset as duration", header: map[string]string{"x-ratelimit-reset": "2500"},
			want: 2500 * time.Millisecond},
		{name: "capped at two minutes", retryAfter: retryAfter(3600), want: 2 * time.Minute},
		{name: "epoch far ahead capped",
			header: map[string]string{"x-ratelimit-reset": "1773676000000"},
			want:   2 * time.Minute},
		{name: "no hint", want: 0},
		{name: "bad Retry-After falls through",
			header: map[string]string{"Retry-After": "later", "x-ratelimit-reset": "1000"},
			want:   time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			assert.Equal(t, tc.want, rateLimitWait(h, tc.retryAfter, parseNow))
		})
	}
}

func TestTimestamp(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name    string
		raw     string
		want    time.Time
		wantErr bool
	}{
		{name: "epoch milliseconds", raw: `1771601402170`, want: time.UnixMilli(1771601402170)},
		{name: "float milliseconds", raw: `1771601402170.0`, want: time.UnixMilli(1771601402170)},
		{name: "ISO with offset", raw: `"2026-07-31T16:00:43.427+00:00"`,
			want: time.Date(2026, 7, 31, 16, 0, 43, 427e6, time.UTC)},
		{name: "ISO with Z", raw: `"2026-07-31T16:00:43Z"`, want: time.Date(2026, 7, 31, 16, 0, 43, 0, time.UTC)},
		{name: "ISO without zone", raw: `"2026-07-31T16:00:43.5"`,
			want: time.Date(2026, 7, 31, 16, 0, 43, 5e8, time.UTC)},
		{name: "milliseconds as a string", raw: `"1771601402170"`, want: time.UnixMilli(1771601402170)},
		{name: "null", raw: `null`},
		{name: "empty string", raw: `""`},
		{name: "garbage", raw: `"yesterday"`, wantErr: true},
		{name: "boolean", raw: `true`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ts timestamp
			err := json.Unmarshal([]byte(tc.raw), &ts)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.True(t, ts.Time().Equal(tc.want), "got %v, want %v", ts.Time(), tc.want)
		})
	}
}

func TestCount(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name    string
		raw     string
		want    int
		wantErr bool
	}{
		{name: "wrapped", raw: `{"value": 254}`, want: 254},
		{name: "wrapped float", raw: `{"value": 214.0}`, want: 214},
		{name: "rounded", raw: `{"value": 9.6}`, want: 10},
		{name: "bare", raw: `17`, want: 17},
		{name: "null", raw: `null`},
		{name: "null value", raw: `{"value": null}`},
		{name: "no value", raw: `{}`},
		{name: "string", raw: `"12"`, wantErr: true},
		{name: "negative reads as zero", raw: `-5`},
		{name: "huge is capped", raw: `1e300`, want: maxCount},
		{name: "wrapped huge is capped", raw: `{"value": 9.3e18}`, want: maxCount},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var c count
			err := json.Unmarshal([]byte(tc.raw), &c)
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, int(c))
		})
	}
}

func TestSnippet(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{name: "short", in: " ok ", n: 10, want: "ok"},
		{name: "cut", in: "abcdef", n: 3, want: "abc"},
		{name: "cut inside a rune", in: "ab✅", n: 4, want: "ab"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, snippet(tc.in, tc.n))
		})
	}
}
