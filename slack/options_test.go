package slack

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMention(t *testing.T) {
	t.Parallel()

	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"", "", false},
		{"  ", "", false},
		{"@here", "<!here>", false},
		{"here", "<!here>", false},
		{"@channel", "<!channel>", false},
		{"U0123ABCD", "<@U0123ABCD>", false},
		{"@U0123ABCD", "<@U0123ABCD>", false},
		{"W0123ABCD", "<@W0123ABCD>", false},
		{"S0TEAM42", "<!subteam^S0TEAM42>", false},
		{" <!here> ", "<!here>", false},
		{"<@U0123ABCD>", "<@U0123ABCD>", false},
		{"<!subteam^S0TEAM42>", "<!subteam^S0TEAM42>", false},
		{"@everyone", "", true},
		{"@jane", "", true},
		{"u0123abcd", "", true},
		{"C0123ABCD", "", true},
		{"<!channel> <b>", "", true},
		{"<@U0123ABCD|jane>", "", true},
		{"U0123ABCD, U0456EFGH", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseMention(tt.in)
			if tt.wantErr {
				require.Error(t, err, "ParseMention(%q) refuses it", tt.in)
				assert.Contains(t, err.Error(), "@here, @channel, a user ID", "error says what is allowed")
				return
			}
			require.NoError(t, err, "ParseMention(%q)", tt.in)
			assert.Equal(t, tt.want, got, "ParseMention(%q)", tt.in)
		})
	}
}

func TestParseMentionOutputIsAccepted(t *testing.T) {
	t.Parallel()

	for _, in := range []string{"@here", "@channel", "U0123ABCD", "S0TEAM42"} {
		m, err := ParseMention(in)
		require.NoError(t, err, "ParseMention(%q)", in)
		assert.Equal(t, m, Options{Mention: m}.withDefaults().Mention,
			"rendering keeps what ParseMention returns for %q", in)
	}
	assert.Empty(t, Options{Mention: "@here"}.withDefaults().Mention,
		"rendering drops a mention not in Slack's syntax")
}

func TestValidateTestURLTemplate(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name    string
		tmpl    string
		wantErr string
	}{
		{"empty", "", ""},
		{"https", "https://app.example.com/tests/{id}", ""},
		{"query", "https://app.example.com/tests?id={id}&tab=results", ""},
		{"loopback http", "http://127.0.0.1:8080/tests/{id}", ""},
		{"no placeholder", "https://app.example.com/tests/", "must contain {id}"},
		{"http elsewhere", "http://app.example.com/tests/{id}", "https"},
		{"no scheme", "app.example.com/tests/{id}", "absolute URL"},
		{"other scheme", "javascript:alert('{id}')", "absolute URL"},
		{"pipe", "https://app.example.com/a|b/{id}", "absolute URL"},
		{"space", "https://app.example.com/a b/{id}", "absolute URL"},
		{"angle bracket", "https://app.example.com/<{id}>", "absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateTestURLTemplate(tt.tmpl)
			if tt.wantErr == "" {
				assert.NoError(t, err, "template accepted")
				return
			}
			assert.ErrorContains(t, err, tt.wantErr, "error says why")
		})
	}
}

func TestTestURL(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		tmpl string
		id   string
		want string
	}{
		{"uuid", "https://x.test/t/{id}", "8c1f4e2a-5b7d", "https://x.test/t/8c1f4e2a-5b7d"},
		{"escaped id", "https://x.test/t/{id}", "a/b c|<d>&", "https://x.test/t/a%2Fb%20c%7C%3Cd%3E&amp;"},
		{"query", "https://x.test/t?id={id}&v=1", "42", "https://x.test/t?id=42&amp;v=1"},
		{"no template", "", "42", ""},
		{"too long", "https://x.test/" + strings.Repeat("a", maxLinkURL) + "/{id}", "42", ""},
		{"no id", "https://x.test/t/{id}", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := Options{TestURLTemplate: tt.tmpl}.testURL(tt.id)
			assert.Equal(t, tt.want != "", ok, "link made")
			assert.Equal(t, tt.want, got, "link target")
		})
	}
}
