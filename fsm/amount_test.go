package fsm

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in, def string
		value   float64
		denom   string
		err     string // catalogue id, "" when valid
	}{
		// A number alone takes the default denomination.
		{"5", "USD", 5, "USD", ""},
		{" 2.50 ", "USD", 2.5, "USD", ""},
		{"100", "ZWG", 100, "ZWG", ""},
		{"0.5", "xau", 0.5, "XAU", ""},
		{"007", "USD", 7, "USD", ""},
		{"5", "", 5, "USD", ""},

		// The denomination before or after, with or without a space.
		{"10 USD", "ZWG", 10, "USD", ""},
		{"10usd", "ZWG", 10, "USD", ""},
		{"ZWG 100", "USD", 100, "ZWG", ""},
		{"zwg100", "USD", 100, "ZWG", ""},
		{"ZiG 5", "USD", 5, "ZWG", ""},
		{"5 zig", "USD", 5, "ZWG", ""},
		{"$5", "ZWG", 5, "USD", ""},
		{"$ 5.25", "ZWG", 5.25, "USD", ""},
		{"5$", "ZWG", 5, "USD", ""},
		{"CXX 1.125", "USD", 1.125, "CXX", ""},
		{"0.0500 XAU", "USD", 0.05, "XAU", ""},
		{"CAD 3", "USD", 3, "CAD", ""},
		{"5\u00a0USD", "ZWG", 5, "USD", ""},

		// Trailing zeros add no decimals.
		{"5.100 USD", "USD", 5.1, "USD", ""},

		// Unreadable.
		{"1,5", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"1,000", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"five", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"USD", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{".5", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"5.", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"1.2.3", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"5 USD ZWG", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"USD 5 5", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"5 5", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"+5", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"5e3", "USD", 0, "", "E_AMOUNT_FORMAT"},
		{"1234567890123456", "USD", 0, "", "E_AMOUNT_FORMAT"},

		// Unknown denominations.
		{"5 EUR", "USD", 0, "", "E_DENOM"},
		{"EUR 5", "USD", 0, "", "E_DENOM"},
		{"€5", "USD", 0, "", "E_DENOM"},
		{"EUR 0", "USD", 0, "", "E_DENOM"},

		// Zero and negative.
		{"0", "USD", 0, "", "E_AMOUNT_ZERO"},
		{"0.00 USD", "USD", 0, "", "E_AMOUNT_ZERO"},
		{"-3", "USD", 0, "", "E_AMOUNT_ZERO"},
		{"USD -3", "USD", 0, "", "E_AMOUNT_ZERO"},

		// Too many decimals for the denomination.
		{"1.234", "USD", 0, "", "E_DECIMALS"},
		{"1.234 ZWG", "USD", 0, "", "E_DECIMALS"},
		{"CXX 1.1234", "USD", 0, "", "E_DECIMALS"},
		{"XAU 0.00001", "USD", 0, "", "E_DECIMALS"},
		{"0.001", "USD", 0, "", "E_DECIMALS"},
	}
	for _, tc := range cases {
		got, rej := parseAmount(tc.in, tc.def)
		if tc.err != "" {
			if rej == nil || rej.id != tc.err {
				t.Errorf("parseAmount(%q, %q) = %+v, %+v, want %s", tc.in, tc.def, got, rej, tc.err)
			}
			continue
		}
		if rej != nil || got.value != tc.value || got.denom != tc.denom {
			t.Errorf("parseAmount(%q, %q) = %+v, %+v, want %v %s", tc.in, tc.def, got, rej, tc.value, tc.denom)
		}
	}
}

func TestAmountMessages(t *testing.T) {
	cases := []struct{ in, want string }{
		{"5 eur", `I don't know "EUR". Use USD, ZWG, XAU, CAD or CXX.`},
		{"1.234", "USD amounts can have at most 2 decimals."},
		{"XAU 0.00001", "XAU amounts can have at most 4 decimals."},
		{"CXX 0.0001", "CXX amounts can have at most 3 decimals."},
	}
	for _, tc := range cases {
		_, rej := parseAmount(tc.in, "USD")
		if rej == nil || rej.msg != tc.want {
			t.Errorf("parseAmount(%q) message = %+v, want %q", tc.in, rej, tc.want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	cases := []struct {
		value float64
		denom string
		want  string
	}{
		{1.5, "USD", "1.50 USD"},
		{1234.5, "USD", "1,234.50 USD"},
		{1234567.891, "CXX", "1,234,567.891 CXX"},
		{0.05, "XAU", "0.0500 XAU"},
		{100, "ZWG", "100.00 ZWG"},
		{999, "CAD", "999.00 CAD"},
		{1000, "CAD", "1,000.00 CAD"},
		{-2500, "USD", "-2,500.00 USD"},
	}
	for _, tc := range cases {
		if got := formatAmount(tc.value, tc.denom); got != tc.want {
			t.Errorf("formatAmount(%v, %s) = %q, want %q", tc.value, tc.denom, got, tc.want)
		}
	}
}

// FuzzParseAmount checks that any accepted amount is positive, in a known
// denomination, within its decimals, and reads back the same when written
// without thousands separators.
func FuzzParseAmount(f *testing.F) {
	for _, seed := range []string{"5", "2.50", "10 USD", "ZWG 100", "$5", "1,5", "0", "-3", "XAU 0.0001", "5 EUR", "€5", "5..5", "zig7"} {
		f.Add(seed, "USD")
	}
	f.Add("0.125", "CXX")
	f.Fuzz(func(t *testing.T, in, def string) {
		a, rej := parseAmount(in, def)
		if rej != nil {
			if rej.msg == "" || rej.id == "" {
				t.Fatalf("parseAmount(%q) rejection %+v has no id or message", in, rej)
			}
			return
		}
		places, known := denomDecimals[a.denom]
		if !known && a.denom != canonicalDenom(def) {
			t.Fatalf("parseAmount(%q, %q) denomination %q is neither known nor the default", in, def, a.denom)
		}
		if a.value <= 0 {
			t.Fatalf("parseAmount(%q) = %v, want > 0", in, a.value)
		}
		if !known {
			return
		}
		plain := strconv.FormatFloat(a.value, 'f', places, 64)
		back, rej := parseAmount(plain+" "+a.denom, "USD")
		if rej != nil || back != a {
			t.Fatalf("parseAmount(%q) = %+v, but its plain form %q reads as %+v, %+v", in, a, plain, back, rej)
		}
		if s := a.String(); !strings.HasSuffix(s, " "+a.denom) {
			t.Fatalf("amount %+v prints as %q", a, s)
		}
	})
}
