package main

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// actionFile is the part of action.yml the tests read.
type actionFile struct {
	Name     string `yaml:"name"`
	Branding struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Image string `yaml:"image"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) actionFile {
	t.Helper()
	b, err := os.ReadFile("action.yml")
	require.NoError(t, err)
	var a actionFile
	require.NoError(t, yaml.Unmarshal(b, &a))
	return a
}

// codeInputs maps each input the code reads to its default in the code
// ("" when it has none).
func codeInputs() map[string]string {
	out := map[string]string{}
	typ := reflect.TypeFor[config]()
	for i := range typ.NumField() {
		key, opts, _ := strings.Cut(typ.Field(i).Tag.Get("env"), ",")
		def := ""
		if _, v, ok := strings.Cut(opts, "default="); ok {
			def = v
		}
		out[inputName(key)] = def
	}
	return out
}

func TestActionInputsMatchCode(t *testing.T) {
	t.Parallel()

	a := readAction(t)
	code := codeInputs()

	assert.ElementsMatch(t, keys(code), keys(a.Inputs), "inputs in action.yml and in the code")
	for name, in := range a.Inputs {
		assert.NotEmpty(t, in.Description, "input %s has a description", name)
		if in.Required {
			assert.Nil(t, in.Default, "required input %s has no default", name)
			continue
		}
		require.NotNil(t, in.Default, "optional input %s declares a default", name)
		assert.Equal(t, code[name], *in.Default, "default of %s in action.yml and in the code", name)
	}
}

func TestActionOutputsMatchCode(t *testing.T) {
	t.Parallel()

	a := readAction(t)
	outs, err := outputs(nil, "")
	require.NoError(t, err)

	assert.ElementsMatch(t, outputNames, keys(a.Outputs), "outputs in action.yml and written")
	assert.ElementsMatch(t, outputNames, keys(outs), "every output is computed")
	for name, o := range a.Outputs {
		assert.NotEmpty(t, o.Description, "output %s has a description", name)
	}
}

func TestActionMetadata(t *testing.T) {
	t.Parallel()

	a := readAction(t)
	assert.Equal(t, "docker", a.Runs.Using)
	assert.Equal(t, "Dockerfile", a.Runs.Image)
	assert.NotEmpty(t, a.Branding.Icon)
	assert.NotEmpty(t, a.Branding.Color)

	dockerfile, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	for _, line := range strings.Split(string(dockerfile), "\n") {
		assert.False(t, strings.HasPrefix(strings.TrimSpace(line), "USER"),
			"the image runs as root so it can write the runner's files: %q", line)
	}
	assert.Contains(t, string(dockerfile), "CGO_ENABLED=0")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
