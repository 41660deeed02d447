package intelligems

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// maxPages stops a list that never ends, such as a server that ignores the
// page parameter.
const maxPages = 1000

// Experience statuses and categories the client filters on.
const (
	StatusStarted      = "started"
	CategoryExperiment = "experiment"
)

// Experience is one Intelligems test, as listed by the API.
type Experience struct {
	// ID is the experience UUID.
	ID string
	// Name is the name given in the Intelligems app; it is user text.
	Name string
	// Status is "pending", "started", "paused" or "ended".
	Status string
	// Category is "experiment" or "personalization".
	Category string
	// Type is the API's test type, such as "pricing" or "content/onsiteEdits".
	Type string
	// CreatedAt, StartedAt, PausedAt and EndedAt are zero when the API sent
	// null or nothing (a test never paused has a zero PausedAt).
	CreatedAt, StartedAt, PausedAt, EndedAt time.Time
	// Currency is the store currency; zero when the API sent null.
	Currency Currency
	// TestTypes says what the test changes.
	TestTypes TestTypes
	// Variations are the arms in API order; find the control with Control,
	// never by position.
	Variations []Variation
}

// Control returns the variation flagged as control, and false when there is
// none.
func (e Experience) Control() (Variation, bool) {
	return control(e.Variations)
}

// Currency is a store currency.
type Currency struct {
	// Code is the ISO 4217 code, such as "USD".
	Code string
	// Symbol is the display symbol, such as "$".
	Symbol string
}

// TestTypes holds the flags that say what an experience tests.
type TestTypes struct {
	Pricing  bool // prices (hasTestPricing)
	Shipping bool // shipping rates or thresholds (hasTestShipping)
	Content  bool // site content of any kind (hasTestContent)
	Campaign bool // offers or discounts (hasTestCampaign)
}

// Variation is one arm of a test.
type Variation struct {
	// ID is the variation UUID; analytics rows refer to it.
	ID string
	// Name is the name given in the app; it is user text.
	Name string
	// Percentage is the configured share of traffic, 0 to 100.
	Percentage float64
	// IsControl marks the baseline arm.
	IsControl bool
	// Order is the 0-based display order in the app.
	Order int
}

func control(vs []Variation) (Variation, bool) {
	for _, v := range vs {
		if v.IsControl {
			return v, true
		}
	}
	return Variation{}, false
}

// ListRunning returns the running A/B tests of the store, in API order:
// experiences with status "started" and category "experiment". It pages
// through the whole list. An experience with no category is kept, so a
// change in the API cannot silently hide a test.
func (c *Client) ListRunning(ctx context.Context) ([]Experience, error) {
	var all []Experience
	seen := make(map[string]bool)
	for page := 1; ; page++ {
		if page > maxPages {
			return nil, fmt.Errorf("list experiences: more than %d pages", maxPages)
		}

		env, err := c.listPage(ctx, page)
		if err != nil {
			return nil, err
		}

		for _, w := range env.ExperiencesList {
			e := w.experience()
			if isRunningExperiment(e) && !seen[e.ID] {
				seen[e.ID] = true
				all = append(all, e)
			}
		}
		if len(env.ExperiencesList) == 0 || page >= env.TotalPages {
			return all, nil
		}
	}
}

func isRunningExperiment(e Experience) bool {
	return e.Status == StatusStarted && (e.Category == "" || e.Category == CategoryExperiment)
}

// listPage fetches one page of started experiments.
func (c *Client) listPage(ctx context.Context, page int) (*wireList, error) {
	r := request{
		method:      http.MethodGet,
		path:        "/experiences-list",
		escapedPath: "/experiences-list",
		query: url.Values{
			"status":   {StatusStarted},
			"category": {CategoryExperiment},
			"page":     {strconv.Itoa(page)},
			"limit":    {strconv.Itoa(c.pageSize)},
		},
	}
	body, err := c.send(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("list experiences: %w", err)
	}

	var env wireList
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("list experiences: %w", &DecodeError{Path: r.path, Err: err})
	}
	return &env, nil
}

// wireList is the experiences-list envelope.
type wireList struct {
	ExperiencesList []wireExperience `json:"experiencesList"`
	Page            int              `json:"page"`
	Limit           int              `json:"limit"`
	Total           int              `json:"total"`
	TotalPages      int              `json:"totalPages"`
}

type wireExperience struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Status      string          `json:"status"`
	Category    string          `json:"category"`
	Type        string          `json:"type"`
	CreatedAtTs timestamp       `json:"createdAtTs"`
	StartedAtTs timestamp       `json:"startedAtTs"`
	PausedAtTs  timestamp       `json:"pausedAtTs"`
	EndedAtTs   timestamp       `json:"endedAtTs"`
	Currency    *wireCurrency   `json:"currency"`
	TestTypes   *wireTestTypes  `json:"testTypes"`
	Variations  []wireVariation `json:"variations"`
}

type wireCurrency struct {
	Code   string `json:"code"`
	Symbol string `json:"symbol"`
}

type wireTestTypes struct {
	HasTestPricing  bool `json:"hasTestPricing"`
	HasTestShipping bool `json:"hasTestShipping"`
	HasTestContent  bool `json:"hasTestContent"`
	HasTestCampaign bool `json:"hasTestCampaign"`
}

type wireVariation struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Percentage *float64 `json:"percentage"`
	IsControl  bool     `json:"isControl"`
	Order      count    `json:"order"`
}

func (w wireExperience) experience() Experience {
	e := Experience{
		ID:         w.ID,
		Name:       w.Name,
		Status:     w.Status,
		Category:   w.Category,
		Type:       w.Type,
		CreatedAt:  w.CreatedAtTs.Time(),
		StartedAt:  w.StartedAtTs.Time(),
		PausedAt:   w.PausedAtTs.Time(),
		EndedAt:    w.EndedAtTs.Time(),
		Variations: variations(w.Variations),
	}
	if w.Currency != nil {
		e.Currency = Currency{Code: w.Currency.Code, Symbol: w.Currency.Symbol}
	}
	if tt := w.TestTypes; tt != nil {
		e.TestTypes = TestTypes{
			Pricing:  tt.HasTestPricing,
			Shipping: tt.HasTestShipping,
			Content:  tt.HasTestContent,
			Campaign: tt.HasTestCampaign,
		}
	}
	return e
}

func variations(ws []wireVariation) []Variation {
	vs := make([]Variation, 0, len(ws))
	for _, w := range ws {
		if w.ID == "" {
			continue // a null entry; nothing can join to it
		}
		v := Variation{ID: w.ID, Name: w.Name, IsControl: w.IsControl, Order: int(w.Order)}
		if w.Percentage != nil {
			v.Percentage = *w.Percentage
		}
		vs = append(vs, v)
	}
	return vs
}
