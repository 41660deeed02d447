package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// actionRef is how the examples refer to this action.
const actionRef = "ighealth/intelligems-health-action@v1"

// exampleWorkflow is the part of a workflow file the tests read.
type exampleWorkflow struct {
	Name string         `yaml:"name"`
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		RunsOn string `yaml:"runs-on"`
		Steps  []struct {
			Uses string         `yaml:"uses"`
			With map[string]any `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// exampleFiles returns the paths of the example workflows.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("examples", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, paths, "examples/ holds example workflows")
	sort.Strings(paths)
	return paths
}

// actionUses returns the with: maps of every step of the workflow at path
// that uses this action.
func actionUses(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var w exampleWorkflow
	require.NoError(t, yaml.Unmarshal(b, &w), "%s is YAML", path)

	var uses []map[string]any
	for _, job := range w.Jobs {
		for _, step := range job.Steps {
			if strings.HasPrefix(step.Uses, "ighealth/intelligems-health-action@") {
				uses = append(uses, step.With)
			}
		}
	}
	return uses
}

func TestExamplesAreWorkflows(t *testing.T) {
	t.Parallel()

	for _, path := range exampleFiles(t) {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		var w exampleWorkflow
		require.NoError(t, yaml.Unmarshal(b, &w), "%s is YAML", path)

		assert.NotEmpty(t, w.Name, "%s has a name", path)
		assert.NotEmpty(t, w.On, "%s has triggers", path)
		for id, job := range w.Jobs {
			assert.True(t, strings.HasPrefix(job.RunsOn, "ubuntu-"),
				"%s job %s runs on Linux, as container actions must: %q", path, id, job.RunsOn)
			for _, step := range job.Steps {
				if strings.Contains(step.Uses, "intelligems-health-action") {
					assert.Equal(t, actionRef, step.Uses, "%s job %s refers to the action", path, id)
				}
			}
		}
		assert.NotEmpty(t, actionUses(t, path), "%s uses the action", path)
	}
}

func TestExamplesUseDeclaredInputs(t *testing.T) {
	t.Parallel()

	a := readAction(t)
	for _, path := range exampleFiles(t) {
		for _, with := range actionUses(t, path) {
			for name := range with {
				assert.Contains(t, a.Inputs, name, "%s passes an input action.yml declares", path)
			}
			for name, in := range a.Inputs {
				if in.Required {
					assert.Contains(t, with, name, "%s passes the required input", path)
				}
			}
		}
	}
}

func TestExamplesUseEveryInput(t *testing.T) {
	t.Parallel()

	used := map[string]bool{}
	for _, path := range exampleFiles(t) {
		for _, with := range actionUses(t, path) {
			for name := range with {
				used[name] = true
			}
		}
	}
	for _, name := range keys(readAction(t).Inputs) {
		assert.True(t, used[name], "input %s is shown in at least one example", name)
	}
}

// readmeExample matches a workflow the README shows from examples/: a
// marker naming the file, then the file in a yaml fence.
var readmeExample = regexp.MustCompile("(?s)<!-- example: (\\S+) -->\n```yaml\n(.*?)```")

func TestReadmeShowsExamplesUnchanged(t *testing.T) {
	t.Parallel()

	b, err := os.ReadFile("README.md")
	require.NoError(t, err)

	shown := map[string]bool{}
	for _, m := range readmeExample.FindAllStringSubmatch(string(b), -1) {
		path, block := m[1], m[2]
		assert.False(t, shown[path], "the README shows %s once", path)
		shown[path] = true
		file, err := os.ReadFile(filepath.FromSlash(path))
		if assert.NoError(t, err, "the README shows an example that exists") {
			assert.Equal(t, string(file), block, "the README shows %s as it is", path)
		}
	}
	for _, path := range exampleFiles(t) {
		assert.True(t, shown[filepath.ToSlash(path)], "the README shows %s", path)
	}
}

// TestActionImageLineForRelease guards what the release workflow rewrites:
// it replaces the one line "  image: Dockerfile" of action.yml with the
// published image's digest.
func TestActionImageLineForRelease(t *testing.T) {
	t.Parallel()

	b, err := os.ReadFile("action.yml")
	require.NoError(t, err)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line == "  image: Dockerfile" {
			n++
		}
	}
	assert.Equal(t, 1, n, "action.yml has exactly one line '  image: Dockerfile'")

	release, err := os.ReadFile(filepath.Join(".github", "workflows", "release.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(release), `s|^  image: Dockerfile\$|  image: docker://${IMAGE}|`,
		"the release workflow rewrites that line")
}
