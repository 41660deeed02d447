// Package intelligems reads running A/B tests and their overview analytics
// from the Intelligems External API (https://docs.intelligems.io/developer-resources/external-api).
//
// The client pages through the experience list, fetches analytics with the
// documented POST form (falling back to the legacy GET form), paces its
// requests by the x-ratelimit-* headers so that the budget runs out as
// rarely as possible, waits out any 429 instead of dropping a test, and
// retries server errors, gateway pages, cut-off bodies and network failures
// a few times.
// Wire JSON is decoded at this boundary into domain types with real Go types:
// times as time.Time, counts as int, fractions as float64, and values the API
// may send as null as a Number with a Valid flag.
package intelligems
