package intelligemstest

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Dataset is what a Server serves.
type Dataset struct {
	// Experiences are experiences-list items in the API's list shape, in
	// the order they are listed.
	Experiences []json.RawMessage
	// Analytics are overview analytics responses by experience ID.
	Analytics map[string]json.RawMessage
}

// IDs of the sample experiences.
const (
	// SamplePriceTestID is E1, a two-arm price test whose traffic split is
	// off (a sample-ratio mismatch).
	SamplePriceTestID = "1cba6068-3d78-42ee-946c-07f24147fce5"
	// SampleThreeArmID is E2, a three-arm content test whose control is
	// listed second and whose arm A converts 28% worse.
	SampleThreeArmID = "bd5b73d2-250b-48b7-a9d1-2ca0960f4a7d"
	// SampleJustStartedID is E3, a shipping test started 98 minutes before
	// the sample instant, with no analytics yet.
	SampleJustStartedID = "dcea7119-6181-4cec-967e-f68fc2136c1d"
	// SamplePersonalizationID is E4, a running personalization, not a test.
	SamplePersonalizationID = "1d501e0a-6920-4594-8351-aba6f5f2197a"
	// SamplePausedID is a paused experiment.
	SamplePausedID = "7f9479dd-f0ee-4e83-8259-9e8a5012b609"
)

// SampleTime is the instant the sample data describes:
// 2026-03-16T13:00:00Z, or 1773666000000 in epoch milliseconds.
var SampleTime = time.UnixMilli(1773666000000).UTC()

// lowDataDelay is how much later than SampleTime the low-data sample is seen.
const lowDataDelay = 6 * time.Hour

//go:embed data/*.json
var files embed.FS

// SampleDataset returns the sample store as seen at now: E1, E2 and E3
// running, E4 a running personalization, and one paused experiment. Every
// epoch-millisecond timestamp is moved by now − SampleTime, so the tests
// have the same age whatever now is; at SampleTime the data is exactly the
// files under data/.
func SampleDataset(now time.Time) *Dataset {
	return sample(now.Sub(SampleTime), "data/analytics-e3.json")
}

// SampleLowData returns the sample store about six hours later, as seen at
// now: E3 has its first analytics, a few hundred visitors per arm with every
// probability and interval null. Timestamps are moved by
// now − (SampleTime + 6h).
func SampleLowData(now time.Time) *Dataset {
	return sample(now.Sub(SampleTime.Add(lowDataDelay)), "data/analytics-e3-low.json")
}

func sample(delta time.Duration, e3File string) *Dataset {
	var list listEnvelope
	mustUnmarshal(mustRead("data/experiences-list.json"), &list)

	d := &Dataset{
		Experiences: append(list.ExperiencesList, mustRead("data/experience-paused.json")),
		Analytics: map[string]json.RawMessage{
			SamplePriceTestID:       mustRead("data/analytics-e1.json"),
			SampleThreeArmID:        mustRead("data/analytics-e2.json"),
			SampleJustStartedID:     mustRead(e3File),
			SamplePersonalizationID: mustRead("data/analytics-e4.json"),
		},
	}
	return d.Shift(delta)
}

// Shift returns a copy of d with every epoch-millisecond timestamp field
// (createdAtTs, startedAtTs, latestRunTs, actionTs and the like) moved by
// delta, rounded to the millisecond. null values stay null.
func (d *Dataset) Shift(delta time.Duration) *Dataset {
	ms := delta.Milliseconds()
	out := &Dataset{Analytics: make(map[string]json.RawMessage, len(d.Analytics))}
	for _, e := range d.Experiences {
		out.Experiences = append(out.Experiences, shiftJSON(e, ms))
	}
	for id, a := range d.Analytics {
		out.Analytics[id] = shiftJSON(a, ms)
	}
	return out
}

// Merge appends the experiences of other to d and adds its analytics; where
// both hold analytics for one ID, other's are kept. A nil other is a no-op.
func (d *Dataset) Merge(other *Dataset) {
	if other == nil {
		return
	}
	d.Experiences = append(d.Experiences, other.Experiences...)
	if d.Analytics == nil {
		d.Analytics = make(map[string]json.RawMessage, len(other.Analytics))
	}
	for id, a := range other.Analytics {
		d.Analytics[id] = a
	}
}

// timestampKeys are the fields that hold epoch milliseconds.
var timestampKeys = map[string]bool{
	"createdAtTs": true, "lastUpdateTs": true, "startedAtTs": true,
	"pausedAtTs": true, "endedAtTs": true, "archivedAtTs": true,
	"actionTs": true, "latestRunTs": true, "timestamp": true,
}

func shiftJSON(raw json.RawMessage, ms int64) json.RawMessage {
	if ms == 0 {
		return raw
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw // not JSON: serve it as it is
	}

	shiftValue(v, ms)
	return mustMarshal(v)
}

func shiftValue(v any, ms int64) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			n, isNum := x.(json.Number)
			if !timestampKeys[k] || !isNum {
				shiftValue(x, ms)
				continue
			}
			if i, err := n.Int64(); err == nil {
				t[k] = json.Number(strconv.FormatInt(i+ms, 10))
			}
		}
	case []any:
		for _, x := range t {
			shiftValue(x, ms)
		}
	}
}

// index is a Dataset prepared for serving.
type index struct {
	items     []item
	analytics map[string]json.RawMessage
}

type item struct {
	raw      json.RawMessage
	status   string
	category string
}

func newIndex(d *Dataset) index {
	if d == nil {
		return index{}
	}
	ix := index{analytics: d.Analytics}
	for _, raw := range d.Experiences {
		var head struct {
			Status   string `json:"status"`
			Category string `json:"category"`
		}
		_ = json.Unmarshal(raw, &head) // a malformed item matches no filter
		ix.items = append(ix.items, item{raw: raw, status: head.Status, category: head.Category})
	}
	return ix
}

// filter returns the items matching status and category; empty matches all.
func (ix index) filter(status, category string) []json.RawMessage {
	out := []json.RawMessage{}
	for _, it := range ix.items {
		if (status == "" || it.status == status) && (category == "" || it.category == category) {
			out = append(out, it.raw)
		}
	}
	return out
}

func mustRead(name string) json.RawMessage {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("intelligemstest: read embedded %s: %v", name, err))
	}
	return b
}

func mustUnmarshal(b []byte, v any) {
	if err := json.Unmarshal(b, v); err != nil {
		panic(fmt.Sprintf("intelligemstest: decode embedded data: %v", err))
	}
}

func mustMarshal(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("intelligemstest: encode data: %v", err))
	}
	return bytes.TrimSpace(buf.Bytes())
}
