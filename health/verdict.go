package health

// Verdict is the overall judgement of one test.
type Verdict int

// The verdicts. A test gets exactly one; Unhealthy wins over every other
// finding, and Error is for a test whose data could not be read.
const (
	// CollectingData: too new, or too little traffic yet, to judge.
	CollectingData Verdict = iota
	// KeepRunning: healthy, no decision yet.
	KeepRunning
	// Winner: a variant beats the control on the primary metric with the
	// configured confidence, after the minimum runtime.
	Winner
	// Flat: the test has the sample it needs and no variant differs.
	Flat
	// Loser: a variant loses to the control on the primary metric. It needs
	// attention, like Unhealthy, but nothing is broken.
	Loser
	// Unhealthy: something is wrong with the test itself, such as a traffic
	// split that does not match its configuration.
	Unhealthy
	// Error: the test's data could not be read.
	Error
)

// String returns the verdict in words, for logs, summaries and outputs.
func (v Verdict) String() string {
	switch v {
	case CollectingData:
		return "collecting data"
	case KeepRunning:
		return "keep running"
	case Winner:
		return "winner"
	case Flat:
		return "flat"
	case Loser:
		return "loser"
	case Unhealthy:
		return "unhealthy"
	case Error:
		return "error"
	}
	return "unknown"
}

// Emoji returns the colour-coded symbol shown next to the verdict.
func (v Verdict) Emoji() string {
	switch v {
	case CollectingData:
		return "⚪"
	case KeepRunning:
		return "🔵"
	case Winner:
		return "🟢"
	case Flat:
		return "🟡"
	case Loser:
		return "🟠"
	case Unhealthy:
		return "🔴"
	case Error:
		return "❌"
	}
	return "❔"
}

// NeedsAttention reports whether someone should act on the test: it is
// unhealthy, losing, or could not be checked.
func (v Verdict) NeedsAttention() bool {
	switch v {
	case Loser, Unhealthy, Error:
		return true
	case CollectingData, KeepRunning, Winner, Flat:
		return false
	}
	return true
}
