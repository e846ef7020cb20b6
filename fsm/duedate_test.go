package fsm

import (
	"strings"
	"testing"
	"time"
)

func TestDueWindowAt(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name          string
		now           time.Time
		loc           *time.Location
		min, max, def string
	}{
		// The same day in Harare and in UTC: [today+7, today+34].
		{"harare morning", time.Date(2026, 12, 4, 9, 0, 0, 0, harare), harare, "2026-12-11", "2027-01-07", "2027-01-01"},
		// After midnight in Harare it is still yesterday in UTC, so
		// CredEx's last day comes first.
		{"harare after midnight", time.Date(2026, 12, 5, 0, 30, 0, 0, harare), harare, "2026-12-12", "2027-01-07", "2027-01-02"},
		// In the evening in New York it is already tomorrow in UTC, so
		// CredEx's first day comes later.
		{"new york evening", time.Date(2026, 12, 4, 22, 0, 0, 0, newYork), newYork, "2026-12-12", "2027-01-07", "2027-01-01"},
		// Across a month and year end.
		{"new year", time.Date(2026, 12, 31, 12, 0, 0, 0, harare), harare, "2027-01-07", "2027-02-03", "2027-01-28"},
		{"leap year", time.Date(2028, 2, 1, 12, 0, 0, 0, time.UTC), time.UTC, "2028-02-08", "2028-03-06", "2028-02-29"},
	}
	for _, tc := range cases {
		w := dueWindowAt(tc.now, tc.loc)
		got := [3]string{w.min.Format(dateLayout), w.max.Format(dateLayout), w.def.Format(dateLayout)}
		if want := [3]string{tc.min, tc.max, tc.def}; got != want {
			t.Errorf("%s: dueWindowAt(%v) = %v, want %v", tc.name, tc.now, got, want)
		}
	}
}

func TestParseDueDate(t *testing.T) {
	w := dueWindowAt(time.Date(2026, 12, 4, 9, 0, 0, 0, harare), harare)
	cases := []struct {
		in, want, err string
	}{
		// Inside the window, both ends included.
		{"2026-12-11", "2026-12-11", ""},
		{" 2026-12-20 ", "2026-12-20", ""},
		{"2027-01-07", "2027-01-07", ""},

		// Not a date.
		{"tomorrow", "", "E_DATE_FORMAT"},
		{"2026-2-3", "", "E_DATE_FORMAT"},
		{"20-12-2026", "", "E_DATE_FORMAT"},
		{"2026/12/20", "", "E_DATE_FORMAT"},
		{"2026-12-32", "", "E_DATE_FORMAT"},
		{"2027-02-29", "", "E_DATE_FORMAT"},
		{"2026-13-01", "", "E_DATE_FORMAT"},
		{"", "", "E_DATE_FORMAT"},

		// Outside the window.
		{"2026-12-10", "", "E_DATE_RANGE"},
		{"2027-01-08", "", "E_DATE_RANGE"},
		{"2025-02-20", "", "E_DATE_RANGE"},
	}
	for _, tc := range cases {
		got, rej := parseDueDate(tc.in, w)
		switch {
		case tc.err != "" && (rej == nil || rej.id != tc.err):
			t.Errorf("parseDueDate(%q) = %q, %+v, want %s", tc.in, got, rej, tc.err)
		case tc.err == "" && (rej != nil || got != tc.want):
			t.Errorf("parseDueDate(%q) = %q, %+v, want %q", tc.in, got, rej, tc.want)
		}
	}

	_, rej := parseDueDate("2026-12-10", w)
	if want := "The due date must be between 2026-12-11 and 2027-01-07."; rej == nil || rej.msg != want {
		t.Errorf("range message = %+v, want %q", rej, want)
	}
	_, rej = parseDueDate("soon", w)
	if rej == nil || !strings.Contains(rej.msg, "2027-01-01") {
		t.Errorf("format message = %+v, want the default date as example", rej)
	}
}

// FuzzParseDueDate checks that any accepted date is the trimmed input,
// a real date, and inside the window.
func FuzzParseDueDate(f *testing.F) {
	for _, seed := range []string{"2026-12-20", "2026-02-30", "2027-01-08", "tomorrow", " 2026-12-11 ", "0000-00-00", "9999-12-31"} {
		f.Add(seed, int64(0))
	}
	f.Add("2026-12-12", int64(-3600))
	base := time.Date(2026, 12, 4, 23, 30, 0, 0, harare)
	f.Fuzz(func(t *testing.T, in string, offset int64) {
		now := base.Add(time.Duration(offset%(400*86400)) * time.Second)
		w := dueWindowAt(now, harare)
		if w.min.After(w.max) || !w.contains(w.def) {
			t.Fatalf("dueWindowAt(%v) = %+v: empty window or default outside it", now, w)
		}
		got, rej := parseDueDate(in, w)
		if rej != nil {
			return
		}
		if got != strings.TrimSpace(in) {
			t.Fatalf("parseDueDate(%q) = %q, want the trimmed input", in, got)
		}
		d, err := time.Parse(dateLayout, got)
		if err != nil || !w.contains(d) {
			t.Fatalf("parseDueDate(%q) accepted %q outside %+v (%v)", in, got, w, err)
		}
	})
}
