package fsm

// greeting returns the time-of-day greeting for a local time.
func greeting(local interface{ Hour() int }, firstName string) string {
	var words, emoji string
	switch h := local.Hour(); {
	case h >= 5 && h < 12:
		words, emoji = "Good morning", "🌅"
	case h >= 12 && h < 18:
		words, emoji = "Good afternoon", "☀️"
	case h >= 18 && h < 22:
		words, emoji = "Good evening", "🌆"
	default:
		words, emoji = "Hello", "🌙"
	}
	if firstName == "" {
		return words + " " + emoji
	}
	return words + ", " + firstName + " " + emoji
}
