package main

// Blank imports keep the planned dependencies in go.mod while the packages
// that use them are written. TODO: delete once every module is imported for real.
import (
	_ "github.com/alicebob/miniredis/v2"
	_ "github.com/asynkron/protoactor-go/actor"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/julienschmidt/httprouter"
	_ "github.com/looplab/fsm"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/redis/go-redis/v9"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/time/rate"
)
