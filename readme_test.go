package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeTable returns the first column and second column of the table
// under the README heading, with code marks removed.
func readmeTable(t *testing.T, heading string) map[string]string {
	t.Helper()
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(b), "\n"+heading+"\n")
	require.True(t, ok, "README has a %q section", heading)
	if next := strings.Index(section, "\n## "); next >= 0 {
		section = section[:next]
	}
	row := regexp.MustCompile("^\\| `([a-z-]+)` \\| ([^|]*) \\|")
	out := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			out[m[1]] = strings.Trim(strings.TrimSpace(m[2]), "`")
		}
	}
	return out
}

func TestReadmeInputsMatchAction(t *testing.T) {
	t.Parallel()

	a := readAction(t)
	readme := readmeTable(t, "## Inputs")

	assert.ElementsMatch(t, keys(a.Inputs), keys(readme), "inputs in the README and in action.yml")
	for name, in := range a.Inputs {
		if in.Default == nil || *in.Default == "" {
			continue
		}
		assert.Equal(t, *in.Default, readme[name], "default of %s in the README", name)
	}
}

func TestReadmeOutputsMatchAction(t *testing.T) {
	t.Parallel()

	a := readAction(t)
	readme := readmeTable(t, "## Outputs")

	assert.ElementsMatch(t, keys(a.Outputs), keys(readme), "outputs in the README and in action.yml")
}
