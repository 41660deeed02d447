package slack

import (
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ighealth/intelligems-health-action/health"
)

// FuzzEscape checks that escaped text has no character Slack would read as
// markup, and that unescaping it gives back exactly the input. The seeds
// run as an ordinary test; explore with
//
//	go test -fuzz FuzzEscape ./slack
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "<!channel>", "<!here|here>", "<@U123>", "a & b",
		"&amp;", "&lt;b&gt;", "<https://x.example|click>", "<<>>&&", "\xff\xfe", "✅ ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if strings.ContainsAny(got, "<>") {
			t.Fatalf("Escape(%q) = %q still holds < or >", s, got)
		}
		if back := html.UnescapeString(got); back != s && utf8.ValidString(s) {
			t.Fatalf("Escape(%q) = %q does not unescape to the input (got %q)", s, got, back)
		}
	})
}

// FuzzRenderName renders a test whose name and arm name are arbitrary user
// text and checks that the message stays within Slack's limits, is valid
// UTF-8, and carries no mention or link of the user's making.
func FuzzRenderName(f *testing.F) {
	for _, s := range []string{"Price <test> & <!channel>", "A\nB\r\n::warning::x", "<http://x|click>",
		strings.Repeat("é", 400), "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		r := health.Result{
			Test: health.Test{ID: "t1", Name: name, HasAnalytics: true, Arms: []health.Arm{
				{ID: "c", Name: name, IsControl: true, Percentage: 50, Visitors: 100, Orders: 3},
				{ID: "v", Name: name, Percentage: 50, Visitors: 100, Orders: 4},
			}},
			Verdict: health.Unhealthy,
			Issues:  []string{name},
		}
		r.Comparisons = []health.Comparison{{Variant: r.Test.Arms[1]}}
		for _, m := range append([]Message{Render(r, Options{Now: time.Unix(0, 0)})},
			RenderDigest([]health.Result{r}, Options{Now: time.Unix(0, 0)})...) {
			if err := m.Validate(); err != nil {
				t.Fatalf("name %q: %v", name, err)
			}
			b, err := json.Marshal(m)
			if err != nil || !utf8.Valid(b) {
				t.Fatalf("name %q: payload is not valid UTF-8 JSON: %v", name, err)
			}
			for _, text := range mrkdwnTexts(m) {
				if strings.Contains(text, "<!") || strings.Contains(text, "<@") || strings.Contains(text, "<http") {
					t.Fatalf("name %q: mrkdwn %q carries a mention or link", name, text)
				}
			}
		}
	})
}
