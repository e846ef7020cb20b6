package actors

import (
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"
)

// NewSystem returns an actor system that logs through logger. protoactor-go
// logs dead letters and supervision events with the message and the actor
// name: our messages redact themselves and actor names carry only hashes.
func NewSystem(logger *slog.Logger) *actor.ActorSystem {
	lib := logger.With(slog.String("lib", "protoactor"))
	return actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return lib }))
}
