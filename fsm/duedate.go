package fsm

import (
	"regexp"
	"strings"
	"time"
)

// Due date limits, in days after today. CredEx accepts due dates from its
// today + 7 up to, but not including, its today + 35 (its "credspan").
const (
	dueMinDays     = 7
	dueMaxDays     = 34
	dueDefaultDays = 28
	credexSpanDays = 35
)

const dateLayout = "2006-01-02"

var datePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// dueWindow is the range of due dates the bot accepts, as calendar dates
// at midnight UTC, both ends included, and the date it proposes.
type dueWindow struct {
	min, max, def time.Time
}

// dueWindowAt computes the window at now. The member's today is the date
// in loc, but CredEx counts from its own today in UTC. Near midnight the
// two differ, so the window is the overlap of [today+7, today+34] in loc
// and [todayUTC+7, todayUTC+35) in UTC. The default, today+28 in loc, is
// kept inside the overlap.
func dueWindowAt(now time.Time, loc *time.Location) dueWindow {
	local := civilDate(now.In(loc))
	utc := civilDate(now.UTC())

	w := dueWindow{
		min: later(local.AddDate(0, 0, dueMinDays), utc.AddDate(0, 0, dueMinDays)),
		max: earlier(local.AddDate(0, 0, dueMaxDays), utc.AddDate(0, 0, credexSpanDays-1)),
	}
	w.def = earlier(later(local.AddDate(0, 0, dueDefaultDays), w.min), w.max)
	return w
}

// contains reports whether d falls inside the window.
func (w dueWindow) contains(d time.Time) bool {
	return !d.Before(w.min) && !d.After(w.max)
}

// parseDueDate applies the DUE DATE rule to what the member typed and
// returns the date as YYYY-MM-DD.
func parseDueDate(text string, w dueWindow) (string, *rejection) {
	s := strings.TrimSpace(text)
	if !datePattern.MatchString(s) {
		return "", &rejection{"E_DATE_FORMAT", msgDateFormat(w.def.Format(dateLayout))}
	}
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		return "", &rejection{"E_DATE_FORMAT", msgDateFormat(w.def.Format(dateLayout))}
	}
	if !w.contains(d) {
		return "", &rejection{"E_DATE_RANGE", msgDateRange(w.min.Format(dateLayout), w.max.Format(dateLayout))}
	}
	return s, nil
}

// civilDate returns t's calendar date as midnight UTC, so that dates from
// different zones compare as days.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
