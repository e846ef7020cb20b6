package mockcredex

import "testing"

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		units int64
		denom string
		want  string
	}{
		{0, "USD", "0.00 USD"},
		{12345000, "USD", "1,234.50 USD"},
		{-100000, "USD", "-10.00 USD"},
		{12345678901, "CXX", "1,234,567.890 CXX"},
		{100, "XAU", "0.0100 XAU"},
		{-1, "USD", "0.00 USD"}, // rounds to zero: no minus sign
		{50, "USD", "0.01 USD"}, // half a cent rounds away from zero
		{1000000000, "ZWG", "100,000.00 ZWG"},
	}
	for _, tt := range tests {
		if got := formatAmount(tt.units, tt.denom); got != tt.want {
			t.Errorf("formatAmount(%d, %s) = %q, want %q", tt.units, tt.denom, got, tt.want)
		}
	}
}

func TestAmountUnits(t *testing.T) {
	tests := []struct {
		v     float64
		denom string
		want  int64
	}{
		{1.5, "USD", 15000},
		{1.006, "USD", 10100}, // rounded to cents
		{0.001, "CXX", 10},
		{0.00016, "XAU", 2},
		{0.004, "USD", 0},
		{-1, "USD", 0},
		{2e12, "USD", 0},
	}
	for _, tt := range tests {
		if got := amountUnits(tt.v, tt.denom); got != tt.want {
			t.Errorf("amountUnits(%v, %s) = %d, want %d", tt.v, tt.denom, got, tt.want)
		}
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		units    int64
		from, to string
		want     int64
	}{
		{100, "XAU", "USD", 260000},   // 0.01 XAU = 26 USD
		{10000, "CAD", "USD", 7000},   // 1 CAD = 0.70 USD
		{10000, "USD", "ZWG", 270270}, // 1 USD = 27.027 ZWG
		{10000, "CXX", "USD", 10000},
	}
	for _, tt := range tests {
		if got := convert(tt.units, tt.from, tt.to); got != tt.want {
			t.Errorf("convert(%d, %s, %s) = %d, want %d", tt.units, tt.from, tt.to, got, tt.want)
		}
	}
}
