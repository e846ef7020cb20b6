package mockcredex

// Mutation is one call to a mutating endpoint, recorded whatever its
// outcome. The mock never deduplicates by Idempotency-Key, because the real
// service ignores the header. Repeats lets a test see a key sent again.
type Mutation struct {
	Seq            int    `json:"seq"`
	Endpoint       string `json:"endpoint"`
	IdempotencyKey string `json:"idempotencyKey"`
	Status         int    `json:"status"`    // the status the client got
	Repeats        int    `json:"repeats"`   // earlier mutations with the same non-empty key
	Committed      bool   `json:"committed"` // the call took effect, whatever status the client got
}

// Mutations returns a copy of the recorded mutations, oldest first.
func (s *Server) Mutations() []Mutation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mutation(nil), s.mutations...)
}

func (s *Server) recordMutation(endpoint, key string, status int, committed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	repeats := 0
	if key != "" {
		for _, m := range s.mutations {
			if m.IdempotencyKey == key {
				repeats++
			}
		}
	}
	s.mutations = append(s.mutations, Mutation{
		Seq: len(s.mutations) + 1, Endpoint: endpoint, IdempotencyKey: key, Status: status, Repeats: repeats, Committed: committed,
	})
}
