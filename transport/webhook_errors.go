package transport

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
)

// unmarshalAt decodes raw into v and reports a failure as a *DecodeError
// whose Field is path followed by the path inside raw.
func unmarshalAt(path string, raw []byte, v any) error {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}

	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := path
		if typeErr.Field != "" {
			field = path + "." + typeErr.Field
		}
		if field == "body" || strings.HasPrefix(field, "body.") {
			field = strings.TrimPrefix(strings.TrimPrefix(field, "body"), ".")
			if field == "" {
				field = "body"
			}
		}
		return &DecodeError{Field: field, Reason: "expected " + jsonKind(typeErr.Type) + ", got " + typeErr.Value}
	}
	return &DecodeError{Field: path, Reason: "invalid JSON"}
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[json.RawMessage]() {
		return "a JSON value"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "number"
	}
}

func truncateForError(s string) string {
	const maxLen = 40
	if len(s) <= maxLen {
		return s
	}
	return s[:maxLen] + "..."
}
