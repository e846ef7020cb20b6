package fsm

import (
	"math"
	"strconv"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// denomDecimals lists the denominations CredEx accepts, with the number of
// decimals CredEx uses when it formats their amounts.
var denomDecimals = map[string]int{"USD": 2, "CAD": 2, "ZWG": 2, "CXX": 3, "XAU": 4}

// denomAliases maps the words people use to CredEx's codes: people say ZiG
// for ZWG and write $5 for 5 USD.
var denomAliases = map[string]string{"ZIG": "ZWG", "$": "USD"}

// maxAmountDigits caps the significant digits of an amount so that its
// float64 value prints back exactly as the member typed it.
const maxAmountDigits = 15

// amount is a parsed AMOUNT: a positive value in a known denomination,
// with no more decimals than the denomination allows.
type amount struct {
	value float64
	denom string
}

// String formats the amount for the member: thousands separated by
// commas, the denomination's decimals, a space and the code.
func (a amount) String() string { return formatAmount(a.value, a.denom) }

// rejection is an input that broke a rule: the catalogue id, which tests
// and logs use, and the text the member gets.
type rejection struct {
	id  string
	msg string
}

// parseAmount reads an AMOUNT: a number, optionally with a denomination
// before or after it, spaces between them optional. Without a
// denomination the amount is in defaultDenom. Commas are rejected rather
// than guessed at, so that "1,5" is never read as 15.
func parseAmount(text, defaultDenom string) (amount, *rejection) {
	s := strings.ToUpper(strings.TrimSpace(text))
	if strings.Contains(s, ",") {
		return amount{}, &rejection{"E_AMOUNT_FORMAT", msgAmountFormat}
	}
	number, word, ok := splitAmount(s)
	if !ok {
		return amount{}, &rejection{"E_AMOUNT_FORMAT", msgAmountFormat}
	}
	negative := strings.HasPrefix(number, "-")
	number = strings.TrimPrefix(number, "-")
	whole, frac, ok := splitNumber(number)
	if !ok {
		return amount{}, &rejection{"E_AMOUNT_FORMAT", msgAmountFormat}
	}

	denom := canonicalDenom(defaultDenom)
	if denom == "" {
		denom = "USD"
	}
	if word != "" {
		denom = canonicalDenom(word)
		if _, known := denomDecimals[denom]; !known {
			return amount{}, &rejection{"E_DENOM", msgDenom(word)}
		}
	}

	significant := strings.TrimLeft(whole, "0") + strings.TrimRight(frac, "0")
	if strings.Trim(significant, "0") == "" || negative {
		return amount{}, &rejection{"E_AMOUNT_ZERO", msgAmountZero}
	}
	if len(significant) > maxAmountDigits {
		return amount{}, &rejection{"E_AMOUNT_FORMAT", msgAmountFormat}
	}
	// Trailing zeros add no precision: "5.100 USD" is 5.10 USD.
	if places := decimalsOf(denom); len(strings.TrimRight(frac, "0")) > places {
		return amount{}, &rejection{"E_DECIMALS", msgDecimals(denom, places)}
	}
	value, err := strconv.ParseFloat(number, 64)
	if err != nil {
		return amount{}, &rejection{"E_AMOUNT_FORMAT", msgAmountFormat}
	}
	return amount{value: value, denom: denom}, nil
}

// amountStops ends a denomination word typed before the number.
const amountStops = " \t\r\n0123456789.+-"

// splitAmount separates the number from the denomination word, in either
// order. The number keeps a leading minus sign so that the caller can say
// that the amount must be positive instead of that it is unreadable.
func splitAmount(s string) (number, word string, ok bool) {
	if s == "" {
		return "", "", false
	}
	if isNumberByte(s[0]) {
		end := 1
		for end < len(s) && isNumberByte(s[end]) {
			end++
		}
		number, word = s[:end], strings.TrimSpace(s[end:])
		return number, word, !strings.ContainsAny(word, amountStops)
	}
	end := strings.IndexAny(s, amountStops)
	if end < 0 {
		return "", "", false // a word with no number
	}
	word, number = strings.TrimSpace(s[:end]), strings.TrimSpace(s[end:])
	for i := range len(number) {
		if !isNumberByte(number[i]) {
			return "", "", false
		}
	}
	return number, word, number != ""
}

// isNumberByte reports whether b can be part of a number as typed.
func isNumberByte(b byte) bool {
	return (b >= '0' && b <= '9') || b == '.' || b == '-'
}

// splitNumber checks number = digit+ ( "." digit+ )? and returns the whole
// and fractional digits.
func splitNumber(number string) (whole, frac string, ok bool) {
	whole, frac, dotted := strings.Cut(number, ".")
	if whole == "" || !allDigits(whole) || (dotted && (frac == "" || !allDigits(frac))) {
		return "", "", false
	}
	return whole, frac, true
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// canonicalDenom upper-cases a denomination word and resolves aliases.
// It does not check that CredEx accepts the result.
func canonicalDenom(word string) string {
	d := strings.ToUpper(strings.TrimSpace(word))
	if alias, ok := denomAliases[d]; ok {
		return alias
	}
	return d
}

// decimalsOf returns how many decimals a denomination's amounts have. An
// unknown denomination gets two.
func decimalsOf(denom string) int {
	if n, ok := denomDecimals[denom]; ok {
		return n
	}
	return 2
}

// formatAmount writes an amount as the bot shows it: "1,234.50 USD",
// "0.0500 XAU".
func formatAmount(value float64, denom string) string {
	digits := strconv.FormatFloat(value, 'f', decimalsOf(denom), 64)
	whole, frac, _ := strings.Cut(digits, ".")
	sign := ""
	if strings.HasPrefix(whole, "-") {
		sign, whole = "-", whole[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String() + " " + denom
}

// minorUnits converts a value to whole units of the denomination's last
// decimal, so that comparisons are not thrown off by binary fractions.
func minorUnits(value float64, denom string) int64 {
	return int64(math.Round(value * math.Pow10(decimalsOf(denom))))
}

// denomList names the denominations for prompts and E_DENOM.
func denomList() string { return "USD, ZWG, XAU, CAD or CXX" }

// truncateWord cuts what the member typed before it is quoted back.
func truncateWord(s string) string { return vimbiso.Truncate(s, 20) }
