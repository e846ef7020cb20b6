package transport

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Helpers to read loosely shaped JSON decoded with UseNumber into any. They
// return zero values for missing or mistyped fields instead of failing,
// because CredEx's responses changed shape over the years and a missing field
// must never break a conversation.

type jsonObject = map[string]any

// objectAt follows keys through nested objects and returns the object found,
// or nil.
func objectAt(v any, keys ...string) jsonObject {
	o, _ := valueAt(v, keys...).(jsonObject)
	return o
}

// valueAt follows keys through nested objects and returns the value found,
// or nil.
func valueAt(v any, keys ...string) any {
	for _, k := range keys {
		o, ok := v.(jsonObject)
		if !ok {
			return nil
		}
		v = o[k]
	}
	return v
}

// stringAt returns a string value, or a number as its JSON text.
func stringAt(v any, keys ...string) string {
	switch x := valueAt(v, keys...).(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

// firstString returns the first non-empty string among the keys of o.
func firstString(o jsonObject, keys ...string) string {
	for _, k := range keys {
		if s := stringAt(o, k); s != "" {
			return s
		}
	}
	return ""
}

func arrayAt(v any, keys ...string) ([]any, bool) {
	a, ok := valueAt(v, keys...).([]any)
	return a, ok
}

func boolAt(v any, keys ...string) (value, ok bool) {
	b, ok := valueAt(v, keys...).(bool)
	return b, ok
}

// numberAt reads a number: a JSON number, a numeric string, or a Neo4j
// integer {"low": l, "high": h}, which is l + h × 2³² (l is sent signed,
// so it is read as its unsigned 32-bit pattern).
func numberAt(v any, keys ...string) (float64, bool) {
	switch x := valueAt(v, keys...).(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case jsonObject:
		low, okLow := numberAt(x, "low")
		high, okHigh := numberAt(x, "high")
		if !okLow || !okHigh {
			return 0, false
		}
		return float64(uint32(int64(low))) + high*(1<<32), true
	}
	return 0, false
}

// intAt reads an integer in any form numberAt accepts; fractions are cut.
func intAt(v any, keys ...string) (int, bool) {
	f, ok := numberAt(v, keys...)
	if !ok || f > math.MaxInt32 || f < math.MinInt32 {
		return 0, false
	}
	return int(f), true
}
