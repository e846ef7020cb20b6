package fsm

import (
	"regexp"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

var (
	// handlePattern is CredEx's rule for member and account handles, which
	// CredEx applies after lower-casing them.
	handlePattern = regexp.MustCompile(`^[a-z0-9_]{3,30}$`)
	// phoneLike matches a phone number as people type it.
	phoneLike = regexp.MustCompile(`^\+?[0-9 ()-]+$`)
)

// cleanHandle applies the HANDLE rule: trim, drop one leading @, reduce a
// phone number to its digits, lower-case, then check CredEx's pattern.
func cleanHandle(text string) (string, *rejection) {
	h := strings.TrimSpace(text)
	h = strings.TrimSpace(strings.TrimPrefix(h, "@"))
	if phoneLike.MatchString(h) {
		h = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, h)
		h = internationalPhone(h)
	}
	h = strings.ToLower(h)
	if !handlePattern.MatchString(h) {
		return "", &rejection{"E_HANDLE_FORMAT", msgHandleFormat}
	}
	return h, nil
}

// zimbabweCode is the country code that replaces the trunk prefix 0 of a
// Zimbabwean number written the local way, such as 0771234567. CredEx
// knows members by their international number.
const zimbabweCode = "263"

// internationalPhone turns a 10-digit Zimbabwean number written with its
// trunk prefix (07..., 08...) into the international form; other digits
// are returned as they are.
func internationalPhone(digits string) string {
	if len(digits) == 10 && digits[0] == '0' && digits[1] != '0' {
		return zimbabweCode + digits[1:]
	}
	return digits
}

// receiverHandle applies the HANDLE rule and rejects the active account's
// own handle, because CredEx rejects an offer to the issuing account.
func receiverHandle(t *turn, text string) (string, *rejection) {
	h, rej := cleanHandle(text)
	if rej != nil {
		return "", rej
	}
	if account, ok := t.activeAccount(); ok && strings.EqualFold(account.Handle, h) {
		return "", &rejection{"E_SELF", msgSelf}
	}
	return h, nil
}

// lookUpReceiver requests getAccountByHandle for the flow's handle.
func lookUpReceiver(t *turn) {
	t.call(vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: t.flow().Handle})
}

// receiverFound reads the getAccountByHandle result. On success it keeps
// the account's id and name in the flow and returns nil. Otherwise it
// returns the message for the member.
func receiverFound(t *turn, r *vimbiso.Result) *rejection {
	f := t.flow()
	switch r.Outcome {
	case vimbiso.OutcomeOK:
		if r.Account == nil || r.Account.AccountID == "" {
			return &rejection{"E_SERVICE", msgService}
		}
		if r.Account.AccountID == t.c.snap.ActiveAccountID {
			return &rejection{"E_SELF", msgSelf}
		}
		f.ReceiverID = r.Account.AccountID
		f.ReceiverName = firstNonEmpty(r.Account.Name, f.Handle)
		return nil
	case vimbiso.OutcomeNotFound:
		return &rejection{"E_HANDLE_NOT_FOUND", msgHandleNotFound(f.Handle)}
	case vimbiso.OutcomeInvalid, vimbiso.OutcomeForbidden:
		return &rejection{"CREDEX_REASON", msgReason(r.Reason)}
	case vimbiso.OutcomeRateLimited:
		return &rejection{"E_RATE_LIMITED", msgRateLimited}
	default:
		return &rejection{"E_SERVICE", msgService}
	}
}

// enterOfferHandle prompts for the handle of the receiving account.
func enterOfferHandle(t *turn) {
	t.text(withBanner(t, msgAskHandle))
}

// inputOfferHandle checks the handle the member typed and looks the
// account up. The result arrives in resultOfferHandle.
func inputOfferHandle(t *turn, in vimbiso.Input) Event {
	if in.Kind != vimbiso.InputText {
		t.text(msgHandleFormat)
		return ""
	}
	h, rej := receiverHandle(t, in.Text)
	if rej != nil {
		t.text(rej.msg)
		return ""
	}
	f := t.flow()
	f.Handle, f.ReceiverID, f.ReceiverName = h, "", ""
	lookUpReceiver(t)
	return ""
}

// resultOfferHandle moves on once the account is found. On any failure
// the member stays on the handle step and may send another handle.
func resultOfferHandle(t *turn, r *vimbiso.Result) Event {
	if rej := receiverFound(t, r); rej != nil {
		t.text(rej.msg)
		return ""
	}
	return EventReceiverFound
}
