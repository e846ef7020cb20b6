package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/actors"
	"github.com/vimbisopay/vimbiso/persistence"
	"github.com/vimbisopay/vimbiso/transport"
)

// callbackDedupeTTL is how long a CredEx webhook id or notification is
// remembered: CredEx retries for days, and a repeat must not notify twice.
const callbackDedupeTTL = 7 * 24 * time.Hour

// callbacks is the front end's EventSink: it turns CredEx callbacks into
// event inputs in the inboxes of the members concerned and wakes them.
type callbacks struct {
	store         *persistence.Store
	router        actors.Router
	phoneNumberID string // the default business number for notifications
	log           *slog.Logger
	now           func() time.Time
}

var _ transport.EventSink = (*callbacks)(nil)

// DeliverEvent implements transport.EventSink.
func (c *callbacks) DeliverEvent(ctx context.Context, ev transport.CredExEvent) (bool, error) {
	claim := "credex-event:" + ev.WebhookID
	seen, err := c.store.Claimed(ctx, claim)
	if err != nil || seen {
		return seen, err
	}
	items, err := c.eventItems(ctx, ev)
	if err != nil {
		return false, err
	}
	if err := c.accept(ctx, items, claim); err != nil {
		return false, err
	}
	return false, nil
}

// DeliverNotification implements transport.EventSink.
func (c *callbacks) DeliverNotification(ctx context.Context, n transport.Notification) (string, bool, error) {
	sum := sha256.Sum256([]byte(n.Phone + "\x00" + n.Message + "\x00" + n.ID))
	id := hex.EncodeToString(sum[:12])
	claim := "notify:" + id
	seen, err := c.store.Claimed(ctx, claim)
	if err != nil || seen {
		return id, seen, err
	}
	u, err := c.userOf(ctx, n.Phone)
	if err != nil {
		return "", false, err
	}
	item := c.incoming(u, vimbiso.Event{ID: id, Kind: vimbiso.EventNotify, MemberName: n.MemberName, Message: n.Message})
	return id, false, c.accept(ctx, []persistence.Incoming{item}, claim)
}

// accept stores items durably, claims the callback, and hands the new
// items to their actors. Accepting first means a failure leaves nothing
// claimed, so CredEx's retry goes through; the per-user dedupe of Accept
// keeps that retry from notifying twice.
func (c *callbacks) accept(ctx context.Context, items []persistence.Incoming, claim string) error {
	accepted, err := c.store.Accept(ctx, items)
	if err != nil {
		return err
	}
	if _, err := c.store.ClaimOnce(ctx, claim, callbackDedupeTTL); err != nil {
		return err
	}
	for _, a := range accepted {
		if !a.Duplicate {
			c.router.Deliver(a.Item)
		}
	}
	return nil
}

// eventItems lists one input per member the event concerns.
func (c *callbacks) eventItems(ctx context.Context, ev transport.CredExEvent) ([]persistence.Incoming, error) {
	var items []persistence.Incoming
	add := func(u vimbiso.User, e vimbiso.Event) {
		for _, it := range items {
			if it.User == u {
				return // one input per member and event
			}
		}
		items = append(items, c.incoming(u, e))
	}

	switch ev.Type {
	case vimbiso.EventOfferUpdate:
		role := "issuer"
		if ev.Status == "pending" || ev.Status == "cancelled" {
			role = "receiver"
		}
		for _, target := range ev.Notify {
			if target.Role != role {
				continue
			}
			u, err := c.userOf(ctx, target.Phone)
			if err != nil {
				return nil, err
			}
			add(u, offerEvent(ev, role, target.MemberName))
		}
	case vimbiso.EventMemberUpdate:
		if ev.Phone != "" {
			u, err := c.userOf(ctx, ev.Phone)
			if err != nil {
				return nil, err
			}
			e := vimbiso.Event{ID: ev.WebhookID, Kind: vimbiso.EventMemberUpdate}
			if slices.Contains(ev.UpdatedFields, "memberTier") {
				e.MemberTier = ev.MemberTier
			}
			add(u, e)
		}
	case vimbiso.EventCompanyUpdate:
		if ev.OwnerPhone != "" {
			u, err := c.userOf(ctx, ev.OwnerPhone)
			if err != nil {
				return nil, err
			}
			add(u, vimbiso.Event{ID: ev.WebhookID, Kind: vimbiso.EventCompanyUpdate})
		}
	}

	// Live sessions that show an account of the event refresh their
	// dashboard, with no message, whoever CredEx asked us to tell.
	for _, account := range []string{ev.CompanyID, ev.IssuerAccountID, ev.ReceiverAccountID} {
		if account == "" {
			continue
		}
		users, err := c.store.UsersOfAccount(ctx, account)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			add(u, vimbiso.Event{ID: ev.WebhookID, Kind: vimbiso.EventCompanyUpdate})
		}
	}
	return items, nil
}

// offerEvent describes an offer change for one member.
func offerEvent(ev transport.CredExEvent, role, memberName string) vimbiso.Event {
	counterparty := ev.IssuerAccountName
	if role == "issuer" {
		counterparty = ev.ReceiverAccountName
	}
	return vimbiso.Event{
		ID: ev.WebhookID, Kind: vimbiso.EventOfferUpdate, Status: ev.Status, Role: role,
		OfferID: ev.OfferID, Amount: formatAmount(ev.Amount, ev.Denomination), Secured: ev.Secured,
		Counterparty: counterparty, MemberName: memberName,
	}
}

// incoming wraps an event as an inbox input, deduplicated per member.
func (c *callbacks) incoming(u vimbiso.User, e vimbiso.Event) persistence.Incoming {
	now := c.now()
	in := vimbiso.Input{Kind: vimbiso.InputEvent, Event: &e, SentAt: now, ReceivedAt: now}
	return persistence.Incoming{User: u, Input: in, DedupeID: "event:" + string(e.Kind) + ":" + e.ID}
}

// userOf returns the conversation of a member's phone number: on the
// business number they last wrote to, else the default one.
func (c *callbacks) userOf(ctx context.Context, phone string) (vimbiso.User, error) {
	pn, err := c.store.LastBusinessNumber(ctx, phone)
	if errors.Is(err, vimbiso.ErrNotFound) {
		return vimbiso.User{PhoneNumberID: c.phoneNumberID, WaID: phone}, nil
	}
	if err != nil {
		return vimbiso.User{}, err
	}
	return vimbiso.User{PhoneNumberID: pn, WaID: phone}, nil
}

// formatAmount writes an amount as CredEx formats it: grouping commas,
// the denomination's decimals (3 for CXX, 4 for XAU, else 2) and the code.
func formatAmount(amount float64, denom string) string {
	decimals := 2
	switch strings.ToUpper(denom) {
	case "CXX":
		decimals = 3
	case "XAU":
		decimals = 4
	}
	s := strconv.FormatFloat(amount, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return fmt.Sprintf("%s %s", out, strings.ToUpper(denom))
}
