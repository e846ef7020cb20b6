package transport

import (
	"context"
	"errors"
	"testing"
)

func TestChecks(t *testing.T) {
	errRedis := errors.New("ping state redis: unavailable")
	errToken := errors.New("graph api rejected the access token")
	ok := CheckerFunc(func(context.Context) error { return nil })
	redisDown := CheckerFunc(func(context.Context) error { return errRedis })
	tokenBad := CheckerFunc(func(context.Context) error { return errToken })

	tests := []struct {
		name     string
		checkers []Checker
		want     []error
	}{
		{"none", nil, nil},
		{"all ready", []Checker{ok, nil, ok}, nil},
		{"one fails", []Checker{ok, redisDown}, []error{errRedis}},
		{"both fail", []Checker{redisDown, tokenBad}, []error{errRedis, errToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Checks(tt.checkers...).Ready(context.Background())
			if len(tt.want) == 0 && err != nil {
				t.Errorf("Ready() = %v, want nil", err)
			}
			if len(tt.want) > 0 && err == nil {
				t.Fatalf("Ready() = nil, want %v", tt.want)
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("Ready() = %v, want it to include %v", err, want)
				}
			}
		})
	}
}
