package fsm

import "strings"

// cleanName applies the NAME rule: trimmed, inner spaces collapsed, 3 to 50
// characters of A–Z, a–z, space and hyphen. CredEx deletes every other
// character silently, so the bot refuses them instead of letting CredEx
// change the name.
func cleanName(s string) (string, bool) {
	name := strings.Join(strings.Fields(s), " ")
	if len(name) < 3 || len(name) > 50 {
		return "", false
	}
	for _, r := range name {
		letter := (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z')
		if !letter && r != ' ' && r != '-' {
			return "", false
		}
	}
	return name, true
}
