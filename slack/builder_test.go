package slack

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuilderURL(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		msg  Message
	}{
		{"per-test", Render(hostileNamesTest(), Options{
			Now: checkedAt, TestURLTemplate: testURLTemplate,
		})},
		{"digest", RenderDigest(storeResults(), Options{Now: checkedAt})[0]},
		{"no blocks", Message{Text: "only text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			link := BuilderURL(tt.msg)

			prefix := "https://app.slack.com/block-kit-builder/#"
			require.True(t, strings.HasPrefix(link, prefix), "link opens the Builder")
			fragment := strings.TrimPrefix(link, prefix)
			assert.NotContainsf(t, fragment, " ", "fragment has no raw space")
			assert.NotContains(t, fragment, "#", "fragment has no second #")

			payload, err := url.PathUnescape(fragment)
			require.NoError(t, err, "fragment unescapes")
			var got struct {
				Blocks json.RawMessage `json:"blocks"`
			}
			require.NoError(t, json.Unmarshal([]byte(payload), &got), "fragment is JSON")
			want, err := json.Marshal(tt.msg.Blocks.BlockSet)
			require.NoError(t, err, "marshal blocks")
			if tt.msg.Blocks.BlockSet == nil {
				want = []byte("[]")
			}
			assert.JSONEq(t, string(want), string(got.Blocks), "the blocks travel unchanged")
		})
	}
}
