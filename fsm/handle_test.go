package fsm

import "testing"

func TestCleanHandle(t *testing.T) {
	cases := []struct {
		in, want string // want "" when the handle is invalid
	}{
		// Handles as typed.
		{"bob_shop", "bob_shop"},
		{"  Bob_Shop ", "bob_shop"},
		{"@bob_shop", "bob_shop"},
		{"@ bob_shop", "bob_shop"},
		{"abc", "abc"},
		{"a23456789012345678901234567890", "a23456789012345678901234567890"},

		// Phone numbers keep only their digits.
		{"263770000002", "263770000002"},
		{"+263 77 000 0002", "263770000002"},
		{"+263-77-000-0002", "263770000002"},
		{"(263) 770 000 002", "263770000002"},
		{"@+263770000002", "263770000002"},

		// Invalid.
		{"ab", ""},
		{"", ""},
		{"@@bob_shop", ""},
		{"bob shop", ""},
		{"bob-shop", ""},
		{"bob.shop", ""},
		{"bøb_shop", ""},
		{"a234567890123456789012345678901", ""},
		{"+26", ""},
		{"--", ""},
		{"263 77 000 0002 x", ""},
	}
	for _, tc := range cases {
		got, rej := cleanHandle(tc.in)
		if tc.want == "" {
			if rej == nil || rej.id != "E_HANDLE_FORMAT" {
				t.Errorf("cleanHandle(%q) = %q, %+v, want E_HANDLE_FORMAT", tc.in, got, rej)
			}
			continue
		}
		if rej != nil || got != tc.want {
			t.Errorf("cleanHandle(%q) = %q, %+v, want %q", tc.in, got, rej, tc.want)
		}
	}
}

func TestCleanHandleLocalNumbers(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0770000002", "263770000002"},
		{"077 000 0002", "263770000002"},
		{"+263 77 000 0002", "263770000002"},
		{"0044770000002", "0044770000002"}, // an international call prefix is left alone
		{"012345678", "012345678"},         // nine digits: not a Zimbabwean mobile number
	}
	for _, tc := range cases {
		got, rej := cleanHandle(tc.in)
		if rej != nil {
			t.Errorf("cleanHandle(%q) rejected: %v", tc.in, rej)
			continue
		}
		if got != tc.want {
			t.Errorf("cleanHandle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
