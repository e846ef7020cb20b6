package actors

import vimbiso "github.com/vimbisopay/vimbiso"

// recentSet remembers the last n inbox ids an activation handled, so that
// an item both loaded at activation and delivered afterwards runs once.
type recentSet struct {
	ids   map[string]struct{}
	order []string
	max   int
}

// newRecentSet returns an empty set that keeps up to max ids. It starts
// small: most activations handle a few inputs before they passivate.
func newRecentSet(max int) *recentSet {
	return &recentSet{ids: make(map[string]struct{}), max: max}
}

func (s *recentSet) has(id string) bool {
	_, ok := s.ids[id]
	return ok
}

func (s *recentSet) add(id string) {
	if len(s.order) == s.max {
		delete(s.ids, s.order[0])
		s.order = s.order[1:]
	}
	s.ids[id] = struct{}{}
	s.order = append(s.order, id)
}

// remove forgets id, so that the item is handled again when it is read
// from the inbox once more.
func (s *recentSet) remove(id string) {
	delete(s.ids, id)
}

// itemKey names an inbox item in a recentSet. The inbox id alone is not
// enough: the store deletes an inbox once it is empty, and Redis gives the
// first entry of the new one the id of the last entry of the old one when
// both fall in the same millisecond. The message or event id makes the
// key unique again.
func itemKey(item vimbiso.InboxItem) string {
	id := item.Input.MessageID
	if item.Input.Event != nil {
		id = item.Input.Event.ID
	}
	return item.ID + " " + id
}
