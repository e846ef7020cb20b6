package fsm

import "strings"

var (
	greetingWords = wordSet("hi", "hie", "hy", "hey", "hello", "hallo", "start", "mhoro", "makadii", "ndeipi",
		"sawubona", "salibonani", "jambo", "habari", "dumela", "bonjour", "salut", "hola")
	menuWords   = wordSet("menu", "memu", "home", "dashboard")
	cancelWords = wordSet("x", "c", "cancel", "stop", "back")
	thanksWords = wordSet("ok", "okay", "thanks", "thank you", "thx")
	helpWords   = wordSet("help", "?", "rubatsiro", "usizo")
)

func wordSet(words ...string) map[string]bool {
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}

// normalize prepares a text for matching commands: lower case, inner
// spaces collapsed, and trailing '.', '!' and '?' removed. A message of
// only "?" stays "?", because that is the help command.
func normalize(text string) string {
	w := strings.ToLower(strings.Join(strings.Fields(text), " "))
	trimmed := strings.TrimRight(w, ".!?")
	if trimmed == "" {
		return w
	}
	return strings.TrimSpace(trimmed)
}

// isQuickCommand reports whether a text is meant as a quick offer.
func isQuickCommand(text string) bool {
	return strings.Contains(text, "=>") || strings.Contains(text, "->")
}
