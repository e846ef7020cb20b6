package mockcredex

import (
	"math"
	"strconv"
	"strings"
)

// unitsPerWhole is the scale of every stored amount: ten-thousandths, the
// finest precision any denomination shows (XAU has 4 decimals).
const unitsPerWhole = 10000

// maxAmount is the largest whole amount accepted, far below int64 overflow.
const maxAmount = 1e12

// denomination is a currency CredEx accepts, with the decimals CredEx shows
// and an invented mock rate for converting to USD.
type denomination struct {
	decimals int
	usdRate  float64 // USD value of one whole unit
}

var denominations = map[string]denomination{
	"CXX": {decimals: 3, usdRate: 1},
	"CAD": {decimals: 2, usdRate: 0.70},
	"USD": {decimals: 2, usdRate: 1},
	"XAU": {decimals: 4, usdRate: 2600},
	"ZWG": {decimals: 2, usdRate: 0.037},
}

// amountUnits converts a request amount to units, rounded to the decimals
// of denom. It returns 0 for an amount that is not a positive finite number
// or rounds to zero.
func amountUnits(v float64, denom string) int64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v > maxAmount {
		return 0
	}
	step := unitStep(denom)
	return int64(math.Round(v*unitsPerWhole/float64(step))) * step
}

// unitStep returns the units in the smallest shown fraction of denom.
func unitStep(denom string) int64 {
	step := int64(1)
	for range 4 - denominations[denom].decimals {
		step *= 10
	}
	return step
}

// toUSD converts units of denom to USD units with the mock rates.
func toUSD(units int64, denom string) int64 {
	return int64(math.Round(float64(units) * denominations[denom].usdRate))
}

// convert converts units of one denomination to another through USD.
func convert(units int64, from, to string) int64 {
	if from == to {
		return units
	}
	return int64(math.Round(float64(toUSD(units, from)) / denominations[to].usdRate))
}

// formatAmount formats units as CredEx does: "1,234.50 USD", with grouping
// commas and the decimals of the denomination.
func formatAmount(units int64, denom string) string {
	return formatNumber(units, denom) + " " + denom
}

// formatNumber formats units without the denomination: "1,234.50".
func formatNumber(units int64, denom string) string {
	decimals := denominations[denom].decimals
	step := unitStep(denom)

	sign := ""
	if units < 0 {
		sign = "-"
		units = -units
	}
	scaled := (units + step/2) / step // round half away from zero
	if scaled == 0 {
		sign = ""
	}
	pow := unitsPerWhole / step
	whole, frac := scaled/pow, scaled%pow

	fracText := strconv.FormatInt(frac, 10)
	fracText = strings.Repeat("0", decimals-len(fracText)) + fracText
	return sign + groupThousands(strconv.FormatInt(whole, 10)) + "." + fracText
}

// groupThousands inserts a comma every three digits from the right.
func groupThousands(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unitsToFloat returns units as a JSON number, e.g. for remainingAvailableUSD.
func unitsToFloat(units int64, denom string) float64 {
	step := unitStep(denom)
	return float64((units+step/2)/step*step) / unitsPerWhole
}
